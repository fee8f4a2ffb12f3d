/**
 * PostgreSQL lost at the network edge (a TCP proxy between the app and the real server is cut): requests that need
 * the database answer 503 at once, and the pool recovers by itself once the network is back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { testConfig } from '../helpers/test-config.js';
import { timed, waitFor } from './fault-helpers.js';

describe('when the network to PostgreSQL is cut and restored', () => {
  const overrides: Record<string, string> = {};
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  before(async () => {
    const real = testConfig().postgres;
    proxy = await startTcpProxy({ host: real.host, port: real.port });
    overrides.PS_HOST = '127.0.0.1';
    overrides.PS_PORT = String(proxy.port);
  });
  const ctx = useTestServer(overrides);
  after(() => proxy?.close());

  it('then GET /balance, GET /user/profile and POST /auth answer 503 fast while it is cut, and 200 again after restore without a restart', async () => {
    const user = await createUser(ctx, { balance: '1000' });
    const balance = () => ctx.api.get('/balance').set('Authorization', user.auth);
    const profile = () => ctx.api.get('/user/profile').set('Authorization', user.auth);
    const login = () => ctx.api.post('/auth').set('X-Forwarded-For', '10.8.8.8').send({ username: user.username, password: user.password });
    assert.equal((await balance()).status, 200);

    proxy.cut();
    for (const [label, send] of [
      ['GET /balance', balance],
      ['GET /user/profile', profile],
      ['POST /auth', login],
      ['GET /balance again', balance],
    ] as const) {
      const { value: res, ms } = await timed(async () => send());
      assert.equal(res.status, 503, `${label} while PostgreSQL is cut: ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.errorCode, 503);
      assert.ok(ms < 3000, `${label} took ${ms} ms to fail`);
      assert.doesNotMatch(JSON.stringify(res.body), /sequelize|postgres|select|terminated|stack/i);
    }

    proxy.restore();
    await waitFor('GET /balance recovers', async () => (await balance()).status === 200);
    assert.equal((await profile()).status, 200);
    assert.equal((await login()).status, 200);
  });
});
