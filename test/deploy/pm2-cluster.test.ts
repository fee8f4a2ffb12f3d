/**
 * README "Deployment", one host: `npm run build && pm2 start ecosystem.config.js` (2 instances, cluster mode, one
 * port), Socket.io clients with default transports, `pm2 reload` under traffic, and the operator CLI from dist/.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import pLimit from 'p-limit';
import type { Socket } from 'socket.io-client';
import supertest from 'supertest';
import { PROJECT_ROOT } from '../../config/index.js';
import { createUser, type TestUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { eventually, sleep } from '../payment/payment-helpers.js';
import {
  connectClient,
  ensureBuilt,
  freePort,
  getStatus,
  productionEnv,
  startPm2Home,
  subscribeAndListen,
  waitForOk,
  type ClientOptions,
} from './deploy-helpers.js';

const run = promisify(execFile);

describe('PM2 cluster from ecosystem.config.js (2 instances on one port)', () => {
  const ctx = useTestServer();
  let pm: Awaited<ReturnType<typeof startPm2Home>>;
  let base: string;
  let env: Record<string, string>;

  before(async () => {
    await ensureBuilt();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    pm = await startPm2Home();
    env = productionEnv(ctx, { API_PORT: String(port), SOCKET_PEER_DIR: path.join(pm.home, 'peers') });
    await pm.pm2(['start', 'ecosystem.config.js'], env);
    await waitForOk(`${base}/health/ready`);
    const apps = await pm.list();
    assert.equal(apps.length, 2, JSON.stringify(apps));
    assert.deepEqual(apps.map((a) => a.status), ['online', 'online']);
  });

  after(async () => {
    await pm?.kill();
  });

  /** Checkout and the PAID callback through the PM2 port, as Xendit and the app would. */
  async function pay(user: TestUser): Promise<string> {
    const api = supertest(base);
    const checkout = await api.post('/payment-checkout').set('Authorization', user.auth).send({ amount: 100000 });
    assert.equal(checkout.status, 200, JSON.stringify(checkout.body));
    const invoiceId = (checkout.body as { invoice_id: string }).invoice_id;
    ctx.xendit.setInvoiceStatus(invoiceId, 'PAID');
    const callback = await api.post('/payment-callback').set('x-callback-token', ctx.config.xendit.callbackToken).send(ctx.xendit.invoiceCallback(invoiceId));
    assert.equal(callback.status, 200, JSON.stringify(callback.body));
    return invoiceId;
  }

  /** 20 clients one after another and 20 at once; each subscribes and hears its own payment. */
  async function everyClientHearsItsPayment(options: ClientOptions) {
    const clients: Array<{ user: TestUser; socket: Socket; updates: Array<{ invoice_id: string }> }> = [];
    const failures: string[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const user = await createUser(ctx);
        try {
          const socket = await connectClient(base, user.token, options);
          clients.push({ user, socket, updates: await subscribeAndListen(socket, user.username) });
        } catch (error) {
          failures.push(`one after another #${i}: ${(error as Error).message}`);
        }
      }
      const together: TestUser[] = [];
      for (let i = 0; i < 20; i++) together.push(await createUser(ctx));
      await Promise.all(
        together.map(async (user, i) => {
          try {
            const socket = await connectClient(base, user.token, options);
            clients.push({ user, socket, updates: await subscribeAndListen(socket, user.username) });
          } catch (error) {
            failures.push(`at once #${i}: ${(error as Error).message}`);
          }
        }),
      );
      assert.deepEqual(failures, [], `${failures.length} of 40 clients failed to connect and subscribe`);
      const limit = pLimit(4);
      const invoices = await Promise.all(clients.map((client) => limit(() => pay(client.user))));
      await eventually(() => {
        const deaf = clients.filter((client, i) => !client.updates.some((u) => u.invoice_id === invoices[i]));
        assert.equal(deaf.length, 0, `${deaf.length} of 40 clients did not hear their payment`);
      }, 30_000);
      clients.forEach((client, i) => {
        assert.ok(client.updates.every((u) => u.invoice_id === invoices[i]), `${client.user.username} heard someone else's payment`);
      });
      return clients.map((client) => client.socket.io.engine.transport.name);
    } finally {
      for (const client of clients) client.socket.disconnect();
    }
  }

  it('when 40 clients connect with the default transports (polling, then upgrade), then every one connects, subscribes and hears its own payment', async () => {
    const transports = await everyClientHearsItsPayment({});
    assert.deepEqual([...new Set(transports)], ['websocket'], 'every client upgraded to websocket');
  });

  it("when 40 clients connect with transports: ['polling'], then every one connects, subscribes and hears its own payment", async () => {
    const transports = await everyClientHearsItsPayment({ transports: ['polling'] });
    assert.deepEqual([...new Set(transports)], ['polling']);
  });

  it('when pm2 reload runs under steady traffic, then no request fails and both instances are replaced', async () => {
    const before = await pm.list();
    let stop = false;
    let answered = 0;
    const failures: string[] = [];
    const loop = async () => {
      while (!stop) {
        try {
          const status = await getStatus(`${base}/health/ready`);
          if (status === 200) answered += 1;
          else failures.push(`status ${status}`);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    };
    const loops = Array.from({ length: 4 }, loop);
    await sleep(1000);
    await pm.pm2(['reload', 'userstate-api'], env);
    await sleep(1500);
    stop = true;
    await Promise.all(loops);
    const afterReload = await pm.list();
    assert.deepEqual(afterReload.map((a) => a.status), ['online', 'online']);
    for (const app of afterReload) {
      assert.notEqual(app.pid, before.find((b) => b.pm_id === app.pm_id)?.pid, `instance ${app.pm_id} was replaced`);
    }
    assert.deepEqual(failures, [], `${failures.length} failed of ${failures.length + answered} requests during pm2 reload`);
    assert.ok(answered > 20, `only ${answered} requests answered`);
  });

  it('the operator CLI runs from the compiled output alone (node dist/src/cli.js, as inside the image)', async () => {
    const help = await run(process.execPath, ['dist/src/cli.js', 'help'], { cwd: PROJECT_ROOT, env, timeout: 60_000 });
    assert.match(help.stdout, /xendit:sync/);
    const migrate = await run(process.execPath, ['dist/src/cli.js', 'migrate'], { cwd: PROJECT_ROOT, env, timeout: 120_000 });
    assert.doesNotMatch(migrate.stderr, /error/i);
  });
});
