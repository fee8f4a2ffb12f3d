/**
 * Faults around the budgets: the checkout budget fails closed when Redis is down (no invoice without a limit), and a
 * referral decision that fails at any of its statements leaves nothing behind (no claim, no points, still pending),
 * so the next sync decides it exactly once.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { QueryTypes } from 'sequelize';
import { createServiceCredentials, createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { checkout, postCallback } from '../payment/payment-helpers.js';
import { useOwnRedis, waitFor } from './fault-helpers.js';

describe('when Redis is down at checkout', () => {
  const { redis, overrides } = useOwnRedis();
  const ctx = useTestServer(overrides);
  after(() => redis.stop());

  it('then POST /payment-checkout answers 503 and creates no invoice, and works again once Redis is back', async () => {
    const user = await createUser(ctx);
    await checkout(ctx, user, { amount: 10000 });
    await redis.stop();
    const before = ctx.xendit.requests.length;
    const res = await ctx.api.post('/payment-checkout').set('Authorization', user.auth).send({ amount: 10000 });
    assert.equal(res.status, 503, JSON.stringify(res.body));
    assert.equal(res.body.status, false);
    assert.equal(ctx.xendit.requests.length, before, 'no Xendit call without the budget');
    assert.equal(await ctx.server.clients.db.models.UserTransaction.count({ where: { username: user.username } }), 1);
    await redis.start();
    await waitFor('checkout recovers', async () => (await ctx.api.post('/payment-checkout').set('Authorization', user.auth).send({ amount: 10000 })).status === 200);
  });
});

describe('when a referral decision fails at one of its statements', () => {
  const BONUS = 50;
  const ctx = useTestServer({ REFERRAL_BONUS_POINTS: String(BONUS), REFERRAL_PAYOUT_HOLD_DAYS: '0' });

  const targets = [
    { table: 'referral_bonus_claim', events: 'INSERT', condition: (referrer: string) => `NEW.referrer = '${referrer}'` },
    {
      table: 'referral_history',
      events: 'UPDATE',
      condition: (referrer: string) => `NEW.submitted_by = '${referrer}' AND NEW.status IS DISTINCT FROM OLD.status`,
    },
    { table: 'point_mutation', events: 'INSERT', condition: (referrer: string) => `NEW.username = '${referrer}'` },
    { table: 'user_balance', events: 'INSERT OR UPDATE', condition: (referrer: string) => `NEW.username = '${referrer}'` },
  ];

  for (const target of targets) {
    it(`when the ${target.events} on ${target.table} fails, then nothing of the decision remains and the next sync credits the bonus once`, async () => {
      const { sequelize, models } = ctx.server.clients.db;
      const referrer = await createUser(ctx);
      const referred = await createUser(ctx);
      await models.ReferralHistory.create({ username: referred.username, submitted_by: referrer.username, referral_code: referrer.referralCode });
      const name = `test_fail_${target.table}_${referrer.username.replace(/[^a-z0-9_]/g, '')}`.slice(0, 60);
      await sequelize.query(`
        CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF ${target.condition(referrer.username)} THEN RAISE EXCEPTION 'simulated failure in ${target.table}'; END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER ${name} BEFORE ${target.events} ON ${target.table} FOR EACH ROW EXECUTE FUNCTION ${name}();`);
      try {
        const invoice = await checkout(ctx, referred, { amount: 10000 });
        ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'PAID');
        const paid = await postCallback(ctx, ctx.xendit.invoiceCallback(invoice.invoice_id));
        assert.equal(paid.status, 200, 'the top-up itself is committed and acknowledged');
        const row = await models.ReferralHistory.findOne({ where: { username: referred.username } });
        assert.equal(row?.status, 'pending');
        assert.equal((await models.UserBalance.findByPk(referrer.username))?.points, 0);
        assert.equal(await models.PointMutation.count({ where: { username: referrer.username } }), 0);
        const [claims] = await sequelize.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM referral_bonus_claim WHERE referrer = :r`, {
          replacements: { r: referrer.username },
          type: QueryTypes.SELECT,
        });
        assert.equal(claims?.n, 0, 'no claim left behind');
      } finally {
        await sequelize.query(`DROP TRIGGER IF EXISTS ${name} ON ${target.table}; DROP FUNCTION IF EXISTS ${name}();`);
      }
      const service = await createServiceCredentials(ctx);
      for (let i = 0; i < 2; i += 1) {
        const sync = await ctx.api.post('/sys/scheduler/xendit-sync').set('Authorization', service.auth);
        assert.equal(sync.status, 200, JSON.stringify(sync.body));
      }
      assert.equal((await models.ReferralHistory.findOne({ where: { username: referred.username } }))?.status, 'completed');
      assert.equal((await models.UserBalance.findByPk(referrer.username))?.points, BONUS);
      assert.equal(await models.PointMutation.count({ where: { username: referrer.username } }), 1);
    });
  }
});
