import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { runCliProcess } from '../cli/run-cli.js';
import { checkout, ledgerOf, transactionRow } from './payment-helpers.js';

describe('npm run cli -- xendit:sync', () => {
  const ctx = useTestServer();

  it("when an operator runs xendit:sync for a user, then that user's paid and expired invoices are applied and summarised", async () => {
    const user = await createUser(ctx);
    const paid = await checkout(ctx, user, { amount: 20000 });
    const expired = await checkout(ctx, user, { amount: 30000 });
    ctx.xendit.setInvoiceStatus(paid.invoice_id, 'PAID');
    ctx.xendit.setInvoiceStatus(expired.invoice_id, 'EXPIRED');
    const run = await runCliProcess(['xendit:sync', user.username], { XENDIT_API_URL: ctx.xendit.url });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /invoices: checked 2, updated 2, failed 0/);
    assert.equal((await transactionRow(ctx, { id: paid.external_id }))?.status, 'PAID');
    assert.equal((await transactionRow(ctx, { id: expired.external_id }))?.status, 'EXPIRED');
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '20000.00', ledger: '20000.00' });
  });

  it('when the argument is not a username, then usage error (exit 2)', async () => {
    const run = await runCliProcess(['xendit:sync', "x'; DROP TABLE"], { XENDIT_API_URL: ctx.xendit.url });
    assert.equal(run.code, 2);
  });
});
