/**
 * "Money moved ⇒ its idempotency record exists." Each statement of POST /balance/decrease, POST /points/redeem and
 * POST /payout is made to fail in turn (a test-only trigger, see helpers/statement-faults.ts); the client then
 * retries with the same Idempotency-Key, sequentially and in a parallel burst. Whatever failed, the money moved
 * exactly once and every retry gets the same answer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryTypes } from 'sequelize';
import { createUser, type TestUser } from '../helpers/factories.js';
import { useTestServer, type TestContext } from '../helpers/server.js';
import { withStatementFault, type StatementFault } from '../helpers/statement-faults.js';
import { ledgerOf } from '../payment/payment-helpers.js';

const ANSWER_STORED = 'NEW.response_status IS NOT NULL';

async function countRows(ctx: TestContext, sql: string, replacements: Record<string, unknown>): Promise<number> {
  const [row] = await ctx.server.clients.db.sequelize.query<{ n: string }>(sql, { replacements, type: QueryTypes.SELECT });
  return Number(row?.n);
}

/** Two retries one after the other, then a burst of four at once: all must succeed with one and the same answer. */
async function retry(send: () => Promise<{ status: number; body: Record<string, unknown> }>, okStatus: number) {
  const answers = [await send(), await send()];
  answers.push(...(await Promise.all(Array.from({ length: 4 }, send))));
  for (const answer of answers) assert.equal(answer.status, okStatus, JSON.stringify(answer.body));
  return answers;
}

