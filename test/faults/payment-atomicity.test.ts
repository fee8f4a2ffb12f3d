/**
 * "A crash between a payment's status flip and its credit is impossible by construction": the flip and the credit
 * are one transaction. Shown by making the balance UPDATE fail inside the callback's transaction (a test-only
 * trigger on user_balance that raises for one username): the invoice must not have flipped to PAID, and once the
 * trigger is gone the retried callback credits exactly once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryTypes } from 'sequelize';
import { createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { checkout, postCallback } from '../payment/payment-helpers.js';

describe('when the credit fails inside the payment callback transaction', () => {
  const ctx = useTestServer();

  it('then the invoice stays PENDING with nothing credited, and the retried callback credits exactly once', async () => {
    const { sequelize } = ctx.server.clients.db;
    const user = await createUser(ctx);
    const invoice = await checkout(ctx, user, { amount: 40000 });
    ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'PAID');
    const callback = ctx.xendit.invoiceCallback(invoice.invoice_id);
    const suffix = user.username.replace(/[^a-z0-9_]/g, '');
    const fn = `test_fail_credit_${suffix}`;
    const trigger = `test_fail_credit_${suffix}`;
    await sequelize.query(`
      CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.username = '${user.username}' THEN RAISE EXCEPTION 'simulated crash while crediting'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER ${trigger} BEFORE UPDATE ON user_balance FOR EACH ROW EXECUTE FUNCTION ${fn}();`);
    const state = async () => {
      const [row] = await sequelize.query<{ status: string; balance_delta: string; balance: string; ledger: string }>(
        `SELECT t.status, t.balance_delta, b.balance,
                (SELECT COALESCE(SUM(balance_delta), 0) FROM user_transaction WHERE username = :u) AS ledger
           FROM user_transaction t JOIN user_balance b ON b.username = t.username WHERE t.id = :id`,
        { replacements: { id: invoice.external_id, u: user.username }, type: QueryTypes.SELECT },
      );
      assert.ok(row);
      return { status: row.status, delta: Number(row.balance_delta), balance: Number(row.balance), ledger: Number(row.ledger) };
    };
    try {
      const failed = await postCallback(ctx, callback);
      assert.ok(failed.status >= 500, `the callback could not credit, so it must not be acknowledged: ${failed.status}`);
      assert.doesNotMatch(JSON.stringify(failed.body), /simulated crash|user_balance|stack/i, '5xx bodies carry no internals');
      assert.deepEqual(await state(), { status: 'PENDING', delta: 0, balance: 0, ledger: 0 }, 'the flip was rolled back with the credit');
    } finally {
      await sequelize.query(`DROP TRIGGER IF EXISTS ${trigger} ON user_balance; DROP FUNCTION IF EXISTS ${fn}();`);
    }

    // Xendit retries: credited now, and only once however often it retries.
    const retried = await Promise.all([postCallback(ctx, callback), postCallback(ctx, callback), postCallback(ctx, callback)]);
    assert.ok(retried.every((r) => r.status === 200), retried.map((r) => r.status).join(','));
    assert.equal(retried.filter((r) => r.body.outcome === 'paid').length, 1, retried.map((r) => JSON.stringify(r.body)).join(' '));
    assert.deepEqual(await state(), { status: 'PAID', delta: 40000, balance: 40000, ledger: 40000 });
  });
});
