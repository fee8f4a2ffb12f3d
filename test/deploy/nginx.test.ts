/**
 * README "Deployment", several hosts: deploy/nginx.conf run by real nginx in front of two instances that share
 * PostgreSQL and Redis; Socket.io clients (polling, websocket, default) hear payments through it.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import supertest from 'supertest';
import { PROJECT_ROOT } from '../../config/index.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createLogger } from '../../src/utilities/logger.js';
import { createUser, type TestUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { eventually } from '../payment/payment-helpers.js';
import { connectClient, freePort, spawnProcess, subscribeAndListen, waitForOk, type ClientOptions } from './deploy-helpers.js';

const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

/** deploy/nginx.conf with its two upstreams and its listen port replaced, inside a minimal nginx.conf of a temp prefix. */
async function writeNginxConfig(prefix: string, listenPort: number, upstreams: [number, number]): Promise<string> {
  let site = await readFile(path.join(PROJECT_ROOT, 'deploy/nginx.conf'), 'utf8');
  const replace = (from: string, to: string) => {
    assert.ok(site.includes(from), `deploy/nginx.conf contains "${from}"`);
    site = site.replace(from, to);
  };
  replace('server 127.0.0.1:33010;', `server 127.0.0.1:${upstreams[0]};`);
  replace('server 127.0.0.1:33011;', `server 127.0.0.1:${upstreams[1]};`);
  replace('listen 80;', `listen 127.0.0.1:${listenPort};`);
  await writeFile(path.join(prefix, 'userstate-api.conf'), site);
  for (const dir of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) await mkdir(path.join(prefix, dir));
  const main = `
daemon off;
master_process off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  include ${prefix}/userstate-api.conf;
}
`;
  const file = path.join(prefix, 'nginx.conf');
  await writeFile(file, main);
  return file;
}

describe('nginx (deploy/nginx.conf) in front of two instances', { skip: NGINX ? false : 'nginx is not installed (.ci/run installs it)' }, () => {
  const ctx = useTestServer();
  let second: RunningServer;
  let nginx: ReturnType<typeof spawnProcess>;
  let prefix: string;
  let base: string;

  before(async () => {
    second = await startServer({ config: ctx.config, logger: createLogger('silent'), port: 0, host: '127.0.0.1', overrides: { push: ctx.push } });
    prefix = await mkdtemp(path.join(os.tmpdir(), 'userstate-nginx-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const conf = await writeNginxConfig(prefix, port, [ctx.server.port, second.port]);
    nginx = spawnProcess(NGINX!, ['-p', prefix, '-c', conf, '-e', path.join(prefix, 'error.log')], { env: { PATH: process.env.PATH ?? '' } });
    try {
      await waitForOk(`${base}/health/ready`, 30_000);
    } catch (error) {
      const said = `${nginx.output()}${await readFile(path.join(prefix, 'error.log'), 'utf8').catch(() => '')}`;
      throw new Error(`${(error as Error).message}\nnginx said: ${said}`, { cause: error });
    }
  });

  after(async () => {
    await nginx?.stop();
    await second?.close();
    if (prefix) await rm(prefix, { recursive: true, force: true });
  });

  it('when polling, websocket and default-transport clients connect through nginx, then each hears its payment, whichever instance applies it', async () => {
    const variants: Array<[string, ClientOptions]> = [
      ['polling', { transports: ['polling'] }],
      ['websocket', { transports: ['websocket'] }],
      ['default', {}],
    ];
    const clients: Array<{ name: string; user: TestUser; socket: Socket; updates: Array<{ invoice_id: string }> }> = [];
    try {
      for (const [name, options] of variants) {
        for (let i = 0; i < 4; i++) {
          const user = await createUser(ctx);
          const socket = await connectClient(base, user.token, options);
          clients.push({ name, user, socket, updates: await subscribeAndListen(socket, user.username) });
        }
      }
      const viaNginx = supertest(base);
      const invoices: string[] = [];
      for (const [i, client] of clients.entries()) {
        const checkout = await viaNginx.post('/payment-checkout').set('Authorization', client.user.auth).send({ amount: 100000 });
        assert.equal(checkout.status, 200, JSON.stringify(checkout.body));
        const invoiceId = (checkout.body as { invoice_id: string }).invoice_id;
        ctx.xendit.setInvoiceStatus(invoiceId, 'PAID');
        // Xendit's callback reaches either host: half through nginx, half straight to the second instance.
        const target = i % 2 === 0 ? viaNginx : supertest(second.url);
        const callback = await target.post('/payment-callback').set('x-callback-token', ctx.config.xendit.callbackToken).send(ctx.xendit.invoiceCallback(invoiceId));
        assert.equal(callback.status, 200, JSON.stringify(callback.body));
        invoices.push(invoiceId);
      }
      await eventually(() => {
        const deaf = clients.filter((client, i) => !client.updates.some((u) => u.invoice_id === invoices[i])).map((c) => c.name);
        assert.deepEqual(deaf, [], 'clients that did not hear their payment');
      }, 20_000);
    } finally {
      for (const client of clients) client.socket.disconnect();
    }
  });
});
