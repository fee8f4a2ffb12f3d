import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { describe, it } from 'node:test';
import pg from 'pg';
import { QueryTypes } from 'sequelize';
import { PROJECT_ROOT } from '../../config/index.js';
import { migrateUp, createMigrator } from '../../src/migrations/index.js';
import { createDatabase } from '../../src/models/index.js';
import { prepareDatabase, startServer } from '../../src/server.js';
import { createLogger } from '../../src/utilities/logger.js';
import { useTestServer } from '../helpers/server.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { testConfig, TEST_ENV } from '../helpers/test-config.js';

const quiet = createLogger('silent');

describe('migrations', () => {
  it('when the database does not exist, then start-up creates it and migrates it up from empty; down and up again work', async () => {
    const name = `userstate_migr_${process.pid}`;
    const config = testConfig({ PS_DB: name });
    const admin = new pg.Client({ ...config.postgres, database: 'postgres' });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    try {
      const db = await prepareDatabase(config, quiet);
      const tables = await db.sequelize.query<{ table_name: string }>(
        "SELECT tablename::text AS table_name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
        { type: QueryTypes.SELECT },
      );
      const names = tables.map((t) => t.table_name);
      for (const table of ['user_login', 'user_info', 'user_balance', 'address_list', 'point_mutation', 'referral_history', 'marketing_offer', 'fcm', 'user_transaction', 'voucher_redemption', 'api_key', 'otp_tracker', 'bank_account', 'bank_channel', 'payment_type', 'deactivate_reason']) {
        assert.ok(names.includes(table), `${table} exists in ${names.join(",")}`);
      }
      const [channels] = await db.sequelize.query("SELECT count(*)::int AS n FROM bank_channel WHERE type = 'DISBURSEMENT'");
      assert.ok((channels as Array<{ n: number }>)[0]!.n > 0, 'reference data seeded');
      await createMigrator(db.sequelize).down({ to: 0 });
      const [after] = await db.sequelize.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'user_login'");
      assert.equal((after as Array<{ n: number }>)[0]!.n, 0, 'down removes the schema');
      assert.ok((await migrateUp(db.sequelize)).length >= 2, 'up again applies everything');
      await db.sequelize.close();
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });

  it('the balance can never go negative: the database itself refuses it', async () => {
    const db = createDatabase(testConfig().postgres);
    await assert.rejects(
      db.sequelize.query("INSERT INTO user_login (username, pwd) VALUES ('neg_check_user', 'x'); INSERT INTO user_balance (username, balance) VALUES ('neg_check_user', -1)"),
      /check constraint/i,
    );
    await db.sequelize.query("DELETE FROM user_login WHERE username = 'neg_check_user'");
    await db.sequelize.close();
  });
});

describe('/health when a dependency is down', () => {
  it('when PostgreSQL becomes unreachable, then /health and /health/ready answer 503 naming it while /health/live answers 200, and it recovers when it is back', async () => {
    const base = testConfig();
    const proxy = await startTcpProxy({ host: base.postgres.host, port: base.postgres.port });
    const server = await startServer({ config: testConfig({ PS_PORT: String(proxy.port) }), logger: quiet, port: 0, host: '127.0.0.1' });
    try {
      const up = await fetch(`${server.url}/health`);
      assert.equal(up.status, 200);
      proxy.cut();
      const down = await fetch(`${server.url}/health`);
      assert.equal(down.status, 503);
      const body = (await down.json()) as { dependencies: Record<string, string> };
      assert.equal(body.dependencies.postgres, 'down');
      assert.equal(body.dependencies.redis, 'up');
      // Readiness follows the dependencies; liveness only says the process answers.
      assert.equal((await fetch(`${server.url}/health/ready`)).status, 503);
      const live = await fetch(`${server.url}/health/live`);
      assert.equal(live.status, 200);
      assert.equal(((await live.json()) as { status: string }).status, 'OK');
      proxy.restore();
      let recovered = 0;
      for (let i = 0; i < 20 && recovered !== 200; i++) {
        recovered = (await fetch(`${server.url}/health`)).status;
        if (recovered !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      assert.equal(recovered, 200);
    } finally {
      await server.close();
      await proxy.close();
    }
  });

  it('when Redis becomes unreachable, then /health answers 503 naming it', async () => {
    const base = testConfig();
    const proxy = await startTcpProxy({ host: base.redis.host, port: base.redis.port });
    const server = await startServer({ config: testConfig({ REDIS_PORT: String(proxy.port) }), logger: quiet, port: 0, host: '127.0.0.1' });
    try {
      proxy.cut();
      const started = Date.now();
      const down = await fetch(`${server.url}/health`);
      assert.equal(down.status, 503);
      assert.ok(Date.now() - started < 2500, 'answers fast');
      assert.equal(((await down.json()) as { dependencies: Record<string, string> }).dependencies.redis, 'down');
    } finally {
      proxy.restore();
      await server.close();
      await proxy.close();
    }
  });

  it('when MONGO_DB is set but unreachable, then /health reports mongo down while the service stays up (Mongo is optional)', async () => {
    const server = await startServer({ config: testConfig({ MONGO_DB: 'mongodb://127.0.0.1:1/userstate' }), logger: quiet, port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(`${server.url}/health`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { dependencies: Record<string, string> };
      assert.equal(body.dependencies.mongo, 'down');
      assert.equal(body.dependencies.postgres, 'up');
    } finally {
      await server.close();
    }
  });

  it('when PostgreSQL is not running at start, then the server stops with a message naming it, not a stack dump', async () => {
    await assert.rejects(
      startServer({ config: testConfig({ PS_PORT: '1' }), logger: quiet, port: 0 }),
      (error: Error) => /^PostgreSQL at 127\.0\.0\.1:1 refused the connection: is it running\?/.test(error.message),
    );
  });
});

describe('graceful shutdown', () => {
  const ctx = useTestServer();

  it('when close() is called with a request in flight, then that request still gets its full answer', async () => {
    const { port } = new URL(ctx.server.url);
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/health-not-a-route', headers: { 'content-type': 'application/json', 'content-length': '2' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write('{'); // half a body: the request is in flight until we finish it
      setTimeout(() => req.end('}'), 400);
    });
    await new Promise((r) => setTimeout(r, 100));
    const closing = ctx.server.close();
    const answer = await inFlight;
    assert.equal(answer.status, 404);
    assert.match(answer.body, /"status":false/);
    await closing;
    await assert.rejects(fetch(`${ctx.server.url}/health`), 'no longer accepting');
  });
});

describe('the entry file', () => {
  it('when SIGTERM arrives, then the process closes everything and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...TEST_ENV, API_PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
      child.stdout.on('data', () => {
        if (/listening on port/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, output);
    assert.match(output, /SIGTERM received: shutting down gracefully/);
  });
});
