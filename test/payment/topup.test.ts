import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PushSender } from '../../src/integrations/fcm.js';
import type { CheckoutLogEntry, GatewayLog } from '../../src/models/gateway-log.js';
import { createServiceCredentials, createUser } from '../helpers/factories.js';
import { appLogEntries } from '../helpers/logs.js';
import { useTestServer } from '../helpers/server.js';
import {
  checkout,
  collectUpdates,
  connectSocket,
  eventually,
  ledgerOf,
  postCallback,
  sleep,
  subscribe,
  topUp,
  transactionRow,
} from './payment-helpers.js';

describe('wallet top-up through a Xendit invoice', () => {
  const ctx = useTestServer();

  it('when a top-up is checked out, paid and called back, then the balance, the ledger and the subscribed socket all show it', async () => {
    const user = await createUser(ctx);
    const socket = await connectSocket(ctx.server.url, user.token);
    try {
      assert.deepEqual(await subscribe(socket, user.username), { status: true, room: `payment:${user.username}` });
      const updates = collectUpdates(socket);

      const invoice = await checkout(ctx, user, { amount: 150000, description: 'Top up' });
      assert.equal(invoice.status, 'PENDING');
      assert.equal(invoice.amount, 150000);
      assert.match(invoice.invoice_url, /^http/);
      assert.ok(!Number.isNaN(Date.parse(invoice.expiry_date)));
      // Xendit got exactly one invoice, keyed by our transaction id.
      const created = ctx.xendit.requests.filter(
        (r) => r.method === 'POST' && r.path === '/v2/invoices/' && (r.body as { external_id: string }).external_id === invoice.external_id,
      );
      assert.equal(created.length, 1);
      assert.equal(ctx.xendit.invoices.get(invoice.invoice_id)?.external_id, invoice.external_id);
      const pending = await transactionRow(ctx, { id: invoice.external_id });
      assert.equal(pending?.status, 'PENDING');
      assert.equal(pending?.type, 'TOPUP');
      assert.equal(pending?.reference_id, invoice.invoice_id);
      assert.equal(Number(pending?.balance_delta), 0);

      ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'PAID');
      const res = await postCallback(ctx, ctx.xendit.invoiceCallback(invoice.invoice_id));
      assert.equal(res.status, 200);
      assert.equal(res.body.status, true);
      assert.equal(res.body.message, 'processed');

      const balance = await ctx.api.get('/balance').set('Authorization', user.auth);
      assert.equal(balance.status, 200);
      assert.deepEqual(balance.body, { balance: 150000, points: 0 });
      assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '150000.00', ledger: '150000.00' });
      const paid = await transactionRow(ctx, { id: invoice.external_id });
      assert.equal(paid?.status, 'PAID');
      assert.ok(paid?.paid_at);

      await eventually(() => assert.equal(updates.length, 1));
      assert.equal(updates[0]?.invoice_id, invoice.invoice_id);
      assert.equal(updates[0]?.status, 'PAID');
      assert.equal(updates[0]?.amount, 150000);
      assert.ok(updates[0]?.paid_at && !Number.isNaN(Date.parse(updates[0].paid_at)));
    } finally {
      socket.disconnect();
    }
  });

  it('when the same PAID callback arrives 50 times at once, then the wallet is credited once and one update is pushed', async () => {
    const user = await createUser(ctx);
    await ctx.server.clients.db.models.Fcm.create({ username: user.username, token: `tok-${user.username}`, device_type: 'android' });
    const socket = await connectSocket(ctx.server.url, user.token);
    try {
      await subscribe(socket, user.username);
      const updates = collectUpdates(socket);
      const invoice = await checkout(ctx, user, { amount: 25000 });
      ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'PAID');
      const body = ctx.xendit.invoiceCallback(invoice.invoice_id);
      const answers = await Promise.all(Array.from({ length: 50 }, () => postCallback(ctx, body)));
      assert.ok(answers.every((r) => r.status === 200 && r.body.status === true));
      assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '25000.00', ledger: '25000.00' });
      await sleep(200);
      assert.equal(updates.length, 1);
      await eventually(() => assert.equal(ctx.push.calls.filter((c) => c.tokens.includes(`tok-${user.username}`)).length, 1));
    } finally {
      socket.disconnect();
    }
  });

  it('when EXPIRED arrives after PAID (out of order), then nothing changes', async () => {
    const user = await createUser(ctx);
    const invoiceId = await topUp(ctx, user, 40000);
    const late = ctx.xendit.invoiceCallback(invoiceId, { status: 'EXPIRED', paid_at: undefined, paid_amount: undefined });
    const res = await postCallback(ctx, late);
    assert.equal(res.status, 200);
    const row = await transactionRow(ctx, { reference_id: invoiceId });
    assert.equal(row?.status, 'PAID');
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '40000.00', ledger: '40000.00' });
  });

  it('when SETTLED follows PAID, then the status moves on and no money moves', async () => {
    const user = await createUser(ctx);
    const invoiceId = await topUp(ctx, user, 30000);
    ctx.xendit.setInvoiceStatus(invoiceId, 'SETTLED');
    const body = ctx.xendit.invoiceCallback(invoiceId);
    const answers = await Promise.all([postCallback(ctx, body), postCallback(ctx, body)]);
    assert.ok(answers.every((r) => r.status === 200));
    assert.equal((await transactionRow(ctx, { reference_id: invoiceId }))?.status, 'SETTLED');
    // ...and a PAID redelivered after SETTLED does not move it back or pay again.
    await postCallback(ctx, { ...body, status: 'PAID' });
    assert.equal((await transactionRow(ctx, { reference_id: invoiceId }))?.status, 'SETTLED');
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '30000.00', ledger: '30000.00' });
  });

  it('when a SETTLED callback is the first news of a payment, then the top-up is credited once', async () => {
    const user = await createUser(ctx);
    const invoice = await checkout(ctx, user, { amount: 12000 });
    ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'SETTLED');
    const res = await postCallback(ctx, ctx.xendit.invoiceCallback(invoice.invoice_id));
    assert.equal(res.status, 200);
    assert.equal((await transactionRow(ctx, { id: invoice.external_id }))?.status, 'SETTLED');
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '12000.00', ledger: '12000.00' });
  });

  it('when the callback token is missing or wrong, then 401/403 and nothing changes', async () => {
    const user = await createUser(ctx);
    const invoice = await checkout(ctx, user, { amount: 20000 });
    ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'PAID');
    const body = ctx.xendit.invoiceCallback(invoice.invoice_id);
    const missing = await postCallback(ctx, body, null);
    assert.equal(missing.status, 401);
    assert.equal(missing.body.status, false);
    const wrong = await postCallback(ctx, body, 'not-the-token');
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.status, false);
    const almost = await postCallback(ctx, body, `${ctx.config.xendit.callbackToken}x`);
    assert.equal(almost.status, 403);
    assert.equal((await transactionRow(ctx, { id: invoice.external_id }))?.status, 'PENDING');
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '0.00', ledger: '0.00' });
  });

  it('when a callback names an invoice we never issued, then it is acknowledged (200 ignored), logged, and nothing changes', async () => {
    const res = await postCallback(ctx, {
      id: 'ffffffffffffffffffffffff',
      external_id: 'TRX-NOPE',
      status: 'PAID',
      amount: 50000,
      paid_amount: 50000,
      currency: 'IDR',
      some_new_field: { nested: true },
    });
    assert.equal(res.status, 200);
    assert.deepEqual({ status: res.body.status, message: res.body.message }, { status: true, message: 'ignored' });
    assert.ok(ctx.logs.some((line) => line.includes('unknown invoice') && line.includes('ffffffffffffffffffffffff')));
  });

  it('when paid_amount or currency disagree with what we stored, then nothing is credited and it is logged as an error', async () => {
    const user = await createUser(ctx);
    const invoice = await checkout(ctx, user, { amount: 50000 });
    ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'PAID');
    const short = await postCallback(ctx, ctx.xendit.invoiceCallback(invoice.invoice_id, { paid_amount: 5000 }));
    assert.equal(short.status, 200);
    assert.equal(short.body.message, 'rejected');
    const usd = await postCallback(ctx, ctx.xendit.invoiceCallback(invoice.invoice_id, { currency: 'USD' }));
    assert.equal(usd.body.message, 'rejected');
    assert.equal((await transactionRow(ctx, { id: invoice.external_id }))?.status, 'PENDING');
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '0.00', ledger: '0.00' });
    assert.ok(
      appLogEntries(ctx.logs).some((entry) => entry.level === 'error' && entry.msg.includes('paid invoice refused') && JSON.stringify(entry).includes(invoice.external_id)),
    );
  });

  it('when a callback body is not an object with id and status, then 400 and nothing changes', async () => {
    const res = await postCallback(ctx, { external_id: 'x' });
    assert.equal(res.status, 400);
    assert.equal(res.body.status, false);
  });

  it('when Xendit fails at checkout, then 502 with a clear message and no PENDING row is left', async () => {
    const user = await createUser(ctx);
    ctx.xendit.failNext(1, 500, { error_code: 'SERVER_ERROR', message: 'boom' });
    const res = await ctx.api.post('/payment-checkout').set('Authorization', user.auth).send({ amount: 100000 });
    assert.equal(res.status, 502);
    assert.equal(res.body.status, false);
    assert.match(res.body.message, /payment gateway could not create the invoice/i);
    const rows = await ctx.server.clients.db.models.UserTransaction.count({ where: { username: user.username } });
    assert.equal(rows, 0);

    ctx.xendit.failNext(1, 400, { error_code: 'API_VALIDATION_ERROR', message: 'nope' });
    const refused = await ctx.api.post('/payment-checkout').set('Authorization', user.auth).send({ amount: 100000 });
    assert.equal(refused.status, 502);
    assert.equal(await ctx.server.clients.db.models.UserTransaction.count({ where: { username: user.username } }), 0);
  });

  it('when the amount is out of bounds, has more than 2 decimals, or is not a number, then 400 and no invoice', async () => {
    const user = await createUser(ctx);
    const before = ctx.xendit.invoices.size;
    for (const amount of [ctx.config.xendit.minAmount - 1, ctx.config.xendit.maxAmount + 1, 10000.123, '10000', -5, 0]) {
      const res = await ctx.api.post('/payment-checkout').set('Authorization', user.auth).send({ amount });
      assert.equal(res.status, 400, `amount ${String(amount)}`);
      assert.equal(res.body.status, false);
    }
    const extra = await ctx.api.post('/payment-checkout').set('Authorization', user.auth).send({ amount: 10000, admin: true });
    assert.equal(extra.status, 400);
    assert.equal(ctx.xendit.invoices.size, before);
  });

  it('when payment_method/ewallet_type are given, then the invoice offers only those channels', async () => {
    const user = await createUser(ctx);
    const ovo = await checkout(ctx, user, { amount: 100000, description: 'Order #12345', payment_method: 'EWALLET', ewallet_type: 'OVO' });
    const sent = ctx.xendit.requests.find(
      (r) => r.path === '/v2/invoices/' && (r.body as { external_id: string }).external_id === ovo.external_id,
    );
    assert.deepEqual((sent?.body as { payment_methods: string[] }).payment_methods, ['OVO']);

    const ewallets = await checkout(ctx, user, { amount: 100000, payment_method: 'EWALLET' });
    const sent2 = ctx.xendit.requests.find(
      (r) => r.path === '/v2/invoices/' && (r.body as { external_id: string }).external_id === ewallets.external_id,
    );
    assert.deepEqual((sent2?.body as { payment_methods: string[] }).payment_methods, ['OVO', 'DANA', 'SHOPEEPAY', 'LINKAJA']);

    const bad = await ctx.api
      .post('/payment-checkout')
      .set('Authorization', user.auth)
      .send({ amount: 100000, payment_method: 'EWALLET', ewallet_type: 'BITCOIN' });
    assert.equal(bad.status, 400);
    const mismatch = await ctx.api
      .post('/payment-checkout')
      .set('Authorization', user.auth)
      .send({ amount: 100000, payment_method: 'QRIS', ewallet_type: 'OVO' });
    assert.equal(mismatch.status, 400);
  });

  it('when an internal service checks out for a user, then the paid order is tracked and pushed but never credited to the wallet', async () => {
    const user = await createUser(ctx);
    const service = await createServiceCredentials(ctx);
    const socket = await connectSocket(ctx.server.url, user.token);
    try {
      await subscribe(socket, user.username);
      const updates = collectUpdates(socket);
      const res = await ctx.api
        .post('/sys/payment-checkout')
        .set('Authorization', service.auth)
        .send({ username: user.username, amount: 100000, description: 'Order #12345' });
      assert.equal(res.status, 200);
      const row = await transactionRow(ctx, { id: res.body.external_id });
      assert.equal(row?.type, 'CHECKOUT');
      ctx.xendit.setInvoiceStatus(res.body.invoice_id, 'PAID');
      await postCallback(ctx, ctx.xendit.invoiceCallback(res.body.invoice_id));
      assert.equal((await transactionRow(ctx, { id: res.body.external_id }))?.status, 'PAID');
      assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '0.00', ledger: '0.00' });
      await eventually(() => assert.equal(updates[0]?.status, 'PAID'));
      const detail = await ctx.api.get('/invoice/detail').query({ invoice_id: res.body.invoice_id });
      assert.equal(detail.body.status, 'PAID');
    } finally {
      socket.disconnect();
    }
    const unknown = await ctx.api
      .post('/sys/payment-checkout')
      .set('Authorization', service.auth)
      .send({ username: 'nobody_at_all_here', amount: 100000 });
    assert.equal(unknown.status, 404);
    const noAuth = await ctx.api.post('/sys/payment-checkout').send({ username: user.username, amount: 100000 });
    assert.equal(noAuth.status, 401);
  });

  it('when a referred user’s top-up is paid, then the pending referral is qualified (its payout hold starts) after the money is committed', async () => {
    const referrer = await createUser(ctx);
    const referred = await createUser(ctx);
    const { ReferralHistory } = ctx.server.clients.db.models;
    await ReferralHistory.create({
      username: referred.username,
      submitted_by: referrer.username,
      referral_code: referrer.referralCode,
      status: 'pending',
    } as never);
    await topUp(ctx, referred, 50000);
    const row = await ReferralHistory.findOne({ where: { username: referred.username }, raw: true });
    // The bonus waits for REFERRAL_PAYOUT_HOLD_DAYS without a payout (test/profile/referral-rules.test.ts).
    assert.equal(row?.status, 'pending');
    assert.ok(row?.qualified_at instanceof Date);
  });

  it('when a checkout is retried with the same Idempotency-Key, then one invoice is created and the first answer replayed', async () => {
    const user = await createUser(ctx);
    const send = () =>
      ctx.api
        .post('/payment-checkout')
        .set('Authorization', user.auth)
        .set('Idempotency-Key', `co-${user.username}`)
        .send({ amount: 60000 });
    const first = await send();
    const second = await send();
    assert.equal(first.status, 200);
    assert.deepEqual(second.body, first.body);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.equal(await ctx.server.clients.db.models.UserTransaction.count({ where: { username: user.username } }), 1);
  });
});

