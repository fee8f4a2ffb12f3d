/**
 * Who earns a referral bonus: not for a referred account that pays its top-up out again within
 * REFERRAL_PAYOUT_HOLD_DAYS, and at most once per referred phone number and per bank account number.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createServiceCredentials, createUser, type TestUser } from '../helpers/factories.js';
import { useTestServer, type TestContext } from '../helpers/server.js';
import { checkout, postCallback, topUp } from '../payment/payment-helpers.js';

const BONUS = 50;
const HOLD_DAYS = 7;

let phoneCounter = 0;
/** A phone number no other test user has (the factory's default is shared by everyone). */
const uniquePhone = () => `62812${String(process.pid % 10000).padStart(4, '0')}${String((phoneCounter += 1)).padStart(4, '0')}`;

function helpers(ctx: TestContext) {
  const models = () => ctx.server.clients.db.models;
  return {
    refer: (referrer: TestUser, referred: TestUser) =>
      models().ReferralHistory.create({ username: referred.username, submitted_by: referrer.username, referral_code: referrer.referralCode }),
    pointsOf: async (user: TestUser) => (await models().UserBalance.findByPk(user.username))!.points,
    statusOf: async (referred: TestUser) => (await models().ReferralHistory.findOne({ where: { username: referred.username } }))?.status,
    addAccount: async (user: TestUser, accountNumber: string, bankCode = 'BCA') => {
      const res = await ctx.api
        .post('/bank-account')
        .set('Authorization', user.auth)
        .send({ bank_code: bankCode, account_number: accountNumber, account_holder_name: 'Test Holder' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body as { id: number };
    },
    /** Moves the referred user's clock back: the qualifying top-up and their payouts happened `days` ago. */
    travel: async (referred: TestUser, days: number) => {
      const { sequelize } = ctx.server.clients.db;
      await sequelize.query(
        `UPDATE referral_history SET qualified_at = qualified_at - make_interval(days => :days), created_at = created_at - make_interval(days => :days) WHERE username = :username`,
        { replacements: { days, username: referred.username } },
      );
      await sequelize.query(`UPDATE user_transaction SET created_at = created_at - make_interval(days => :days) WHERE username = :username`, {
        replacements: { days, username: referred.username },
      });
    },
    runSync: async () => {
      const service = await createServiceCredentials(ctx);
      const res = await ctx.api.post('/sys/scheduler/xendit-sync').set('Authorization', service.auth);
      assert.equal(res.status, 200, JSON.stringify(res.body));
    },
  };
}

describe(`referral bonus rules (hold ${HOLD_DAYS} days)`, () => {
  const ctx = useTestServer({ REFERRAL_BONUS_POINTS: String(BONUS), REFERRAL_PAYOUT_HOLD_DAYS: String(HOLD_DAYS) });
  const h = helpers(ctx);

  it('when a referred user tops up and pays it out again within the hold, then the referrer never gets the bonus (nothing credited, nothing taken back)', async () => {
    const referrer = await createUser(ctx, { phone: uniquePhone() });
    const referred = await createUser(ctx, { phone: uniquePhone() });
    await h.refer(referrer, referred);
    await topUp(ctx, referred, 100000);
    assert.equal(await h.pointsOf(referrer), 0, 'no bonus while the hold runs');
    assert.equal(await h.statusOf(referred), 'pending');
    const account = await h.addAccount(referred, '5550001111');
    const payout = await ctx.api.post('/payout').set('Authorization', referred.auth).send({ amount: 90000, bank_account_id: account.id });
    assert.equal(payout.status, 201, JSON.stringify(payout.body));

    await h.travel(referred, HOLD_DAYS + 1);
    await h.runSync();
    assert.equal(await h.pointsOf(referrer), 0);
    assert.equal(await h.statusOf(referred), 'rejected');
    assert.equal(await ctx.server.clients.db.models.PointMutation.count({ where: { username: referrer.username } }), 0, 'no credit and no claw-back');
    const stats = await ctx.api.get('/referral/stats').set('Authorization', referrer.auth);
    assert.equal(stats.body.completed_referrals, 0);
    assert.equal(stats.body.pending_referrals, 0);
    assert.equal(stats.body.total_earned_points, 0);
    const history = await ctx.api.get('/referral/history').set('Authorization', referrer.auth);
    assert.equal(history.status, 200);
    assert.equal(history.body[0].status, 'rejected');
  });

  it('when a referred user tops up and makes no payout during the hold, then the sync job credits the bonus once after it (and not before)', async () => {
    const referrer = await createUser(ctx, { phone: uniquePhone() });
    const referred = await createUser(ctx, { phone: uniquePhone() });
    await h.refer(referrer, referred);
    await topUp(ctx, referred, 100000);
    await h.runSync();
    assert.equal(await h.pointsOf(referrer), 0, 'the hold has not passed');
    assert.equal(await h.statusOf(referred), 'pending');

    await h.travel(referred, HOLD_DAYS + 1);
    await Promise.all([h.runSync(), ctx.server.services.referrals.completeDueReferrals(), ctx.server.services.referrals.completeDueReferrals()]);
    await h.runSync();
    assert.equal(await h.pointsOf(referrer), BONUS);
    assert.equal(await h.statusOf(referred), 'completed');
    // A payout after the hold changes nothing.
    const account = await h.addAccount(referred, '5550002222');
    const payout = await ctx.api.post('/payout').set('Authorization', referred.auth).send({ amount: 50000, bank_account_id: account.id });
    assert.equal(payout.status, 201, JSON.stringify(payout.body));
    await h.runSync();
    assert.equal(await h.pointsOf(referrer), BONUS);
  });

  it('when two referred accounts have the same phone number (written differently), then the referrer earns one bonus; another referrer is not affected', async () => {
    const referrer = await createUser(ctx, { phone: uniquePhone() });
    const other = await createUser(ctx, { phone: uniquePhone() });
    const shared = uniquePhone();
    const first = await createUser(ctx, { phone: shared });
    const second = await createUser(ctx, { phone: `0${shared.slice(2)}` });
    const third = await createUser(ctx, { phone: `+${shared}` });
    await h.refer(referrer, first);
    await h.refer(referrer, second);
    await h.refer(other, third);
    for (const referred of [first, second, third]) {
      await topUp(ctx, referred, 20000);
      await h.travel(referred, HOLD_DAYS + 1);
    }
    await h.runSync();
    assert.equal(await h.pointsOf(referrer), BONUS);
    assert.deepEqual([await h.statusOf(first), await h.statusOf(second)].sort(), ['completed', 'rejected']);
    assert.equal(await h.pointsOf(other), BONUS);
  });

  it('when two referred accounts register the same bank account number, then the referrer earns one bonus, compared by a keyed fingerprint (never the number)', async () => {
    const referrer = await createUser(ctx, { phone: uniquePhone() });
    const first = await createUser(ctx, { phone: uniquePhone() });
    const second = await createUser(ctx, { phone: uniquePhone() });
    await h.refer(referrer, first);
    await h.refer(referrer, second);
    const number = `77${Date.now().toString().slice(-8)}`;
    await h.addAccount(first, number, 'BCA');
    await h.addAccount(second, number, 'BNI');
    const [stored] = await ctx.server.clients.db.sequelize.query<Record<string, unknown>>(
      `SELECT * FROM bank_account WHERE username = :username`,
      { replacements: { username: first.username }, type: 'SELECT' as never },
    );
    assert.match(String(stored?.account_fingerprint), /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(stored).includes(number), 'the number is not stored in clear');
    for (const referred of [first, second]) {
      await topUp(ctx, referred, 20000);
      await h.travel(referred, HOLD_DAYS + 1);
    }
    await h.runSync();
    assert.equal(await h.pointsOf(referrer), BONUS);
    assert.deepEqual([await h.statusOf(first), await h.statusOf(second)].sort(), ['completed', 'rejected']);
  });
});

describe('referral bonus rules with no hold (REFERRAL_PAYOUT_HOLD_DAYS=0): parallel bursts', () => {
  const ctx = useTestServer({ REFERRAL_BONUS_POINTS: String(BONUS), REFERRAL_PAYOUT_HOLD_DAYS: '0' });
  const h = helpers(ctx);

  it('when the referred account has the referrer’s own phone number or bank account number, then no bonus (a second account of the referrer)', async () => {
    const phone = uniquePhone();
    const referrer = await createUser(ctx, { phone });
    const samePhone = await createUser(ctx, { phone: `0${phone.slice(2)}` });
    const sameAccount = await createUser(ctx, { phone: uniquePhone() });
    const stranger = await createUser(ctx, { phone: uniquePhone() });
    const number = `66${Date.now().toString().slice(-8)}`;
    await h.addAccount(referrer, number);
    await h.addAccount(sameAccount, number, 'BRI');
    for (const referred of [samePhone, sameAccount, stranger]) {
      await h.refer(referrer, referred);
      await topUp(ctx, referred, 10000);
    }
    assert.equal(await h.statusOf(samePhone), 'rejected');
    assert.equal(await h.statusOf(sameAccount), 'rejected');
    assert.equal(await h.statusOf(stranger), 'completed');
    assert.equal(await h.pointsOf(referrer), BONUS);
  });

  it('when 10 referred accounts sharing a phone, and 10 sharing a bank account, are paid in parallel, then each group earns one bonus (3 trials)', async () => {
    for (let trial = 0; trial < 3; trial += 1) {
      const referrer = await createUser(ctx, { phone: uniquePhone() });
      const shared = uniquePhone();
      const byPhone = await Promise.all(Array.from({ length: 10 }, () => createUser(ctx, { phone: shared })));
      const number = `88${trial}${Date.now().toString().slice(-7)}`;
      const byBank = await Promise.all(Array.from({ length: 10 }, () => createUser(ctx, { phone: uniquePhone() })));
      for (const referred of [...byPhone, ...byBank]) await h.refer(referrer, referred);
      for (const referred of byBank) await h.addAccount(referred, number);
      const invoices = [];
      for (const referred of [...byPhone, ...byBank]) {
        const invoice = await checkout(ctx, referred, { amount: 10000 });
        ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'PAID');
        invoices.push(invoice);
      }
      const answers = await Promise.all(invoices.map((invoice) => postCallback(ctx, ctx.xendit.invoiceCallback(invoice.invoice_id))));
      for (const res of answers) assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(await h.pointsOf(referrer), 2 * BONUS, `trial ${trial}`);
      const statuses = await Promise.all([...byPhone, ...byBank].map((u) => h.statusOf(u)));
      assert.equal(statuses.filter((s) => s === 'completed').length, 2, `trial ${trial}: ${statuses.join(',')}`);
      assert.equal(statuses.filter((s) => s === 'rejected').length, 18, `trial ${trial}`);
    }
  });
});
