/**
 * Money invariants under races: repeated trials of parallel decreases, point redeems, voucher redemptions, payouts
 * and duplicated or reordered gateway callbacks. After every trial, for every user touched: the ledger sums to the
 * balance, no balance or points are negative, and nothing was credited twice.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { QueryTypes } from 'sequelize';
import { createServiceCredentials, createUser, type TestUser } from '../helpers/factories.js';
import { useTestServer, type TestContext } from '../helpers/server.js';
import { checkout, postCallback, postPayoutCallback } from '../payment/payment-helpers.js';

const TRIALS = 5;
const RUN = Date.now().toString(36).toUpperCase();
const VOUCHER_QUOTA = 3;
const VOUCHER_PER_USER = 2;

/** A voucher file of our own: one small-quota voucher per trial, so every trial starts from zero redemptions. */
function writeVoucherFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'userstate-races-'));
  const file = join(dir, 'vouchers.json');
  const vouchers = Array.from({ length: TRIALS }, (_, i) => ({
    code: `RACE${RUN}T${i}`,
    discount_amount: '5000.00',
    valid_from: '2020-01-01T00:00:00Z',
    valid_until: '2099-12-31T23:59:59Z',
    quota: VOUCHER_QUOTA,
    per_user_limit: VOUCHER_PER_USER,
    description: 'race trial voucher',
  }));
  writeFileSync(file, JSON.stringify({ vouchers }));
  return file;
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The invariants every trial ends with, for every user it touched. */
async function assertInvariants(ctx: TestContext, users: TestUser[], label: string): Promise<void> {
  const rows = await ctx.server.clients.db.sequelize.query<{ username: string; balance: string; points: number; ledger: string }>(
    `SELECT b.username, b.balance, b.points,
            (SELECT COALESCE(SUM(balance_delta), 0) FROM user_transaction t WHERE t.username = b.username) AS ledger
       FROM user_balance b WHERE b.username IN (:names)`,
    { replacements: { names: users.map((u) => u.username) }, type: QueryTypes.SELECT },
  );
  assert.equal(rows.length, users.length, `${label}: a balance row is missing`);
  for (const row of rows) {
    assert.equal(Number(row.ledger).toFixed(2), Number(row.balance).toFixed(2), `${label}: ${row.username} ledger ${row.ledger} ≠ balance ${row.balance}`);
    assert.ok(Number(row.balance) >= 0, `${label}: ${row.username} balance is negative (${row.balance})`);
    assert.ok(row.points >= 0, `${label}: ${row.username} points are negative (${row.points})`);
  }
}

async function countRows(ctx: TestContext, sql: string, replacements: Record<string, unknown>): Promise<number> {
  const [row] = await ctx.server.clients.db.sequelize.query<{ n: string }>(sql, { replacements, type: QueryTypes.SELECT });
  return Number(row?.n ?? 0);
}

