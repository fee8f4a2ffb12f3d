/**
 * Redis goes away and comes back: requests that need it answer 503 at once (no hanging, no 500), and the service
 * recovers by itself when Redis returns, without a restart.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { timed, useOwnRedis, waitFor } from './fault-helpers.js';

describe('when Redis goes down and comes back', () => {
  const { redis, overrides } = useOwnRedis();
  // Registered after the hook above, so the server starts against our Redis.
  const ctx = useTestServer(overrides);
  after(() => redis.stop());

  it('then GET /verify and POST /auth answer 503 fast while it is down, and work again once it is back, with no restart', async () => {
    const user = await createUser(ctx);
    assert.equal((await ctx.api.get('/verify').set('Authorization', user.auth)).status, 200);
    const login = () => ctx.api.post('/auth').set('X-Forwarded-For', '10.9.9.9').send({ username: user.username, password: user.password });
    assert.equal((await login()).status, 200);

    await redis.stop();
    for (const [label, send] of [
      ['GET /verify', () => ctx.api.get('/verify').set('Authorization', user.auth)],
      ['POST /auth', login],
    ] as const) {
      const { value: res, ms } = await timed(async () => send());
      assert.equal(res.status, 503, `${label} while Redis is down: ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.status, false);
      assert.equal(res.body.errorCode, 503);
      assert.ok(ms < 2000, `${label} took ${ms} ms to fail`);
      assert.doesNotMatch(JSON.stringify(res.body), /redis|ECONNREFUSED|stack/i);
    }

    await redis.start();
    const recoveredIn = await waitFor('GET /verify recovers', async () => (await ctx.api.get('/verify').set('Authorization', user.auth)).status === 200);
    assert.equal((await login()).status, 200);
    assert.ok(recoveredIn < 15_000);
  });
});
