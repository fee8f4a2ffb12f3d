import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Sequelize } from 'sequelize';
import supertest from 'supertest';
import { startServer, type RunningServer } from '../../src/server.js';
import { createLogger } from '../../src/utilities/logger.js';
import { buildOriginalDatabase, connect, dropDatabase, rows, snapshot, type OriginalFixture } from '../helpers/original-schema.js';
import { testConfig } from '../helpers/test-config.js';
import { runCliProcess } from './run-cli.js';

const ORIGINAL_DB = `${testConfig().postgres.database}_orig_${process.pid}`;

/** Columns, constraints and indexes of `public`, in a form two databases can be compared by. */
async function schemaOf(sequelize: Sequelize): Promise<{ columns: string[]; constraints: string[]; indexes: string[] }> {
  const columns = await rows<{ line: string }>(
    sequelize,
    `SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
            || COALESCE(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') AS line
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1`,
  );
  const constraints = await rows<{ line: string }>(
    sequelize,
    `SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS line FROM pg_constraint
      WHERE connamespace = 'public'::regnamespace ORDER BY 1`,
  );
  const indexes = await rows<{ line: string }>(sequelize, `SELECT indexdef AS line FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`);
  return { columns: columns.map((r) => r.line), constraints: constraints.map((r) => r.line), indexes: indexes.map((r) => r.line) };
}