describe('when a statement of a money route fails and the client retries with its Idempotency-Key', () => {
  const ctx = useTestServer();
  const sql = () => ctx.server.clients.db.sequelize;

  const decreaseFaults: StatementFault[] = [
    { statement: 'claiming the key', table: 'idempotency_key', when: 'BEFORE INSERT' },
    { statement: 'the wallet debit', table: 'user_balance', when: 'BEFORE UPDATE' },
    { statement: 'the DEBIT ledger row', table: 'user_transaction', when: 'BEFORE INSERT' },
    { statement: 'storing the answer', table: 'idempotency_key', when: 'BEFORE UPDATE', condition: ANSWER_STORED },
    { statement: 'the commit', table: 'user_transaction', when: 'AT COMMIT' },
  ];
  for (const fault of decreaseFaults) {
    it(`then POST /balance/decrease debits once when ${fault.statement} fails`, async () => {
      const user = await createUser(ctx, { balance: '100000' });
      const send = () =>
        ctx.api
          .post('/balance/decrease')
          .set('Authorization', user.auth)
          .set('Idempotency-Key', `dec-${user.username}`)
          .send({ amount: 30000, description: 'Purchase payment' });
      const first = await withStatementFault(sql(), user.username, fault, send);
      assert.ok(first.status >= 500, `the failed attempt is not answered as a success: ${first.status} ${JSON.stringify(first.body)}`);
      assert.doesNotMatch(JSON.stringify(first.body), /injected fault/);
      const answers = await retry(send, 200);
      for (const answer of answers) assert.deepEqual(answer.body, answers[0]?.body);
      assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '70000.00', ledger: '70000.00' }, 'debited exactly once');
      assert.equal(await countRows(ctx, `SELECT count(*) AS n FROM user_transaction WHERE username = :u AND type = 'DEBIT'`, { u: user.username }), 1);
    });
  }

  const redeemFaults: StatementFault[] = [
    { statement: 'claiming the key', table: 'idempotency_key', when: 'BEFORE INSERT' },
    { statement: 'taking the points', table: 'user_balance', when: 'BEFORE UPDATE' },
    { statement: 'the point_mutation DEBIT', table: 'point_mutation', when: 'BEFORE INSERT' },
    { statement: 'the POINT_REDEEM ledger row', table: 'user_transaction', when: 'BEFORE INSERT' },
    { statement: 'storing the answer', table: 'idempotency_key', when: 'BEFORE UPDATE', condition: ANSWER_STORED },
    { statement: 'the commit', table: 'point_mutation', when: 'AT COMMIT' },
  ];
  for (const fault of redeemFaults) {
    it(`then POST /points/redeem takes the points once when ${fault.statement} fails`, async () => {
      const user = await createUser(ctx, { points: 500 });
      const send = () =>
        ctx.api.post('/points/redeem').set('Authorization', user.auth).set('Idempotency-Key', `pts-${user.username}`).send({ points: 100 });
      const first = await withStatementFault(sql(), user.username, fault, send);
      assert.ok(first.status >= 500, `the failed attempt is not answered as a success: ${first.status} ${JSON.stringify(first.body)}`);
      const answers = await retry(send, 200);
      for (const answer of answers) assert.deepEqual(answer.body, answers[0]?.body);
      const [balance] = await sql().query<{ balance: string; points: number }>('SELECT balance, points FROM user_balance WHERE username = :u', {
        replacements: { u: user.username },
        type: QueryTypes.SELECT,
      });
      assert.deepEqual(balance, { balance: String(100 * ctx.config.wallet.pointValueIdr) + '.00', points: 400 }, 'redeemed exactly once');
      assert.equal(await countRows(ctx, `SELECT count(*) AS n FROM point_mutation WHERE username = :u AND type = 'DEBIT'`, { u: user.username }), 1);
      assert.equal(await countRows(ctx, `SELECT count(*) AS n FROM user_transaction WHERE username = :u AND type = 'POINT_REDEEM'`, { u: user.username }), 1);
    });
  }

  async function addAccount(user: TestUser): Promise<number> {
    const res = await ctx.api
      .post('/bank-account')
      .set('Authorization', user.auth)
      .send({ bank_code: 'BCA', account_number: '1234567890', account_holder_name: 'Test Holder' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return (res.body as { id: number }).id;
  }

  // 'either': the debit and the Xendit payout are done when the final answer cannot be stored; answering it or a 5xx
  // are both honest, as long as the retries find that payout instead of making another.
  const payoutFaults: Array<StatementFault & { firstAnswer: '5xx' | '201' | 'either' }> = [
    { statement: 'claiming the key', table: 'idempotency_key', when: 'BEFORE INSERT', firstAnswer: '5xx' },
    { statement: 'the wallet debit', table: 'user_balance', when: 'BEFORE UPDATE', firstAnswer: '5xx' },
    { statement: 'the PAYOUT ledger row', table: 'user_transaction', when: 'BEFORE INSERT', firstAnswer: '5xx' },
    {
      statement: 'linking the key to the payout',
      table: 'idempotency_key',
      when: 'BEFORE UPDATE',
      condition: 'OLD.resource_id IS NULL AND NEW.resource_id IS NOT NULL',
      firstAnswer: '5xx',
    },
    { statement: 'the commit of the debit', table: 'user_transaction', when: 'AT COMMIT', condition: "NEW.type = 'PAYOUT'", firstAnswer: '5xx' },
    {
      statement: 'counting the attempt before calling Xendit',
      table: 'user_transaction',
      when: 'BEFORE UPDATE',
      condition: 'NEW.submit_attempts > OLD.submit_attempts',
      firstAnswer: 'either',
    },
    {
      statement: "recording Xendit's payout id",
      table: 'user_transaction',
      when: 'BEFORE UPDATE',
      condition: 'OLD.reference_id IS NULL AND NEW.reference_id IS NOT NULL',
      firstAnswer: '201',
    },
    { statement: 'storing the answer', table: 'idempotency_key', when: 'BEFORE UPDATE', condition: ANSWER_STORED, firstAnswer: 'either' },
  ];
  for (const fault of payoutFaults) {
    it(`then POST /payout debits once and creates one Xendit payout when ${fault.statement} fails`, async () => {
      const user = await createUser(ctx, { balance: '100000' });
      const accountId = await addAccount(user);
      const send = () =>
        ctx.api
          .post('/payout')
          .set('Authorization', user.auth)
          .set('Idempotency-Key', `po-${user.username}`)
          .send({ amount: 30000, bank_account_id: accountId });
      const first = await withStatementFault(sql(), user.username, fault, send);
      if (fault.firstAnswer === '5xx') assert.ok(first.status >= 500, `${first.status} ${JSON.stringify(first.body)}`);
      else if (fault.firstAnswer === '201') assert.equal(first.status, 201, JSON.stringify(first.body));
      else assert.ok(first.status === 201 || first.status >= 500, `${first.status} ${JSON.stringify(first.body)}`);
      const answers = await retry(send, 201);
      const payoutIds = new Set(answers.map((a) => a.body.payout_id));
      if (first.status === 201) payoutIds.add(first.body.payout_id);
      assert.equal(payoutIds.size, 1, `one payout answered to every attempt: ${[...payoutIds].join(', ')}`);
      assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '70000.00', ledger: '70000.00' }, 'debited exactly once');
      assert.equal(await countRows(ctx, `SELECT count(*) AS n FROM user_transaction WHERE username = :u AND type = 'PAYOUT'`, { u: user.username }), 1);
      // The sync job finishes whatever the request could not (a payout never sent, or sent but not linked).
      await ctx.server.services.payouts.syncPendingPayouts({ olderThanSeconds: 0, usernames: [user.username] });
      const [payoutId] = [...payoutIds];
      const atXendit = [...ctx.xendit.payouts.values()].filter((p) => p.reference_id === payoutId);
      assert.equal(atXendit.length, 1, 'one payout at Xendit');
      const [row] = await sql().query<{ reference_id: string | null }>('SELECT reference_id FROM user_transaction WHERE id = :id', {
        replacements: { id: payoutId },
        type: QueryTypes.SELECT,
      });
      assert.equal(row?.reference_id, atXendit[0]?.id, "our payout is linked to Xendit's");
      assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '70000.00', ledger: '70000.00' }, 'still debited exactly once');
    });
  }
});
