import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { checkout, ledgerOf, topUp, transactionRow } from './payment-helpers.js';

describe('invoices and reference lists', () => {
  const ctx = useTestServer();

  it('when anyone asks GET /invoice/detail, then only non-personal fields come back (by Xendit id or our id)', async () => {
    const user = await createUser(ctx);
    const invoice = await checkout(ctx, user, { amount: 75000, description: 'Order #1' });
    for (const id of [invoice.invoice_id, invoice.external_id]) {
      const res = await ctx.api.get('/invoice/detail').query({ invoice_id: id });
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body).sort(), [
        'amount',
        'currency',
        'description',
        'expiry_date',
        'invoice_id',
        'invoice_url',
        'status',
      ]);
      assert.equal(res.body.status, 'PENDING');
      assert.equal(res.body.amount, 75000);
      assert.equal(res.body.invoice_id, invoice.invoice_id);
      assert.ok(!JSON.stringify(res.body).includes(user.username));
    }
    const missing = await ctx.api.get('/invoice/detail').query({ invoice_id: 'does-not-exist' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'Invoice Not Found');
    const noId = await ctx.api.get('/invoice/detail');
    assert.equal(noId.status, 400);
  });

  it('when the owner asks GET /invoice/detail/xendit, then it is read fresh from Xendit and a payment found there is applied', async () => {
    const user = await createUser(ctx);
    const invoice = await checkout(ctx, user, { amount: 30000 });
    ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'PAID', { payment_method: 'EWALLET', payment_channel: 'DANA' });
    const before = ctx.xendit.requests.length;
    const res = await ctx.api.get('/invoice/detail/xendit').set('Authorization', user.auth).query({ invoice_id: invoice.invoice_id });
    assert.equal(res.status, 200);
    assert.ok(ctx.xendit.requests.slice(before).some((r) => r.method === 'GET' && r.path === `/v2/invoices/${invoice.invoice_id}`));
    assert.equal(res.body.status, 'PAID');
    assert.equal(res.body.xendit_status, 'PAID');
    assert.equal(res.body.payment_channel, 'DANA');
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '30000.00', ledger: '30000.00' });
  });

  it("when another user asks for someone's invoice (detail, cancel), then 404 Invoice Not Found and nothing changes", async () => {
    const owner = await createUser(ctx);
    const other = await createUser(ctx);
    const invoice = await checkout(ctx, owner, { amount: 30000 });
    const detail = await ctx.api.get('/invoice/detail/xendit').set('Authorization', other.auth).query({ invoice_id: invoice.invoice_id });
    assert.equal(detail.status, 404);
    assert.equal(detail.body.message, 'Invoice Not Found');
    const cancel = await ctx.api.post('/invoice/cancel/xendit').set('Authorization', other.auth).send({ invoice_id: invoice.invoice_id });
    assert.equal(cancel.status, 404);
    assert.equal(ctx.xendit.invoices.get(invoice.invoice_id)?.status, 'PENDING');
    const list = await ctx.api.get('/invoice/list/xendit').set('Authorization', other.auth);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.invoices, []);
  });

  it('when the owner lists invoices, then only theirs come back newest first, with pending ones refreshed from Xendit', async () => {
    const user = await createUser(ctx);
    const first = await checkout(ctx, user, { amount: 10000 });
    const second = await checkout(ctx, user, { amount: 20000 });
    ctx.xendit.setInvoiceStatus(first.invoice_id, 'EXPIRED');
    const res = await ctx.api.get('/invoice/list/xendit').set('Authorization', user.auth).query({ limit: 10 });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.invoices.map((i: { invoice_id: string; status: string }) => [i.invoice_id, i.status]),
      [
        [second.invoice_id, 'PENDING'],
        [first.invoice_id, 'EXPIRED'],
      ],
    );
    const bad = await ctx.api.get('/invoice/list/xendit').set('Authorization', user.auth).query({ limit: 500 });
    assert.equal(bad.status, 400);
  });

  it('when the owner cancels a PENDING invoice, then it is expired at Xendit and marked EXPIRED; again is harmless', async () => {
    const user = await createUser(ctx);
    const invoice = await checkout(ctx, user, { amount: 30000 });
    const res = await ctx.api.post('/invoice/cancel/xendit').set('Authorization', user.auth).send({ invoice_id: invoice.invoice_id });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { invoice_id: invoice.invoice_id, status: 'EXPIRED' });
    assert.equal(ctx.xendit.invoices.get(invoice.invoice_id)?.status, 'EXPIRED');
    assert.equal((await transactionRow(ctx, { id: invoice.external_id }))?.status, 'EXPIRED');
    const again = await ctx.api.post('/invoice/cancel/xendit').set('Authorization', user.auth).send({ invoice_id: invoice.invoice_id });
    assert.equal(again.status, 200);
    // A late PAID for a cancelled invoice does not credit (forward-only: EXPIRED is final).
    await ctx.api
      .post('/payment-callback')
      .set('x-callback-token', ctx.config.xendit.callbackToken)
      .send({ ...ctx.xendit.invoiceCallback(invoice.invoice_id), status: 'PAID', paid_amount: 30000 });
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '0.00', ledger: '0.00' });
  });

  it('when the owner cancels a paid invoice, then 409 "Invoice Already Paid"', async () => {
    const user = await createUser(ctx);
    const invoiceId = await topUp(ctx, user, 30000);
    const res = await ctx.api.post('/invoice/cancel/xendit').set('Authorization', user.auth).send({ invoice_id: invoiceId });
    assert.equal(res.status, 409);
    assert.equal(res.body.message, 'Invoice Already Paid');
    assert.equal(res.body.code, 'INVOICE_ALREADY_PAID');
  });

  it('when an invoice was paid at Xendit but the callback is late, then cancel applies the payment and answers "Invoice Already Paid"', async () => {
    const user = await createUser(ctx);
    const invoice = await checkout(ctx, user, { amount: 30000 });
    ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'PAID');
    const res = await ctx.api.post('/invoice/cancel/xendit').set('Authorization', user.auth).send({ invoice_id: invoice.invoice_id });
    assert.equal(res.status, 409);
    assert.equal(res.body.message, 'Invoice Already Paid');
    assert.equal(res.body.code, 'INVOICE_ALREADY_PAID');
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '30000.00', ledger: '30000.00' });
  });

  it('when POST /bank/list asks for a type, then the active channels of that type come back', async () => {
    const res = await ctx.api.post('/bank/list').send({ type: 'DISBURSEMENT' });
    assert.equal(res.status, 200);
    assert.ok(res.body.length > 0);
    assert.ok(res.body.every((b: { type: string }) => b.type === 'DISBURSEMENT'));
    assert.ok(res.body.some((b: { bank_code: string; channel_code: string }) => b.bank_code === 'BCA' && b.channel_code === 'ID_BCA'));
    const payment = await ctx.api.post('/bank/list').send({ type: 'PAYMENT' });
    assert.ok(payment.body.every((b: { type: string }) => b.type === 'PAYMENT'));
    const bad = await ctx.api.post('/bank/list').send({ type: 'EVERYTHING' });
    assert.equal(bad.status, 400);
  });

  it('when GET /payment/list is asked, then the active payment types come back in display order', async () => {
    const res = await ctx.api.get('/payment/list');
    assert.equal(res.status, 200);
    assert.ok(res.body.length > 0);
    assert.deepEqual(Object.keys(res.body[0]).sort(), ['category', 'code', 'name']);
    assert.ok(res.body.some((p: { code: string }) => p.code === 'OVO'));
  });
});