describe('npm run cli -- db:adopt: a database of the original system becomes ours', () => {
  const config = testConfig();
  let fixture: OriginalFixture;
  let original: Sequelize;
  const adopt = (...args: string[]) => runCliProcess(['db:adopt', ...args], { PS_DB: ORIGINAL_DB });

  before(async () => {
    fixture = await buildOriginalDatabase(config.postgres, ORIGINAL_DB);
    original = connect(config, ORIGINAL_DB);
  });
  after(async () => {
    await original?.close();
    await dropDatabase(config.postgres, ORIGINAL_DB);
  });

  it("when the server starts on the original's database, then it refuses with a message naming db:adopt and creates nothing", async () => {
    const before = await snapshot(original);
    await assert.rejects(
      startServer({ config: testConfig({ PS_DB: ORIGINAL_DB }), logger: createLogger('silent'), port: 0, host: '127.0.0.1' }),
      (error: Error) => {
        assert.equal(error.name, 'StartupError');
        assert.match(error.message, /original system/);
        assert.match(error.message, /npm run cli -- db:adopt/);
        return true;
      },
    );
    assert.deepEqual(await snapshot(original), before, 'nothing was created or changed');
  });

  it('when run without --apply, then it prints every change and each row that breaks our constraints, and changes nothing', async () => {
    const before = await snapshot(original);
    const run = await adopt();
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /dry run, nothing is changed/);
    assert.match(run.stdout, /create our schema with migrations 0001_initial, 0002_reference_data, 0400_faq, 0500_payments/);
    assert.match(run.stdout, /user_transaction: add .*balance_delta/);
    assert.match(run.stdout, /new tables of ours: .*idempotency_key/);
    assert.match(run.stdout, /\[negative_balance\] user_balance dave: balance -5000/);
    assert.match(run.stdout, /\[email_case_duplicate\] user_info \d+: bob_budi <budi@example.com>/);
    assert.match(run.stdout, /\[email_case_duplicate\] user_info \d+: dave <BUDI@example.com>/);
    assert.match(run.stdout, /\[phone_format\] user_info \d+: phone_number 081234567890 → 6281234567890/);
    assert.match(run.stdout, /\[phone_format\] address_list \d+: phone_number \+6281298765432 → 6281298765432/);
    assert.match(run.stdout, /\[orphan\] point_mutation \d+: username 'ghost' is not a user/);
    assert.match(run.stdout, /break our constraints and no flag says how to treat them; nothing was changed/);
    assert.deepEqual(await snapshot(original), before, 'a dry run changes nothing');
  });

  it('when a dry run runs without a TTY, then each phase reports progress on stderr and a summary ends stdout', async () => {
    const run = await adopt('--negative=zero', '--phones=normalize', '--orphans=skip', '--invalid=skip');
    assert.equal(run.code, 0, run.stderr);
    const lines = [...run.stderr.matchAll(/^db:adopt checking tables: (\d+)\/(\d+) \(\d+%\)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.ok(lines.length >= 2, run.stderr);
    assert.equal(lines[0]?.[0], 0);
    assert.equal(lines[lines.length - 1]?.[0], lines[lines.length - 1]?.[1], 'the last line says every table was checked');
    assert.doesNotMatch(run.stderr, /\x1b\[/);
    const out = run.stdout.trimEnd().split('\n');
    assert.match(out[out.length - 1] ?? '', /^db:adopt: \d+ change\(s\), \d+ problem\(s\), nothing changed, done in \d+\.\ds$/);
  });

  it('when --apply is given while such rows remain untreated, then it refuses (exit 1) and changes nothing; flags alone cannot fix a case-duplicate email', async () => {
    const before = await snapshot(original);
    const refused = await adopt('--apply');
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(refused.stderr, /no flag says how to treat them; nothing was changed/);
    const stillRefused = await adopt('--apply', '--negative=zero', '--phones=normalize', '--orphans=skip', '--invalid=skip');
    assert.equal(stillRefused.code, 1, stillRefused.stdout);
    assert.match(stillRefused.stdout, /\[email_case_duplicate\].*\(fix by hand\)/);
    assert.deepEqual(await snapshot(original), before, 'a refused --apply changes nothing');
    const bad = await adopt('--apply', '--negative=maybe');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /usage: npm run cli -- db:adopt/);
  });

  it('when the operator fixes the email by hand and --apply treats the rest, then every row is carried over and the original tables are kept', async () => {
    await original.query(`UPDATE user_info SET email = 'dave@example.com' WHERE username = 'dave'`);
    const run = await adopt('--apply', '--negative=zero', '--phones=normalize', '--orphans=skip');
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /adopted: the original's tables are kept in schema "original_system"/);
    assert.match(run.stdout, /applied later migrations: .*0670_fcm_device_type_canonical/);
    assert.match(run.stdout, /point_mutation: copy 3 rows \(1 left out, kept in original_system\)/);

    const meta = await rows<{ name: string }>(original, `SELECT name FROM "SequelizeMeta" ORDER BY name`);
    assert.deepEqual(meta.slice(0, 4).map((m) => m.name), ['0001_initial', '0002_reference_data', '0400_faq', '0500_payments']);
    for (const table of ['user_login', 'user_info', 'user_balance', 'address_list', 'referral_history', 'user_transaction', 'voucher_redemption', 'api_key', 'fcm', 'marketing_offer', 'otp_tracker', 'bank_account', 'deactivate_reason']) {
      const [kept] = await rows<{ n: number }>(original, `SELECT count(*)::int AS n FROM original_system."${table}"`);
      const [now] = await rows<{ n: number }>(original, `SELECT count(*)::int AS n FROM public."${table}"`);
      if (table === 'user_balance') assert.equal(now!.n, kept!.n + 1, 'erin got the balance row she lacked');
      else if (table === 'user_transaction') assert.equal(now!.n, kept!.n + 5, 'one opening-balance row per user');
      else assert.equal(now!.n, kept!.n, `${table}: every row carried over`);
    }
    const [offLedger] = await rows<{ n: number }>(
      original,
      `SELECT count(*)::int AS n FROM user_balance b WHERE b.balance <> (SELECT COALESCE(SUM(balance_delta), 0) FROM user_transaction t WHERE t.username = b.username)`,
    );
    assert.equal(offLedger!.n, 0, 'ledger = balance for every user');
    const devices = await rows<{ token: string; device_type: string }>(original, 'SELECT token, device_type FROM fcm ORDER BY token');
    assert.deepEqual(devices, [
      { token: 'fcm-alice-iphone', device_type: 'ios' },
      { token: 'fcm-carol-pixel', device_type: 'android' },
    ]);
    const [vouchers] = await rows<{ list: string }>(original, `SELECT string_agg(username || ':' || voucher_code || '#' || redemption_no, ',' ORDER BY id) AS list FROM voucher_redemption`);
    assert.equal(vouchers!.list, 'alice:WELCOME10K#1,alice:WELCOME10K#2,carol:FREESHIP#1');
    const [expired] = await rows<{ type: string; status: string }>(original, `SELECT type, status FROM user_transaction WHERE id = 'TRX-ORIG-0004'`);
    assert.deepEqual(expired, { type: 'TOPUP', status: 'EXPIRED' });
    const [{ last4 }] = (await rows<{ last4: string }>(original, `SELECT account_number_last4 AS last4 FROM bank_account`)) as [{ last4: string }];
    assert.equal(last4, '7890');
  });

  it('when the adopted database is compared with one our migrations built from empty, then the schema is the same', async () => {
    const fresh = connect(config, config.postgres.database);
    try {
      const ours = await schemaOf(fresh);
      const adopted = await schemaOf(original);
      assert.deepEqual(adopted.columns, ours.columns);
      assert.deepEqual(adopted.constraints, ours.constraints);
      assert.deepEqual(adopted.indexes, ours.indexes);
    } finally {
      await fresh.close();
    }
  });

  describe('the server on the adopted database', () => {
    let server: RunningServer;
    let api: ReturnType<typeof supertest>;
    before(async () => {
      server = await startServer({ config: testConfig({ PS_DB: ORIGINAL_DB }), logger: createLogger('silent'), port: 0, host: '127.0.0.1' });
      api = supertest(server.url);
    });
    after(async () => {
      await server?.close();
    });

    const loginAs = async (username: string, password: string) => {
      const res = await api.post('/auth').set('X-Forwarded-For', `10.77.${process.pid % 250}.${username.length}`).send({ username, password });
      assert.equal(res.status, 200, `${username}: ${JSON.stringify(res.body)}`);
      return `Bearer ${String(res.body.token)}`;
    };

    it('every user logs in with their old password (bcrypt cost 10 and 12, $2a$, argon2), and by their email in any case', async () => {
      for (const user of fixture.users) await loginAs(user.username, user.password);
      await loginAs('alice.smith@example.com', 'alice-old-Pass1');
      const wrong = await api.post('/auth').set('X-Forwarded-For', '10.77.1.1').send({ username: 'alice', password: 'not-her-password' });
      assert.equal(wrong.status, 422);
      const alice = await loginAs('alice', 'alice-old-Pass1');
      assert.equal((await api.get('/verify').set('Authorization', alice)).body.agent, true, 'the agent flag came along');
    });

    it('balances, points, addresses, referrals and vouchers read back as they were', async () => {
      const expected: Record<string, { balance: string; points: number }> = {
        alice: { balance: '150000.50', points: 120 },
        bob_budi: { balance: '0.00', points: 0 },
        carol: { balance: '999.99', points: 30 },
        dave: { balance: '0.00', points: 5 },
        erin: { balance: '0.00', points: 0 },
      };
      for (const user of fixture.users) {
        const auth = await loginAs(user.username, user.password);
        const balance = await api.get('/balance').set('Authorization', auth);
        assert.equal(balance.status, 200, JSON.stringify(balance.body));
        assert.equal(Number(balance.body.balance), Number(expected[user.username]!.balance), `${user.username}: ${JSON.stringify(balance.body)}`);
        assert.equal(balance.body.points, expected[user.username]!.points, user.username);
        const profile = await api.get('/user/profile').set('Authorization', auth);
        assert.equal(profile.status, 200, JSON.stringify(profile.body));
      }
      const alice = await loginAs('alice', 'alice-old-Pass1');
      const addresses = await api.get('/address/list').set('Authorization', alice);
      assert.equal(addresses.status, 200);
      const addressText = JSON.stringify(addresses.body);
      for (const text of ['Jl. Merdeka 1, Jakarta', 'Jl. Sudirman 10, Jakarta', '6281298765432']) assert.ok(addressText.includes(text), addressText);
      const history = await api.get('/points/history').set('Authorization', alice);
      assert.equal(history.status, 200);
      assert.deepEqual(
        (history.body as Array<{ type: string; amount: number; description: string }>).map((p) => `${p.type} ${p.amount} ${p.description}`).sort(),
        ['CREDIT 150 Referral bonus', 'DEBIT 30 Redeem points'],
      );
      const referrals = await api.get('/referral/history').set('Authorization', alice);
      assert.equal(referrals.status, 200);
      const referralText = JSON.stringify(referrals.body);
      assert.ok(referralText.includes('carol') && referralText.includes('bob_budi'), referralText);
      const voucher = await api.get('/check-voucher-redemption?voucher_code=WELCOME10K').set('Authorization', alice);
      assert.equal(voucher.status, 200, JSON.stringify(voucher.body));
      assert.equal(voucher.body.redeemed, true);
      assert.equal(voucher.body.redemption_count, 2);
      const carol = await loginAs('carol', 'carol-argon-Pass3');
      const lowerCase = await api.get('/check-voucher-redemption?voucher_code=freeship').set('Authorization', carol);
      assert.equal(lowerCase.body.redemption_count, 1, JSON.stringify(lowerCase.body));
      const stats = await api.get('/referral/stats').set('Authorization', alice);
      assert.equal(stats.status, 200);
      assert.deepEqual([stats.body.total_referrals, stats.body.completed_referrals, stats.body.pending_referrals], [2, 1, 1], JSON.stringify(stats.body));
    });

    it("the original's API key still authenticates, and a debit after adoption keeps ledger = balance", async () => {
      const basic = `Basic ${Buffer.from(`${fixture.apiKey.holder}:${fixture.apiKey.key}`).toString('base64')}`;
      const whoami = await api.get('/sys/whoami').set('Authorization', basic);
      assert.equal(whoami.status, 200, JSON.stringify(whoami.body));
      const alice = await loginAs('alice', 'alice-old-Pass1');
      const debit = await api.post('/balance/decrease').set('Authorization', alice).send({ amount: 500.5, description: 'after adoption' });
      assert.ok(debit.status === 200 || debit.status === 201, JSON.stringify(debit.body));
      const [row] = await rows<{ balance: string; ledger: string }>(
        original,
        `SELECT b.balance::text AS balance, (SELECT SUM(balance_delta)::text FROM user_transaction t WHERE t.username = b.username) AS ledger FROM user_balance b WHERE username = 'alice'`,
      );
      assert.equal(row!.balance, '149500.00');
      assert.equal(row!.ledger, '149500.00');
    });
  });

  it('when run again on the adopted database, then there is nothing to adopt', async () => {
    const again = await adopt('--apply');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing to adopt/);
  });
});