describe('money invariants under races', () => {
  const ctx = useTestServer({ ACCESS_LOG: 'false', VOUCHER_FILE: writeVoucherFile() });

  it(`when ${TRIALS} trials each fire 12 parallel decreases of 10,000 at a 100,000 balance, then exactly 10 succeed and the ledger matches`, async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const user = await createUser(ctx, { balance: '100000' });
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          ctx.api.post('/balance/decrease').set('Authorization', user.auth).send({ amount: 10000, description: `race ${trial}/${i}` }),
        ),
      );
      const ok = answers.filter((r) => r.status === 200).length;
      assert.ok(answers.every((r) => r.status === 200 || r.status === 400), answers.map((r) => r.status).join(','));
      assert.equal(ok, 10, `trial ${trial}: ${ok} decreases succeeded`);
      await assertInvariants(ctx, [user], `decrease trial ${trial}`);
      assert.equal(await countRows(ctx, `SELECT COUNT(*) AS n FROM user_transaction WHERE username = :u AND balance_delta < 0`, { u: user.username }), 10);
      const balance = await ctx.api.get('/balance').set('Authorization', user.auth);
      assert.equal(balance.body.balance, 0);
    }
  });

  it(`when ${TRIALS} trials each fire 6 parallel redeems of 100 points at 350 points, then exactly 3 succeed, each credited once`, async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const user = await createUser(ctx, { points: 350 });
      const answers = await Promise.all(Array.from({ length: 6 }, () => ctx.api.post('/points/redeem').set('Authorization', user.auth).send({ points: 100 })));
      const ok = answers.filter((r) => r.status === 200);
      assert.ok(answers.every((r) => r.status < 500), answers.map((r) => r.status).join(','));
      assert.equal(ok.length, 3, `trial ${trial}: ${ok.length} redeems succeeded`);
      await assertInvariants(ctx, [user], `redeem trial ${trial}`);
      const balance = await ctx.api.get('/balance').set('Authorization', user.auth);
      assert.equal(balance.body.points, 50);
      assert.equal(balance.body.balance, 3 * 100 * ctx.config.wallet.pointValueIdr);
      assert.equal(await countRows(ctx, `SELECT COUNT(*) AS n FROM point_mutation WHERE username = :u`, { u: user.username }), 3);
      assert.equal(await countRows(ctx, `SELECT COUNT(*) AS n FROM user_transaction WHERE username = :u AND balance_delta > 0`, { u: user.username }), 3);
    }
  });

  it(`when ${TRIALS} trials each have 3 users redeem one voucher 3 times at once, then the quota (${VOUCHER_QUOTA}) and the per-user limit (${VOUCHER_PER_USER}) hold`, async () => {
    const service = await createServiceCredentials(ctx);
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const code = `RACE${RUN}T${trial}`;
      const users = await Promise.all([createUser(ctx), createUser(ctx), createUser(ctx)]);
      const answers = await Promise.all(
        shuffle(users.flatMap((u) => [u, u, u])).map((u) =>
          ctx.api.post('/redeem-voucher').set('Authorization', service.auth).send({ username: u.username, voucher_code: code }),
        ),
      );
      assert.ok(answers.every((r) => r.status < 500), answers.map((r) => r.status).join(','));
      const ok = answers.filter((r) => r.status >= 200 && r.status < 300).length;
      assert.equal(ok, VOUCHER_QUOTA, `trial ${trial}: ${ok} redemptions succeeded`);
      assert.equal(await countRows(ctx, `SELECT COUNT(*) AS n FROM voucher_redemption WHERE voucher_code = :c`, { c: code }), VOUCHER_QUOTA);
      for (const user of users) {
        const mine = await countRows(ctx, `SELECT COUNT(*) AS n FROM voucher_redemption WHERE voucher_code = :c AND username = :u`, { c: code, u: user.username });
        assert.ok(mine <= VOUCHER_PER_USER, `trial ${trial}: ${user.username} redeemed ${mine} times`);
      }
      await assertInvariants(ctx, users, `voucher trial ${trial}`);
    }
  });

  it(`when ${TRIALS} trials each fire 8 parallel payouts of 20,000 at 100,000 and then shuffled duplicate success/failure callbacks, then 5 go out and each is refunded at most once`, async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const user = await createUser(ctx, { balance: '100000' });
      const bank = await ctx.api.post('/bank-account').set('Authorization', user.auth).send({ bank_code: 'BCA', account_number: '1234567890', account_holder_name: 'Race' });
      assert.ok(bank.status < 300, JSON.stringify(bank.body));
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => ctx.api.post('/payout').set('Authorization', user.auth).send({ amount: 20000, bank_account_id: bank.body.id })),
      );
      const created = answers.filter((r) => r.status === 201);
      assert.ok(answers.every((r) => r.status === 201 || r.status === 400), answers.map((r) => `${r.status} ${JSON.stringify(r.body)}`).join('\n'));
      assert.equal(created.length, 5, `trial ${trial}: ${created.length} payouts created`);
      await assertInvariants(ctx, [user], `payout trial ${trial} (debits)`);

      // Every payout gets 3 failures and 3 successes (and a reversal), all at once, in random order.
      const callbacks = created.flatMap((r) => {
        const id = r.body.xendit_payout_id as string;
        return [
          ...Array.from({ length: 3 }, () => ctx.xendit.payoutCallback(id, 'payout.failed')),
          ...Array.from({ length: 3 }, () => ctx.xendit.payoutCallback(id, 'payout.succeeded')),
          ctx.xendit.payoutCallback(id, 'payout.reversed'),
        ];
      });
      const results = await Promise.all(shuffle(callbacks).map((body) => postPayoutCallback(ctx, body)));
      assert.ok(results.every((r) => r.status === 200), results.map((r) => r.status).join(','));
      await assertInvariants(ctx, [user], `payout trial ${trial} (callbacks)`);
      let refunded = 0;
      for (const r of created) {
        const refunds = await countRows(ctx, `SELECT COUNT(*) AS n FROM user_transaction WHERE related_id = :id AND type = 'PAYOUT_REFUND'`, { id: r.body.payout_id });
        assert.ok(refunds <= 1, `trial ${trial}: payout ${r.body.payout_id} refunded ${refunds} times`);
        refunded += refunds;
      }
      // A reversal may follow a success, so every payout ends refunded exactly once here; the balance says so.
      const balance = await ctx.api.get('/balance').set('Authorization', user.auth);
      assert.equal(balance.body.balance, refunded * 20000);
    }
  });

  it(`when ${TRIALS} trials each send PAID, EXPIRED and SETTLED callbacks for two invoices, duplicated and shuffled at once, then each invoice is credited at most once and only if paid`, async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const user = await createUser(ctx);
      const invoices = [await checkout(ctx, user, { amount: 10000 }), await checkout(ctx, user, { amount: 25000 })];
      const bodies = invoices.flatMap((invoice) => {
        ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'PAID');
        const paid = ctx.xendit.invoiceCallback(invoice.invoice_id);
        return [
          ...Array.from({ length: 3 }, () => paid),
          ...Array.from({ length: 2 }, () => ({ ...paid, status: 'EXPIRED' })),
          ...Array.from({ length: 2 }, () => ({ ...paid, status: 'SETTLED' })),
        ];
      });
      const results = await Promise.all(shuffle(bodies).map((body) => postCallback(ctx, body)));
      assert.ok(results.every((r) => r.status === 200), results.map((r) => `${r.status} ${JSON.stringify(r.body)}`).join('\n'));
      await assertInvariants(ctx, [user], `callback trial ${trial}`);
      let expected = 0;
      for (const invoice of invoices) {
        const [row] = await ctx.server.clients.db.sequelize.query<{ status: string; balance_delta: string; amount: string }>(
          `SELECT status, balance_delta, amount FROM user_transaction WHERE id = :id`,
          { replacements: { id: invoice.external_id }, type: QueryTypes.SELECT },
        );
        assert.ok(row, 'the invoice row exists');
        assert.ok(['PAID', 'SETTLED', 'EXPIRED'].includes(row.status), `trial ${trial}: invoice ended ${row.status}`);
        const credited = row.status === 'PAID' || row.status === 'SETTLED';
        assert.equal(Number(row.balance_delta), credited ? Number(row.amount) : 0);
        if (credited) expected += Number(row.amount);
      }
      const topUps = await countRows(ctx, `SELECT COUNT(*) AS n FROM user_transaction WHERE username = :u AND balance_delta > 0`, { u: user.username });
      assert.ok(topUps <= 2, `trial ${trial}: ${topUps} credits for 2 invoices`);
      const balance = await ctx.api.get('/balance').set('Authorization', user.auth);
      assert.equal(balance.body.balance, expected, `trial ${trial}: balance ${balance.body.balance}, expected ${expected}`);
    }
  });
});
