import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUser, type TestUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { checkout, eventually, postCallback, sleep } from '../payment/payment-helpers.js';
import { assertAuthRequired } from './auth-cases.js';

const BONUS = 50;

describe('referrals: GET /referral/history, GET /referral/stats, services.referrals.completeReferral', () => {
  // No payout hold here (the hold and the per-phone/per-account rules are in referral-rules.test.ts).
  const ctx = useTestServer({ REFERRAL_BONUS_POINTS: String(BONUS), REFERRAL_PAYOUT_HOLD_DAYS: '0' });

  const models = () => ctx.server.clients.db.models;
  /** Test setup: sign-up creates this row; here it is made directly. */
  const refer = (referrer: TestUser, referred: TestUser) =>
    models().ReferralHistory.create({ username: referred.username, submitted_by: referrer.username, referral_code: referrer.referralCode });
  const pointsOf = async (user: TestUser) => (await models().UserBalance.findByPk(user.username))!.points;

  it('when the referral routes are called without, with the wrong kind of, or with forged credentials, then 401', async () => {
    await assertAuthRequired(ctx, 'get', '/referral/history', 'jwt');
    await assertAuthRequired(ctx, 'get', '/referral/stats', 'jwt');
  });

  it('when a referral completes, then the referrer gets the bonus once, as a CREDIT visible in the points history', async () => {
    const referrer = await createUser(ctx, { points: 7 });
    const referred = await createUser(ctx);
    await refer(referrer, referred);
    assert.deepEqual(await ctx.server.services.referrals.completeReferral(referred.username), { completed: true });
    assert.deepEqual(await ctx.server.services.referrals.completeReferral(referred.username), { completed: false });
    assert.equal(await pointsOf(referrer), 7 + BONUS);
    assert.equal(await pointsOf(referred), 0);
    const history = await ctx.api.get('/points/history').set('Authorization', referrer.auth);
    assert.equal(history.body.length, 1);
    assert.equal(history.body[0].type, 'CREDIT');
    assert.equal(history.body[0].amount, BONUS);
    const mutation = await models().PointMutation.findOne({ where: { username: referrer.username } });
    assert.equal(mutation?.reference_id, `referral:${referred.username}`);
    const row = await models().ReferralHistory.findOne({ where: { username: referred.username } });
    assert.equal(row?.status, 'completed');
    assert.ok(row?.completed_at instanceof Date);
  });

  it('when completeReferral is called 20 times in parallel, then the referral completes once and the bonus is credited once', async () => {
    const referrer = await createUser(ctx);
    const referred = await createUser(ctx);
    await refer(referrer, referred);
    const results = await Promise.all(Array.from({ length: 20 }, () => ctx.server.services.referrals.completeReferral(referred.username)));
    assert.equal(results.filter((r) => r.completed).length, 1);
    assert.equal(await pointsOf(referrer), BONUS);
    assert.equal(await models().PointMutation.count({ where: { username: referrer.username, type: 'CREDIT' } }), 1);
  });

  it('when two paid top-up callbacks of the referred user arrive twice each in parallel (HTTP), then the bonus is credited once', async () => {
    const referrer = await createUser(ctx);
    const referred = await createUser(ctx);
    await refer(referrer, referred);
    const invoices = [await checkout(ctx, referred, { amount: 50000 }), await checkout(ctx, referred, { amount: 75000 })];
    for (const invoice of invoices) ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'PAID');
    const callbacks = invoices.flatMap((invoice) =>
      [invoice, invoice].map(() => postCallback(ctx, ctx.xendit.invoiceCallback(invoice.invoice_id))),
    );
    const results = await Promise.all(callbacks);
    for (const res of results) assert.equal(res.status, 200, JSON.stringify(res.body));
    await eventually(async () => assert.equal(await pointsOf(referrer), BONUS));
    await sleep(200);
    assert.equal(await pointsOf(referrer), BONUS);
    assert.equal(await models().PointMutation.count({ where: { username: referrer.username, type: 'CREDIT' } }), 1);
    const stats = await ctx.api.get('/referral/stats').set('Authorization', referrer.auth);
    assert.equal(stats.body.completed_referrals, 1);
    assert.equal(stats.body.total_earned_points, BONUS);
  });

  it('when there is nothing pending (no referral, or a user who was not referred), then completed is false and nobody is credited', async () => {
    const lonely = await createUser(ctx);
    assert.deepEqual(await ctx.server.services.referrals.completeReferral(lonely.username), { completed: false });
    assert.deepEqual(await ctx.server.services.referrals.completeReferral('no_such_user_at_all'), { completed: false });
    assert.equal(await pointsOf(lonely), 0);
  });

  it('when a user tries to refer themselves, then the database refuses the row', async () => {
    const user = await createUser(ctx);
    await assert.rejects(() => refer(user, user), /check constraint|violates/i);
  });

  it('when a referrer reads history and stats, then they see only their referrals with the earned points', async () => {
    const referrer = await createUser(ctx);
    const stranger = await createUser(ctx);
    // Distinct phone numbers: a referrer earns one bonus per referred phone number.
    const a = await createUser(ctx, { phone: '6281200000001' });
    const b = await createUser(ctx, { phone: '6281200000002' });
    const c = await createUser(ctx, { phone: '6281200000003' });
    const d = await createUser(ctx, { phone: '6281200000004' });
    for (const referred of [a, b, c]) await refer(referrer, referred);
    await refer(stranger, d);
    await ctx.server.services.referrals.completeReferral(a.username);
    await ctx.server.services.referrals.completeReferral(b.username);
    await ctx.server.services.referrals.completeReferral(d.username);

    const history = await ctx.api.get('/referral/history').set('Authorization', referrer.auth);
    assert.equal(history.status, 200);
    assert.deepEqual(history.body.map((r: { username: string }) => r.username).sort(), [a.username, b.username, c.username].sort());
    const first = history.body.find((r: { username: string }) => r.username === c.username);
    assert.equal(first.status, 'pending');
    assert.equal(first.referral_code, referrer.referralCode);
    assert.ok(typeof first.created_at === 'string');

    const stats = await ctx.api.get('/referral/stats').set('Authorization', referrer.auth);
    assert.equal(stats.status, 200);
    assert.deepEqual(stats.body, {
      status: true,
      total_referrals: 3,
      completed_referrals: 2,
      pending_referrals: 1,
      rejected_referrals: 0,
      total_earned_points: 2 * BONUS,
    });

    const none = await ctx.api.get('/referral/stats').set('Authorization', a.auth);
    assert.deepEqual(none.body, {
      status: true,
      total_referrals: 0,
      completed_referrals: 0,
      pending_referrals: 0,
      rejected_referrals: 0,
      total_earned_points: 0,
    });
    assert.deepEqual((await ctx.api.get('/referral/history').set('Authorization', a.auth)).body, []);
  });
});

describe('referrals with REFERRAL_BONUS_POINTS=0', () => {
  const ctx = useTestServer({ REFERRAL_BONUS_POINTS: '0', REFERRAL_PAYOUT_HOLD_DAYS: '0' });

  it('when the bonus is zero, then the referral still completes and no point row is written', async () => {
    const referrer = await createUser(ctx);
    const referred = await createUser(ctx);
    await ctx.server.clients.db.models.ReferralHistory.create({
      username: referred.username,
      submitted_by: referrer.username,
      referral_code: referrer.referralCode,
    });
    assert.deepEqual(await ctx.server.services.referrals.completeReferral(referred.username), { completed: true });
    assert.equal(await ctx.server.clients.db.models.PointMutation.count({ where: { username: referrer.username } }), 0);
  });
});
