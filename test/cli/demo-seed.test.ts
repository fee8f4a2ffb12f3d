import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { QueryTypes } from 'sequelize';
import { useTestServer } from '../helpers/server.js';
import { TEST_ENV } from '../helpers/test-config.js';
import { runCliProcess } from './run-cli.js';

const DEMO_USERS = ['demo_alice', 'demo_bob', 'demo_carol'];

describe('npm run cli -- demo:seed', () => {
  const ctx = useTestServer();
  const sql = () => ctx.server.clients.db.sequelize;

  /** Demo data left by an earlier run of this file goes first: the demo users have fixed names. */
  async function removeDemoData() {
    await sql().query(`DELETE FROM marketing_offer WHERE title LIKE 'Demo:%'`);
    await sql().query('DELETE FROM user_login WHERE username IN (:users)', { replacements: { users: DEMO_USERS } });
  }

  async function demoUserCount(): Promise<number> {
    const [row] = await sql().query<{ n: number }>('SELECT COUNT(*)::int AS n FROM user_login WHERE username IN (:users)', {
      type: QueryTypes.SELECT,
      replacements: { users: DEMO_USERS },
    });
    return row?.n ?? 0;
  }

  it('when NODE_ENV is production, then it refuses with exit 1 before touching the database', async () => {
    await removeDemoData();
    const run = await runCliProcess(['demo:seed'], {
      NODE_ENV: 'production',
      EMAIL_HOST: '127.0.0.1',
      ENCRYPTION_KEYS: `demotest:${randomBytes(32).toString('base64')}`,
      SECRET_AUTH_CONFIG: TEST_ENV.SECRET_AUTH_CONFIG!,
    });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /demo:seed refuses to run in production/);
    assert.equal(await demoUserCount(), 0);
  });

  it('when run on a database without demo data, then it prints passwords that sign in, and creates a paid top-up, a referral, offers and a voucher redemption', async () => {
    await removeDemoData();
    const run = await runCliProcess(['demo:seed']);
    assert.equal(run.code, 0, run.stderr);

    const passwords = new Map<string, string>();
    for (const match of run.stdout.matchAll(/^\s+(demo_\w+)\s+password: (\S+)/gm)) passwords.set(match[1]!, match[2]!);
    assert.deepEqual([...passwords.keys()].sort(), DEMO_USERS);

    const tokens = new Map<string, string>();
    for (const [username, password] of passwords) {
      const login = await ctx.api.post('/auth').set('X-Forwarded-For', '198.51.100.40').send({ username, password });
      assert.equal(login.status, 200, `${username}: ${JSON.stringify(login.body)}`);
      tokens.set(username, `Bearer ${String(login.body.token)}`);
    }
    const as = (username: string) => tokens.get(username)!;

    const balance = await ctx.api.get('/balance').set('Authorization', as('demo_bob'));
    assert.equal(balance.status, 200, JSON.stringify(balance.body));
    assert.match(JSON.stringify(balance.body), /150000/);
    assert.deepEqual(await ctx.server.services.wallet.reconcile('demo_bob'), { balance: '150000.00', ledger: '150000.00' });
    const payments = await ctx.api.get('/invoice/list/xendit').set('Authorization', as('demo_bob'));
    assert.equal(payments.status, 200);
    assert.match(JSON.stringify(payments.body), /"PAID"/);

    const referrals = await ctx.api.get('/referral/history').set('Authorization', as('demo_alice'));
    assert.equal(referrals.status, 200);
    assert.match(JSON.stringify(referrals.body), /demo_bob/);

    const offers = await ctx.api.get('/marketing-offer/list').set('Authorization', as('demo_bob'));
    assert.equal(offers.status, 200);
    assert.equal((JSON.stringify(offers.body).match(/Demo: /g) ?? []).length, 2, 'bob sees the public and his personal offer');

    const [redemption] = await sql().query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM voucher_redemption WHERE username = 'demo_bob'`, { type: QueryTypes.SELECT });
    assert.equal(redemption?.n, 1);
    assert.match(run.stdout, /vouchers to try/);

    const [carol] = await sql().query<{ agent: boolean }>(`SELECT agent FROM user_info WHERE username = 'demo_carol'`, { type: QueryTypes.SELECT });
    assert.equal(carol?.agent, true);
  });

  it('when run again, then nothing changes and it says the demo users exist', async () => {
    const before = await sql().query(`SELECT username, balance FROM user_balance WHERE username IN (:users) ORDER BY username`, {
      type: QueryTypes.SELECT,
      replacements: { users: DEMO_USERS },
    });
    const run = await runCliProcess(['demo:seed']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /demo users already exist .*nothing changed/);
    assert.doesNotMatch(run.stdout, /password: /);
    const after = await sql().query(`SELECT username, balance FROM user_balance WHERE username IN (:users) ORDER BY username`, {
      type: QueryTypes.SELECT,
      replacements: { users: DEMO_USERS },
    });
    assert.deepEqual(after, before);
    await removeDemoData();
  });
});
