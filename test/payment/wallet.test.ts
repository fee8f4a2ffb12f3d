import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { ledgerOf, topUp } from './payment-helpers.js';

describe('wallet balance and decrease', () => {
  const ctx = useTestServer();

  it('when the caller asks for GET /balance, then balance and points come back as numbers (JWT required)', async () => {
    const user = await createUser(ctx, { points: 150 });
    await topUp(ctx, user, 50000);
    const res = await ctx.api.get('/balance').set('Authorization', user.auth);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { balance: 50000, points: 150 });
    const anonymous = await ctx.api.get('/balance');
    assert.equal(anonymous.status, 401);
  });

  it('when a decrease fits the balance, then it is debited once with a DEBIT ledger row', async () => {
    const user = await createUser(ctx);
    await topUp(ctx, user, 50000);
    const res = await ctx.api
      .post('/balance/decrease')
      .set('Authorization', user.auth)
      .send({ amount: 10000.5, description: 'Purchase payment' });
    assert.equal(res.status, 200);
    assert.equal(res.body.balance, 39999.5);
    assert.equal(res.body.amount, 10000.5);
    assert.match(res.body.transaction_id, /^TRX-/);
    const row = await ctx.server.clients.db.models.UserTransaction.findByPk(res.body.transaction_id, { raw: true });
    assert.equal(row?.type, 'DEBIT');
    assert.equal(row?.status, 'SUCCESS');
    assert.equal(row?.balance_delta, '-10000.50');
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '39999.50', ledger: '39999.50' });
  });

  it('when a decrease exceeds the balance, then "Insufficient Balance" (400) and nothing changes', async () => {
    const user = await createUser(ctx);
    await topUp(ctx, user, 10000);
    const res = await ctx.api.post('/balance/decrease').set('Authorization', user.auth).send({ amount: 10000.01, description: 'Too much' });
    assert.equal(res.status, 400);
    assert.equal(res.body.status, false);
    assert.equal(res.body.message, 'Insufficient Balance');
    assert.equal(res.body.code, 'INSUFFICIENT_BALANCE');
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '10000.00', ledger: '10000.00' });
  });

  it('when the amount is not a positive number with at most 2 decimals, then 400 and nothing changes', async () => {
    const user = await createUser(ctx);
    await topUp(ctx, user, 10000);
    for (const body of [
      { amount: 0, description: 'x' },
      { amount: -1, description: 'x' },
      { amount: 1.005, description: 'x' },
      { amount: '100', description: 'x' },
      { amount: 1e21, description: 'x' },
      { amount: 100 },
      { amount: 100, description: '' },
      { amount: 100, description: 'x', username: 'someone_else' },
    ]) {
      const res = await ctx.api.post('/balance/decrease').set('Authorization', user.auth).send(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.status, false);
    }
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '10000.00', ledger: '10000.00' });
  });

  it('when 200 decreases race on one wallet, then exactly the affordable ones succeed, the balance is exact and never negative, and the ledger sums to it', async () => {
    const user = await createUser(ctx);
    await topUp(ctx, user, 10000);
    // 200 × 75.15 = 15030 > 10000: 133 fit (9994.95), 5.05 remains, 67 are refused.
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        ctx.api
          .post('/balance/decrease')
          .set('Authorization', user.auth)
          .send({ amount: 75.15, description: `race ${i}` }),
      ),
    );
    const ok = answers.filter((r) => r.status === 200);
    const refused = answers.filter((r) => r.status === 400);
    assert.equal(ok.length, 133);
    assert.equal(refused.length, 67);
    assert.ok(refused.every((r) => r.body.message === 'Insufficient Balance' && r.body.code === 'INSUFFICIENT_BALANCE'));
    assert.ok(ok.every((r) => r.body.balance >= 0));
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '5.05', ledger: '5.05' });
    const debits = await ctx.server.clients.db.models.UserTransaction.count({ where: { username: user.username, type: 'DEBIT' } });
    assert.equal(debits, 133);
  });

  it('when a decrease is retried with the same Idempotency-Key, then the first answer is replayed and the wallet is debited once', async () => {
    const user = await createUser(ctx);
    await topUp(ctx, user, 50000);
    const key = `dec-${user.username}`;
    const send = (body: object) => ctx.api.post('/balance/decrease').set('Authorization', user.auth).set('Idempotency-Key', key).send(body);
    const first = await send({ amount: 10000, description: 'Purchase payment' });
    const again = await Promise.all(Array.from({ length: 5 }, () => send({ amount: 10000, description: 'Purchase payment' })));
    assert.equal(first.status, 200);
    for (const res of again) {
      // A retry racing the first may be told to retry shortly (409); none debits again.
      assert.ok(res.status === 200 || res.status === 409, String(res.status));
      if (res.status === 409) assert.equal(res.body.code, 'IDEMPOTENCY_KEY_IN_PROGRESS');
      if (res.status === 200) assert.deepEqual(res.body, first.body);
    }
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '40000.00', ledger: '40000.00' });

    const different = await send({ amount: 20000, description: 'Purchase payment' });
    assert.equal(different.status, 422);
    assert.equal(different.body.status, false);
    assert.equal(different.body.code, 'IDEMPOTENCY_KEY_REUSED');
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '40000.00', ledger: '40000.00' });
  });

  it('when the same key is sent concurrently, then still only one debit happens', async () => {
    const user = await createUser(ctx);
    await topUp(ctx, user, 50000);
    const key = `dec-race-${user.username}`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        ctx.api
          .post('/balance/decrease')
          .set('Authorization', user.auth)
          .set('Idempotency-Key', key)
          .send({ amount: 1000, description: 'once' }),
      ),
    );
    assert.ok(answers.some((r) => r.status === 200));
    assert.ok(answers.every((r) => r.status === 200 || r.status === 409));
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '49000.00', ledger: '49000.00' });
  });

  it('when a refused decrease is retried with its key, then the same refusal is replayed', async () => {
    const user = await createUser(ctx);
    const send = () =>
      ctx.api
        .post('/balance/decrease')
        .set('Authorization', user.auth)
        .set('Idempotency-Key', `short-${user.username}`)
        .send({ amount: 5, description: 'x' });
    const first = await send();
    const second = await send();
    assert.equal(first.status, 400);
    assert.equal(second.status, 400);
    assert.equal(second.body.message, 'Insufficient Balance');
    assert.equal(second.body.code, 'INSUFFICIENT_BALANCE');
  });
});
