import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createServiceCredentials, createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { checkout, collectUpdates, connectSocket, eventually, ledgerOf, sleep, subscribe, transactionRow } from './payment-helpers.js';

describe('the Xendit sync job (expireStatusUpdater)', () => {
  const ctx = useTestServer();

  it('when pending invoices were paid or expired at Xendit without a callback, then the job applies both and reports it', async () => {
    const user = await createUser(ctx);
    const paid = await checkout(ctx, user, { amount: 20000 });
    const expired = await checkout(ctx, user, { amount: 30000 });
    const still = await checkout(ctx, user, { amount: 40000 });
    ctx.xendit.setInvoiceStatus(paid.invoice_id, 'PAID');
    ctx.xendit.setInvoiceStatus(expired.invoice_id, 'EXPIRED');
    const summary = await ctx.server.services.payments.expireStatusUpdater({ usernames: [user.username] });
    assert.deepEqual(summary, { checked: 3, updated: 2, failed: 0 });
    assert.equal((await transactionRow(ctx, { id: paid.external_id }))?.status, 'PAID');
    assert.equal((await transactionRow(ctx, { id: expired.external_id }))?.status, 'EXPIRED');
    assert.equal((await transactionRow(ctx, { id: still.external_id }))?.status, 'PENDING');
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '20000.00', ledger: '20000.00' });
    // The callback arriving afterwards changes nothing.
    const late = await ctx.api
      .post('/payment-callback')
      .set('x-callback-token', ctx.config.xendit.callbackToken)
      .send(ctx.xendit.invoiceCallback(paid.invoice_id));
    assert.equal(late.status, 200);
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '20000.00', ledger: '20000.00' });
  });

  it('when two sync runners race, then an expiry is applied once and notified once', async () => {
    const user = await createUser(ctx);
    await ctx.server.clients.db.models.Fcm.create({ username: user.username, token: `sync-${user.username}`, device_type: 'ios' });
    const socket = await connectSocket(ctx.server.url, user.token);
    try {
      await subscribe(socket, user.username);
      const updates = collectUpdates(socket);
      const invoice = await checkout(ctx, user, { amount: 50000 });
      ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'EXPIRED');
      const [a, b] = await Promise.all([
        ctx.server.services.payments.expireStatusUpdater({ usernames: [user.username] }),
        ctx.server.services.payments.expireStatusUpdater({ usernames: [user.username] }),
      ]);
      assert.equal(a.updated + b.updated, 1);
      assert.equal((await transactionRow(ctx, { id: invoice.external_id }))?.status, 'EXPIRED');
      await sleep(200);
      assert.equal(updates.filter((u) => u.invoice_id === invoice.invoice_id).length, 1);
      assert.equal(updates[0]?.status, 'EXPIRED');
      await eventually(() => assert.equal(ctx.push.calls.filter((c) => c.tokens.includes(`sync-${user.username}`)).length, 1));
    } finally {
      socket.disconnect();
    }
  });

  it('when POST /sys/scheduler/xendit-sync is called twice at once, then one runs (200 summary) and the other is told it is running (409)', async () => {
    const service = await createServiceCredentials(ctx);
    const user = await createUser(ctx);
    const invoice = await checkout(ctx, user, { amount: 10000 });
    ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'EXPIRED');
    // Slow Xendit down so the first run still holds the lock when the second arrives.
    ctx.xendit.delayNext(300, 1);
    const answers = await Promise.all([
      ctx.api.post('/sys/scheduler/xendit-sync').set('Authorization', service.auth),
      sleep(50).then(() => ctx.api.post('/sys/scheduler/xendit-sync').set('Authorization', service.auth)),
    ]);
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 409]);
    const ok = answers.find((r) => r.status === 200)!;
    assert.equal(typeof ok.body.checked, 'number');
    const busy = answers.find((r) => r.status === 409)!;
    assert.equal(busy.body.message, 'sync already running');
    // Once the lock is free, a run succeeds and the expiry has been applied exactly once.
    const again = await ctx.api.post('/sys/scheduler/xendit-sync').set('Authorization', service.auth);
    assert.equal(again.status, 200);
    assert.equal((await transactionRow(ctx, { id: invoice.external_id }))?.status, 'EXPIRED');
    const noAuth = await ctx.api.post('/sys/scheduler/xendit-sync');
    assert.equal(noAuth.status, 401);
  });

  it('when Xendit cannot be read for an invoice, then the job counts a failure and moves on', async () => {
    const user = await createUser(ctx);
    const invoice = await checkout(ctx, user, { amount: 10000 });
    ctx.xendit.failNext(1, 500);
    const summary = await ctx.server.services.payments.expireStatusUpdater({ usernames: [user.username] });
    assert.deepEqual(summary, { checked: 1, updated: 0, failed: 1 });
    assert.equal((await transactionRow(ctx, { id: invoice.external_id }))?.status, 'PENDING');
  });
});
