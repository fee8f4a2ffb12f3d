/**
 * A payout whose outcome is unknown is never refunded by guesswork: after a create that timed out, the sync job looks
 * the payout up at Xendit (by our reference) and reconciles; only a definite failure of that payout refunds it.
 * Statuses that contradict a final local status are recorded as anomalies for operators.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryTypes } from 'sequelize';
import { createUser, type TestUser } from '../helpers/factories.js';
import { appLogEntries } from '../helpers/logs.js';
import { useTestServer, type TestContext } from '../helpers/server.js';
import { runCliProcess } from '../cli/run-cli.js';
import { checkout, eventually, ledgerOf, postCallback, postPayoutCallback, transactionRow } from './payment-helpers.js';

async function addAccount(ctx: TestContext, user: TestUser): Promise<number> {
  const res = await ctx.api
    .post('/bank-account')
    .set('Authorization', user.auth)
    .send({ bank_code: 'BCA', account_number: '1234567890', account_holder_name: 'Test Holder' });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return (res.body as { id: number }).id;
}

async function refundsOf(ctx: TestContext, username: string): Promise<number> {
  const [row] = await ctx.server.clients.db.sequelize.query<{ n: string }>(
    `SELECT count(*) AS n FROM user_transaction WHERE username = :username AND type = 'PAYOUT_REFUND'`,
    { replacements: { username }, type: QueryTypes.SELECT },
  );
  return Number(row?.n);
}

async function anomaliesOf(ctx: TestContext, transactionId: string) {
  return ctx.server.clients.db.sequelize.query<{ kind: string; local_status: string; reported_status: string; occurrences: number }>(
    `SELECT kind, local_status, reported_status, occurrences FROM payment_anomaly WHERE transaction_id = :transactionId ORDER BY id`,
    { replacements: { transactionId }, type: QueryTypes.SELECT },
  );
}

describe('when a payout create times out at Xendit', () => {
  // A short gateway timeout; the fake answers the payout create only after it (and still makes the payout).
  const ctx = useTestServer({ XENDIT_TIMEOUT_MS: '1500' });

  /** POST /payout whose create times out while Xendit still makes the payout; returns our payout id. */
  async function timedOutPayout(user: TestUser, options: { madeAtXendit: boolean }): Promise<string> {
    const accountId = await addAccount(ctx, user);
    if (options.madeAtXendit) ctx.xendit.delayNext(4000);
    else ctx.xendit.failNext(1, 504, 'Gateway Timeout');
    const res = await ctx.api.post('/payout').set('Authorization', user.auth).send({ amount: 30000, bank_account_id: accountId });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, 'PENDING');
    const id = res.body.payout_id as string;
    if (options.madeAtXendit) {
      // (an explicit message: assert.ok without one re-reads the source file on every poll)
      await eventually(() => assert.ok([...ctx.xendit.payouts.values()].some((p) => p.reference_id === id), 'made at Xendit'), 20_000);
    }
    return id;
  }

  const sync = (user: TestUser) => ctx.server.services.payouts.syncPendingPayouts({ olderThanSeconds: 0, usernames: [user.username] });

  it('and the resubmission answers 409 DUPLICATE_TRANSACTION_ERROR, then nothing is refunded: the payout is found by reference, and payout.succeeded settles it', async () => {
    ctx.xendit.answerRepeatedPayoutKeys('conflict');
    try {
      const user = await createUser(ctx, { balance: '100000' });
      const id = await timedOutPayout(user, { madeAtXendit: true });
      await sync(user);
      const afterSync = await transactionRow(ctx, { id });
      assert.equal(afterSync?.status, 'PENDING', 'an unknown outcome is not a failure');
      assert.match(String(afterSync?.reference_id), /^disb-/, "Xendit's payout is linked to ours");
      assert.equal(await refundsOf(ctx, user.username), 0);

      const xenditPayout = [...ctx.xendit.payouts.values()].find((p) => p.reference_id === id);
      assert.ok(xenditPayout);
      ctx.xendit.setPayoutStatus(xenditPayout.id, 'SUCCEEDED');
      const callback = await postPayoutCallback(ctx, ctx.xendit.payoutCallback(xenditPayout.id, 'payout.succeeded'));
      assert.equal(callback.status, 200);
      assert.equal(callback.body.outcome, 'succeeded', JSON.stringify(callback.body));
      assert.equal((await transactionRow(ctx, { id }))?.status, 'SUCCEEDED');
      assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '70000.00', ledger: '70000.00' }, 'paid out once, not refunded');
      assert.equal(await refundsOf(ctx, user.username), 0);
    } finally {
      ctx.xendit.answerRepeatedPayoutKeys('replay');
    }
  });

  it('and Xendit reports that payout FAILED when looked up, then it is refunded once (a definite failure)', async () => {
    const user = await createUser(ctx, { balance: '100000' });
    const id = await timedOutPayout(user, { madeAtXendit: true });
    const xenditPayout = [...ctx.xendit.payouts.values()].find((p) => p.reference_id === id);
    assert.ok(xenditPayout);
    ctx.xendit.setPayoutStatus(xenditPayout.id, 'FAILED', { failure_code: 'INVALID_DESTINATION' });
    await Promise.all([sync(user), sync(user)]);
    const row = await transactionRow(ctx, { id });
    assert.equal(row?.status, 'FAILED');
    assert.equal(row?.failure_code, 'INVALID_DESTINATION');
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '100000.00', ledger: '100000.00' });
    assert.equal(await refundsOf(ctx, user.username), 1);
  });

  it('and Xendit has no such payout, then the sync job resubmits it with the same key and links the answer', async () => {
    const user = await createUser(ctx, { balance: '100000' });
    const id = await timedOutPayout(user, { madeAtXendit: false });
    assert.equal([...ctx.xendit.payouts.values()].filter((p) => p.reference_id === id).length, 0);
    await sync(user);
    const made = [...ctx.xendit.payouts.values()].filter((p) => p.reference_id === id);
    assert.equal(made.length, 1);
    const row = await transactionRow(ctx, { id });
    assert.equal(row?.status, 'PENDING');
    assert.equal(row?.reference_id, made[0]?.id);
    const keys = ctx.xendit.requests
      .filter((r) => r.method === 'POST' && r.path === '/v2/payouts' && (r.body as { reference_id?: string }).reference_id === id)
      .map((r) => r.headers['idempotency-key']);
    assert.deepEqual([...new Set(keys)], [`payout-${id}`]);
  });

  it('and the resubmission is refused while Xendit shows no payout, then it is not refunded on that guess: it stays PENDING and is listed for operators', async () => {
    const user = await createUser(ctx, { balance: '100000' });
    const id = await timedOutPayout(user, { madeAtXendit: false });
    // The lookup finds nothing, then the resubmission is refused.
    ctx.xendit.failNext(1, 200, { data: [], has_more: false, links: [] });
    ctx.xendit.failNext(1, 400, { error_code: 'API_VALIDATION_ERROR', message: 'rejected' });
    await sync(user);
    assert.equal((await transactionRow(ctx, { id }))?.status, 'PENDING');
    assert.equal(await refundsOf(ctx, user.username), 0);
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '70000.00', ledger: '70000.00' });
    assert.deepEqual(
      (await anomaliesOf(ctx, id)).map((a) => a.kind),
      ['PAYOUT_RESUBMISSION_REFUSED'],
    );
  });
});

