/** Budgets on what costs the merchant money: invoices created per user per hour, Xendit re-reads per list call. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createServiceCredentials, createUser, type TestUser } from '../helpers/factories.js';
import { useTestServer, type TestContext } from '../helpers/server.js';
import { checkout } from './payment-helpers.js';

const BUDGET = 3;
const SYS_BUDGET = 4;

const invoiceCreates = (ctx: TestContext, since: number) =>
  ctx.xendit.requests.slice(since).filter((r) => r.method === 'POST' && r.path === '/v2/invoices/').length;

const sendCheckout = (ctx: TestContext, user: TestUser, body: Record<string, unknown> = { amount: 10000 }) =>
  ctx.api.post('/payment-checkout').set('Authorization', user.auth).send(body);

describe('checkout budget per user per hour', () => {
  const ctx = useTestServer({ CHECKOUT_PER_USER_PER_HOUR: String(BUDGET), SYS_CHECKOUT_PER_USER_PER_HOUR: String(SYS_BUDGET) });

  it('when a user fires 10x the hourly checkout budget in parallel, then exactly the budget of Xendit invoices is created and the rest are 429 (3 trials)', async () => {
    for (let trial = 0; trial < 3; trial += 1) {
      const user = await createUser(ctx);
      const before = ctx.xendit.requests.length;
      const answers = await Promise.all(Array.from({ length: 10 * BUDGET }, () => sendCheckout(ctx, user)));
      const ok = answers.filter((r) => r.status === 200);
      const refused = answers.filter((r) => r.status === 429);
      assert.equal(ok.length, BUDGET, `trial ${trial}: ${answers.map((r) => r.status).join(',')}`);
      assert.equal(refused.length, 10 * BUDGET - BUDGET, `trial ${trial}`);
      for (const res of refused) {
        assert.equal(res.body.status, false);
        assert.equal(res.body.errorCode, 429);
        assert.match(res.body.message, /checkout/i);
        assert.ok(Number(res.headers['retry-after']) >= 1, 'Retry-After header');
      }
      assert.equal(invoiceCreates(ctx, before), BUDGET, `trial ${trial}: invoices created at Xendit`);
      assert.equal(await ctx.server.clients.db.models.UserTransaction.count({ where: { username: user.username } }), BUDGET);
    }
  });

  it('when checkouts are refused as bad input, then 400 and they do not use the budget', async () => {
    const user = await createUser(ctx);
    for (const body of [{ amount: 1 }, { amount: 'lots' }, { amount: 10000, payment_method: 'BITCOIN' }, { amount: 10000, admin: true }]) {
      const res = await sendCheckout(ctx, user, body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    for (let i = 0; i < BUDGET; i += 1) await checkout(ctx, user, { amount: 10000 });
    assert.equal((await sendCheckout(ctx, user)).status, 429);
  });

  it('when Xendit refuses a checkout (4xx), then its reservation is given back; when the outcome is unknown (5xx), it stays used', async () => {
    const user = await createUser(ctx);
    ctx.xendit.failNext(1, 400, { error_code: 'API_VALIDATION_ERROR', message: 'nope' });
    assert.equal((await sendCheckout(ctx, user)).status, 502);
    ctx.xendit.failNext(1, 500, { error_code: 'SERVER_ERROR', message: 'boom' });
    assert.equal((await sendCheckout(ctx, user)).status, 502);
    // The refusal gave its reservation back, the 5xx did not (an invoice may exist): BUDGET - 1 left.
    for (let i = 0; i < BUDGET - 1; i += 1) await checkout(ctx, user, { amount: 10000 });
    assert.equal((await sendCheckout(ctx, user)).status, 429);
  });

  it('when a checkout is replayed with its Idempotency-Key, then the replay answers the first result and uses no budget', async () => {
    const user = await createUser(ctx);
    for (let i = 0; i < 5; i += 1) {
      const res = await ctx.api.post('/payment-checkout').set('Authorization', user.auth).set('Idempotency-Key', `budget-${user.username}`).send({ amount: 10000 });
      assert.equal(res.status, 200);
    }
    for (let i = 0; i < BUDGET - 1; i += 1) await checkout(ctx, user, { amount: 10000 });
    assert.equal((await sendCheckout(ctx, user)).status, 429);
  });

  it('when a checkout with an Idempotency-Key is refused by the budget (429), then the key is not used up: its retry is not answered 429 by replay', async () => {
    const user = await createUser(ctx);
    for (let i = 0; i < BUDGET; i += 1) await checkout(ctx, user, { amount: 10000 });
    const key = `late-${user.username}`;
    const refused = await ctx.api.post('/payment-checkout').set('Authorization', user.auth).set('Idempotency-Key', key).send({ amount: 10000 });
    assert.equal(refused.status, 429);
    assert.equal(await ctx.server.clients.db.models.IdempotencyKey.count({ where: { username: user.username, key } }), 0, 'the 429 is not remembered');
    const again = await ctx.api.post('/payment-checkout').set('Authorization', user.auth).set('Idempotency-Key', key).send({ amount: 10000 });
    assert.equal(again.status, 429);
    assert.notEqual(again.headers['idempotent-replayed'], 'true');
  });

  it('when an internal service checks out for a user, then it has its own per-user budget and does not use the user’s own', async () => {
    const user = await createUser(ctx);
    const service = await createServiceCredentials(ctx);
    const before = ctx.xendit.requests.length;
    const answers = await Promise.all(
      Array.from({ length: 10 * SYS_BUDGET }, () =>
        ctx.api.post('/sys/payment-checkout').set('Authorization', service.auth).send({ username: user.username, amount: 10000 }),
      ),
    );
    assert.equal(answers.filter((r) => r.status === 200).length, SYS_BUDGET, answers.map((r) => r.status).join(','));
    assert.equal(answers.filter((r) => r.status === 429).length, 9 * SYS_BUDGET);
    assert.equal(invoiceCreates(ctx, before), SYS_BUDGET);
    // The user's own top-ups are untouched by the service's orders.
    for (let i = 0; i < BUDGET; i += 1) await checkout(ctx, user, { amount: 10000 });
    assert.equal((await sendCheckout(ctx, user)).status, 429);
  });
});

describe('GET /invoice/list/xendit re-reads a few pending invoices per call', () => {
  const READS = 3;
  const ctx = useTestServer({ CHECKOUT_PER_USER_PER_HOUR: '50', INVOICE_LIST_XENDIT_READS: String(READS) });

  it('when a user with 12 pending invoices lists them, then at most INVOICE_LIST_XENDIT_READS are re-read from Xendit (the newest), the rest answer their stored status', async () => {
    const user = await createUser(ctx);
    const invoices = [];
    for (let i = 0; i < 12; i += 1) invoices.push(await checkout(ctx, user, { amount: 10000 + i }));
    const newest = invoices.at(-1)!;
    const oldest = invoices[0]!;
    ctx.xendit.setInvoiceStatus(newest.invoice_id, 'PAID');
    ctx.xendit.setInvoiceStatus(oldest.invoice_id, 'PAID');

    const before = ctx.xendit.requests.length;
    const res = await ctx.api.get('/invoice/list/xendit').set('Authorization', user.auth).query({ limit: 50 });
    assert.equal(res.status, 200);
    assert.equal(res.body.invoices.length, 12);
    const reads = ctx.xendit.requests.slice(before).filter((r) => r.method === 'GET' && r.path.startsWith('/v2/invoices/'));
    assert.ok(reads.length <= READS, `${reads.length} Xendit reads for one list call`);
    // The newest pending invoice was re-read (and its payment applied); the oldest answers what we stored.
    const byId = new Map(res.body.invoices.map((i: { invoice_id: string; status: string }) => [i.invoice_id, i.status]));
    assert.equal(byId.get(newest.invoice_id), 'PAID');
    assert.equal(byId.get(oldest.invoice_id), 'PENDING');

    // A second call is bounded the same way.
    const again = ctx.xendit.requests.length;
    await ctx.api.get('/invoice/list/xendit').set('Authorization', user.auth).query({ limit: 50 });
    const reads2 = ctx.xendit.requests.slice(again).filter((r) => r.method === 'GET' && r.path.startsWith('/v2/invoices/'));
    assert.ok(reads2.length <= READS, `${reads2.length} Xendit reads for the second call`);
  });
});