describe('callback latency and gateway logs', () => {
  const checkoutLogs: CheckoutLogEntry[] = [];
  const gatewayLog: GatewayLog = {
    enabled: true,
    logCheckout: (entry) => void checkoutLogs.push(entry),
    logPayout: () => undefined,
    status: () => 'up',
    flush: async () => undefined,
    close: async () => undefined,
  };
  let pushes = 0;
  // A push provider that never answers: the callback must not wait for it.
  const hangingPush: PushSender = {
    enabled: true,
    sendToTokens: () => {
      pushes += 1;
      return new Promise(() => undefined);
    },
    close: async () => undefined,
  };
  const ctx = useTestServer({}, { overrides: { gatewayLog, push: hangingPush } });

  it('when push never answers, then the PAID callback is still acknowledged at once, and checkout and payment are logged to the gateway log', async () => {
    const user = await createUser(ctx);
    await ctx.server.clients.db.models.Fcm.create({ username: user.username, token: `hang-${user.username}`, device_type: 'android' });
    const invoice = await checkout(ctx, user, { amount: 45000 });
    ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'PAID');
    const started = Date.now();
    const res = await postCallback(ctx, ctx.xendit.invoiceCallback(invoice.invoice_id)).timeout(2000);
    assert.equal(res.status, 200);
    assert.ok(Date.now() - started < 1500);
    await eventually(() => assert.equal(pushes, 1));
    const events = checkoutLogs.filter((e) => e.external_id === invoice.external_id).map((e) => [e.event, e.status]);
    assert.deepEqual(events, [
      ['created', 'PENDING'],
      ['callback', 'PAID'],
    ]);
  });

  it('when the callback beats checkout storing the invoice id, then the row is found by external_id and credited once', async () => {
    const user = await createUser(ctx);
    const invoice = await checkout(ctx, user, { amount: 10000 });
    await ctx.server.clients.db.models.UserTransaction.update({ reference_id: null }, { where: { id: invoice.external_id } });
    ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'PAID');
    const body = ctx.xendit.invoiceCallback(invoice.invoice_id);
    await Promise.all([postCallback(ctx, body), postCallback(ctx, body)]);
    assert.equal((await transactionRow(ctx, { id: invoice.external_id }))?.reference_id, invoice.invoice_id);
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '10000.00', ledger: '10000.00' });
  });
});