describe('when Xendit reports a status that contradicts a final local one', () => {
  const ctx = useTestServer();

  async function failedPayout(user: TestUser): Promise<{ id: string; xenditId: string }> {
    const accountId = await addAccount(ctx, user);
    const res = await ctx.api.post('/payout').set('Authorization', user.auth).send({ amount: 30000, bank_account_id: accountId });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const xenditId = res.body.xendit_payout_id as string;
    const failed = await postPayoutCallback(ctx, ctx.xendit.payoutCallback(xenditId, 'payout.failed'));
    assert.equal(failed.body.outcome, 'refunded');
    return { id: res.body.payout_id as string, xenditId };
  }

  it('then a payout.succeeded after a local FAILED is logged as an error, counted per delivery, never silently acknowledged, and nothing moves', async () => {
    const user = await createUser(ctx, { balance: '100000' });
    const { id, xenditId } = await failedPayout(user);
    const body = ctx.xendit.payoutCallback(xenditId, 'payout.succeeded');
    const answers = [await postPayoutCallback(ctx, body), await postPayoutCallback(ctx, body)];
    for (const answer of answers) {
      assert.equal(answer.status, 200);
      assert.equal(answer.body.outcome, 'anomaly', JSON.stringify(answer.body));
    }
    assert.equal((await transactionRow(ctx, { id }))?.status, 'FAILED');
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '100000.00', ledger: '100000.00' });
    assert.deepEqual(await anomaliesOf(ctx, id), [
      { kind: 'PAYOUT_SUCCEEDED_AFTER_FAILED', local_status: 'FAILED', reported_status: 'SUCCEEDED', occurrences: 2 },
    ]);
    assert.ok(
      appLogEntries(ctx.logs).some((entry) => entry.level === 'error' && JSON.stringify(entry).includes('PAYOUT_SUCCEEDED_AFTER_FAILED')),
      'the anomaly is logged as an error',
    );
  });

  it('then a payout.reversed after a local FAILED is recorded too, and not refunded a second time', async () => {
    const user = await createUser(ctx, { balance: '100000' });
    const { id, xenditId } = await failedPayout(user);
    const answer = await postPayoutCallback(ctx, ctx.xendit.payoutCallback(xenditId, 'payout.reversed'));
    assert.equal(answer.body.outcome, 'anomaly', JSON.stringify(answer.body));
    assert.equal(await refundsOf(ctx, user.username), 1);
    assert.deepEqual(
      (await anomaliesOf(ctx, id)).map((a) => a.kind),
      ['PAYOUT_REVERSED_AFTER_FAILED'],
    );
  });

  it('then a PAID invoice after a local EXPIRED is recorded, not credited, and the operator CLI lists every anomaly with its count', async () => {
    const user = await createUser(ctx);
    const invoice = await checkout(ctx, user, { amount: 40000 });
    ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'EXPIRED');
    assert.equal((await postCallback(ctx, ctx.xendit.invoiceCallback(invoice.invoice_id))).body.outcome, 'expired');
    ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'PAID');
    const paid = await postCallback(ctx, ctx.xendit.invoiceCallback(invoice.invoice_id));
    assert.equal(paid.status, 200);
    assert.equal(paid.body.outcome, 'anomaly', JSON.stringify(paid.body));
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '0.00', ledger: '0.00' });
    assert.deepEqual(await anomaliesOf(ctx, invoice.external_id), [
      { kind: 'INVOICE_PAID_AFTER_EXPIRED', local_status: 'EXPIRED', reported_status: 'PAID', occurrences: 1 },
    ]);

    const payoutUser = await createUser(ctx, { balance: '100000' });
    const { id: payoutId, xenditId } = await failedPayout(payoutUser);
    await postPayoutCallback(ctx, ctx.xendit.payoutCallback(xenditId, 'payout.succeeded'));

    const cli = await runCliProcess(['payments:anomalies']);
    assert.equal(cli.code, 0, cli.stderr);
    const lineOf = (transactionId: string) => cli.stdout.split('\n').find((line) => line.includes(transactionId)) ?? '';
    assert.match(lineOf(invoice.external_id), /INVOICE_PAID_AFTER_EXPIRED.*EXPIRED.*PAID.*seen 1/);
    assert.match(lineOf(payoutId), /PAYOUT_SUCCEEDED_AFTER_FAILED.*FAILED.*SUCCEEDED.*seen 1/);
    assert.match(cli.stdout, /INVOICE_PAID_AFTER_EXPIRED: \d+/);
    assert.doesNotMatch(cli.stdout + cli.stderr, /1234567890/, 'no account numbers in operator output');
  });
});
