import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUser, type TestUser } from '../helpers/factories.js';
import { useTestServer, type TestContext } from '../helpers/server.js';
import { ledgerOf, postPayoutCallback, topUp, transactionRow } from './payment-helpers.js';

async function addAccount(ctx: TestContext, user: TestUser, body: Record<string, unknown> = {}) {
  const res = await ctx.api
    .post('/bank-account')
    .set('Authorization', user.auth)
    .send({ bank_code: 'BCA', account_number: '1234567890', account_holder_name: 'Test Holder', ...body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: number; account_number: string; bank_code: string };
}

describe('bank accounts and payouts', () => {
  const ctx = useTestServer();

  it('when a user adds a bank account, then it is stored encrypted and only ever answered masked', async () => {
    const user = await createUser(ctx);
    const account = await addAccount(ctx, user, { account_number: '9876543210123' });
    assert.equal(account.account_number, '****0123');
    const stored = await ctx.server.clients.db.models.BankAccount.findByPk(account.id, { raw: true });
    assert.ok(stored && !stored.account_number.includes('9876543210123'));
    assert.equal(stored?.account_number_last4, '0123');
    assert.equal(ctx.server.services.encryptor.decrypt(stored!.account_number), '9876543210123');
    const list = await ctx.api.get('/bank-account/list').set('Authorization', user.auth);
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 1);
    assert.equal(list.body[0].account_number, '****0123');
    assert.equal(list.body[0].bank_name, 'Bank Central Asia');
    assert.ok(!JSON.stringify(list.body).includes('9876543210123'));
    const duplicate = await ctx.api
      .post('/bank-account')
      .set('Authorization', user.auth)
      .send({ bank_code: 'BCA', account_number: '9876543210123', account_holder_name: 'X' });
    assert.equal(duplicate.status, 409);
  });

  it('when the bank code is not a disbursement channel or the number is not 5-20 digits, then 400', async () => {
    const user = await createUser(ctx);
    for (const body of [
      { bank_code: 'NOPE', account_number: '1234567890', account_holder_name: 'A' },
      { bank_code: 'BCA', account_number: '1234', account_holder_name: 'A' },
      { bank_code: 'BCA', account_number: '123456789012345678901', account_holder_name: 'A' },
      { bank_code: 'BCA', account_number: '12345-6789', account_holder_name: 'A' },
      { bank_code: 'BCA', account_number: '1234567890', account_holder_name: '   ' },
      { bank_code: 'BCA', account_number: 1234567890, account_holder_name: 'A' },
    ]) {
      const res = await ctx.api.post('/bank-account').set('Authorization', user.auth).send(body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    assert.equal(await ctx.server.clients.db.models.BankAccount.count({ where: { username: user.username } }), 0);
  });

  it("when a user deletes or pays out to another user's bank account, then 404 and nothing changes", async () => {
    const owner = await createUser(ctx);
    const other = await createUser(ctx);
    await topUp(ctx, other, 100000);
    const account = await addAccount(ctx, owner);
    const del = await ctx.api.delete(`/bank-account/${account.id}`).set('Authorization', other.auth);
    assert.equal(del.status, 404);
    const payout = await ctx.api.post('/payout').set('Authorization', other.auth).send({ amount: 50000, bank_account_id: account.id });
    assert.equal(payout.status, 404);
    assert.deepEqual(await ledgerOf(ctx, other.username), { balance: '100000.00', ledger: '100000.00' });
    const own = await ctx.api.delete(`/bank-account/${account.id}`).set('Authorization', owner.auth);
    assert.equal(own.status, 200);
    assert.equal(await ctx.server.clients.db.models.BankAccount.count({ where: { id: account.id } }), 0);
  });

  it('when a payout is requested, then the wallet is debited atomically, Xendit gets one payout keyed by our transaction, and success settles it', async () => {
    const user = await createUser(ctx);
    await topUp(ctx, user, 100000);
    const account = await addAccount(ctx, user);
    const res = await ctx.api.post('/payout').set('Authorization', user.auth).send({ amount: 40000, bank_account_id: account.id });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, 'PENDING');
    assert.equal(res.body.balance, 60000);
    assert.equal(res.body.destination, 'BCA ****7890');
    const sent = ctx.xendit.requests.filter(
      (r) => r.path === '/v2/payouts' && (r.body as { reference_id: string }).reference_id === res.body.payout_id,
    );
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.headers['idempotency-key'], `payout-${res.body.payout_id}`);
    assert.equal((sent[0]?.body as { channel_code: string }).channel_code, 'ID_BCA');
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '60000.00', ledger: '60000.00' });

    const callback = await postPayoutCallback(ctx, ctx.xendit.payoutCallback(res.body.xendit_payout_id, 'payout.succeeded'));
    assert.equal(callback.status, 200);
    assert.equal(callback.body.message, 'processed');
    assert.equal((await transactionRow(ctx, { id: res.body.payout_id }))?.status, 'SUCCEEDED');
    const list = await ctx.api.get('/payout/list').set('Authorization', user.auth);
    assert.equal(list.body.payouts[0].status, 'SUCCEEDED');
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '60000.00', ledger: '60000.00' });
    // The full account number never reached a log line.
    assert.ok(!ctx.logs.some((line) => line.includes('1234567890')));
  });

  it('when the payout fails and the failed callback arrives 50 times at once, then the balance is refunded exactly once', async () => {
    const user = await createUser(ctx);
    await topUp(ctx, user, 100000);
    const account = await addAccount(ctx, user);
    const res = await ctx.api.post('/payout').set('Authorization', user.auth).send({ amount: 40000, bank_account_id: account.id });
    assert.equal(res.status, 201);
    const body = ctx.xendit.payoutCallback(res.body.xendit_payout_id, 'payout.failed');
    const answers = await Promise.all(Array.from({ length: 50 }, () => postPayoutCallback(ctx, body)));
    assert.ok(answers.every((r) => r.status === 200));
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '100000.00', ledger: '100000.00' });
    const row = await transactionRow(ctx, { id: res.body.payout_id });
    assert.equal(row?.status, 'FAILED');
    assert.equal(row?.failure_code, 'INVALID_DESTINATION');
    const refunds = await ctx.server.clients.db.models.UserTransaction.count({
      where: { related_id: res.body.payout_id, type: 'PAYOUT_REFUND' },
    });
    assert.equal(refunds, 1);
    // A late success after the failure changes nothing.
    await postPayoutCallback(ctx, ctx.xendit.payoutCallback(res.body.xendit_payout_id, 'payout.succeeded'));
    assert.equal((await transactionRow(ctx, { id: res.body.payout_id }))?.status, 'FAILED');
  });

  it('when a succeeded payout is reversed (twice, concurrently), then it is refunded once', async () => {
    const user = await createUser(ctx);
    await topUp(ctx, user, 50000);
    const account = await addAccount(ctx, user);
    const res = await ctx.api.post('/payout').set('Authorization', user.auth).send({ amount: 50000, bank_account_id: account.id });
    await postPayoutCallback(ctx, ctx.xendit.payoutCallback(res.body.xendit_payout_id, 'payout.succeeded'));
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '0.00', ledger: '0.00' });
    const reversed = ctx.xendit.payoutCallback(res.body.xendit_payout_id, 'payout.reversed');
    await Promise.all([postPayoutCallback(ctx, reversed), postPayoutCallback(ctx, reversed)]);
    assert.equal((await transactionRow(ctx, { id: res.body.payout_id }))?.status, 'REVERSED');
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '50000.00', ledger: '50000.00' });
  });

  it('when Xendit refuses the payout synchronously, then 502, the payout is FAILED and the amount is back, once', async () => {
    const user = await createUser(ctx);
    await topUp(ctx, user, 100000);
    // The fake Xendit does not support ID_BRI: CHANNEL_CODE_NOT_SUPPORTED_ERROR (400).
    const account = await addAccount(ctx, user, { bank_code: 'BRI' });
    const res = await ctx.api.post('/payout').set('Authorization', user.auth).send({ amount: 30000, bank_account_id: account.id });
    assert.equal(res.status, 502);
    assert.match(res.body.message, /refused.*CHANNEL_CODE_NOT_SUPPORTED_ERROR.*back in your balance/);
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '100000.00', ledger: '100000.00' });
    const rows = await ctx.server.clients.db.models.UserTransaction.findAll({
      where: { username: user.username, type: 'PAYOUT' },
      raw: true,
    });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.status, 'FAILED');
    assert.equal(rows[0]?.failure_code, 'CHANNEL_CODE_NOT_SUPPORTED_ERROR');
  });

  it('when Xendit is down at payout time, then the payout stays PENDING (debited) and the sync job resubmits it with the same key', async () => {
    const user = await createUser(ctx);
    await topUp(ctx, user, 100000);
    const account = await addAccount(ctx, user);
    ctx.xendit.failNext(1, 503, 'Service Unavailable');
    const res = await ctx.api.post('/payout').set('Authorization', user.auth).send({ amount: 20000, bank_account_id: account.id });
    assert.equal(res.status, 201);
    assert.equal(res.body.status, 'PENDING');
    assert.equal(res.body.xendit_payout_id, null);
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '80000.00', ledger: '80000.00' });
    const busy = await ctx.api.delete(`/bank-account/${account.id}`).set('Authorization', user.auth);
    assert.equal(busy.status, 409);

    const summary = await ctx.server.services.payouts.syncPendingPayouts({ olderThanSeconds: 0, usernames: [user.username] });
    assert.equal(summary.checked, 1);
    const row = await transactionRow(ctx, { id: res.body.payout_id });
    assert.match(String(row?.reference_id), /^disb-/);
    const keys = ctx.xendit.requests
      .filter((r) => r.path === '/v2/payouts' && (r.body as { reference_id?: string } | undefined)?.reference_id === res.body.payout_id)
      .map((r) => r.headers['idempotency-key']);
    assert.deepEqual([...new Set(keys)], [`payout-${res.body.payout_id}`]);
  });

  it('when a payout exceeds the balance, then "Insufficient Balance" and Xendit is not called', async () => {
    const user = await createUser(ctx);
    await topUp(ctx, user, 20000);
    const account = await addAccount(ctx, user);
    const before = ctx.xendit.requests.filter((r) => r.path === '/v2/payouts').length;
    const res = await ctx.api.post('/payout').set('Authorization', user.auth).send({ amount: 20000.01, bank_account_id: account.id });
    assert.equal(res.status, 400);
    assert.equal(res.body.message, 'Insufficient Balance');
    assert.equal(res.body.code, 'INSUFFICIENT_BALANCE');
    assert.equal(ctx.xendit.requests.filter((r) => r.path === '/v2/payouts').length, before);
  });

  it('when a payout is retried with the same Idempotency-Key, then one debit and one Xendit payout', async () => {
    const user = await createUser(ctx);
    await topUp(ctx, user, 100000);
    const account = await addAccount(ctx, user);
    const send = (amount: number) =>
      ctx.api
        .post('/payout')
        .set('Authorization', user.auth)
        .set('Idempotency-Key', `po-${user.username}`)
        .send({ amount, bank_account_id: account.id });
    const first = await send(25000);
    const second = await send(25000);
    assert.equal(first.status, 201);
    assert.deepEqual(second.body, first.body);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    const reused = await send(26000);
    assert.equal(reused.status, 422);
    assert.equal(reused.body.code, 'IDEMPOTENCY_KEY_REUSED');
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '75000.00', ledger: '75000.00' });
    assert.equal(
      ctx.xendit.requests.filter(
        (r) => r.path === '/v2/payouts' && (r.body as { reference_id: string }).reference_id === first.body.payout_id,
      ).length,
      1,
    );
  });

  it("when a user lists payouts, then only their own appear; another user's payout callback token is still required", async () => {
    const owner = await createUser(ctx);
    const other = await createUser(ctx);
    await topUp(ctx, owner, 50000);
    const account = await addAccount(ctx, owner);
    const res = await ctx.api.post('/payout').set('Authorization', owner.auth).send({ amount: 10000, bank_account_id: account.id });
    const mine = await ctx.api.get('/payout/list').set('Authorization', owner.auth);
    assert.ok(mine.body.payouts.some((p: { payout_id: string }) => p.payout_id === res.body.payout_id));
    const theirs = await ctx.api.get('/payout/list').set('Authorization', other.auth);
    assert.deepEqual(theirs.body.payouts, []);
    const body = ctx.xendit.payoutCallback(res.body.xendit_payout_id, 'payout.failed');
    assert.equal((await postPayoutCallback(ctx, body, null)).status, 401);
    assert.equal((await postPayoutCallback(ctx, body, 'wrong')).status, 403);
    assert.equal((await transactionRow(ctx, { id: res.body.payout_id }))?.status, 'PENDING');
    const unknown = await postPayoutCallback(ctx, {
      event: 'payout.failed',
      business_id: 'x',
      created: new Date().toISOString(),
      data: { id: 'disb-unknown', reference_id: 'PO-NOPE', status: 'FAILED' },
    });
    assert.equal(unknown.status, 200);
    assert.equal(unknown.body.message, 'ignored');
  });
});
