import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { QueryTypes } from 'sequelize';
import { runCliProcess } from '../cli/run-cli.js';
import { createServiceCredentials, createUser, type TestUser } from '../helpers/factories.js';
import { uniqueName, useTestServer, type TestContext } from '../helpers/server.js';
import { freshIp, login } from '../auth/auth-helpers.js';
import { postPayoutCallback, topUp } from '../payment/payment-helpers.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const ACCOUNT_NUMBER = `88${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`;

interface RichUser extends TestUser {
  fullName: string;
  phone: string;
  fcmToken: string;
  imagePath: string;
  serviceKey: string;
}

/** Every kind of record a user can have, made through the API where a route exists. */
async function createRichUser(ctx: TestContext): Promise<RichUser> {
  const { sequelize, models } = ctx.server.clients.db;
  const phone = `62813${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const user = await createUser(ctx, { username: uniqueName('leaver_long'), points: 10, phone });
  const fullName = `Sekar Ayu ${uniqueName('nm')}`;
  const as = (req: ReturnType<TestContext['api']['get']>) => req.set('Authorization', user.auth);

  assert.equal((await as(ctx.api.put('/user/profile')).send({ full_name: fullName })).status, 200);
  const image = await as(ctx.api.post('/user/update-profile-img')).attach('profile_img', PNG, { filename: 'me.png', contentType: 'image/png' });
  assert.equal(image.status, 200, JSON.stringify(image.body));
  const address = await as(ctx.api.post('/address')).send({ label: 'Rumah', recipient_name: fullName, phone_number: phone, address: 'Jl. Melati No. 7, Bandung' });
  assert.equal(address.status, 201, JSON.stringify(address.body));
  const fcmToken = `fcm-${uniqueName('tok')}-secret`;
  assert.equal((await as(ctx.api.post('/fcm/register')).send({ token: fcmToken, device_type: 'android' })).status < 300, true);
  assert.equal((await as(ctx.api.post('/points/redeem')).send({ points: 10 })).status < 300, true);
  await topUp(ctx, user, 99000);
  const bank = await as(ctx.api.post('/bank-account')).send({ bank_code: 'BCA', account_number: ACCOUNT_NUMBER, account_holder_name: fullName });
  assert.equal(bank.status, 201, JSON.stringify(bank.body));
  const payout = await as(ctx.api.post('/payout')).send({ amount: 100000, bank_account_id: bank.body.id ?? bank.body.bank_account?.id });
  assert.equal(payout.status, 201, JSON.stringify(payout.body));
  assert.equal((await postPayoutCallback(ctx, ctx.xendit.payoutCallback(payout.body.xendit_payout_id, 'payout.succeeded'))).status, 200);
  const service = await createServiceCredentials(ctx);
  const voucher = await ctx.api.post('/redeem-voucher').set('Authorization', service.auth).send({ username: user.username, voucher_code: 'WELCOME10K' });
  assert.ok(voucher.status < 300, JSON.stringify(voucher.body));
  // Referrals both ways, and the referrer's bonus row that names this user.
  const referrer = await createUser(ctx);
  const referred = await createUser(ctx);
  await models.ReferralHistory.create({ username: user.username, submitted_by: referrer.username, referral_code: referrer.referralCode, status: 'completed' });
  await models.ReferralHistory.create({ username: referred.username, submitted_by: user.username, referral_code: user.referralCode, status: 'pending' });
  await models.PointMutation.create({ username: referrer.username, type: 'CREDIT', amount: 50, description: `Referral bonus: ${user.username}`, reference_id: `referral:${user.username}` });
  await models.MarketingOffer.create({ username: user.username, title: 'Khusus untuk Anda', description: 'Diskon ongkir' });
  // A logged-out session (security activity).
  const session = await login(ctx, user.username, user.password);
  assert.equal(session.status, 200);
  assert.equal((await ctx.api.get('/logout').set('Authorization', `Bearer ${session.body.token}`)).status, 200);
  // A live session on a device named after its owner (the erasure must not leave the name in user_session).
  const live = await ctx.api.post('/auth').send({ username: user.username, password: user.password, device_name: `${fullName}'s phone` });
  assert.equal(live.status, 200, JSON.stringify(live.body));
  const [{ profile_img: imagePath } = { profile_img: '' }] = await sequelize.query<{ profile_img: string }>(
    'SELECT profile_img FROM user_info WHERE username = :username',
    { replacements: { username: user.username }, type: QueryTypes.SELECT },
  );
  return { ...user, fullName, phone, fcmToken, imagePath, serviceKey: service.key };
}

/** Every text column of every table holding one of the needles: "table.column" names. */
async function columnsHolding(ctx: TestContext, needles: string[]): Promise<string[]> {
  const { sequelize } = ctx.server.clients.db;
  const columns = await sequelize.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND data_type IN ('character varying', 'text', 'character', 'jsonb', 'json')`,
    { type: QueryTypes.SELECT },
  );
  const found: string[] = [];
  for (const { table_name, column_name } of columns) {
    const [row] = await sequelize.query<{ n: number }>(
      `SELECT count(*) AS n FROM "${table_name}" WHERE lower("${column_name}"::text) LIKE ANY (ARRAY[:patterns])`,
      { replacements: { patterns: needles.map((n) => `%${n.toLowerCase()}%`) }, type: QueryTypes.SELECT },
    );
    if (row && row.n > 0) found.push(`${table_name}.${column_name}`);
  }
  return found;
}

describe('leaving: POST /user/delete, POST /user/delete/cancel, the erasure job, GET /user/export', () => {
  const ctx = useTestServer({ EXPORTS_PER_USER_PER_DAY: '2', ACCOUNT_DELETION_GRACE_DAYS: '30' });

  it('when the wallet holds money or points, then POST /user/delete answers 409 saying what to do first and nothing changes', async () => {
    const user = await createUser(ctx, { balance: '25000', points: 3 });
    const res = await ctx.api.post('/user/delete').set('Authorization', user.auth).send({ password: user.password });
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(res.body.status, false);
    assert.match(res.body.message, /withdraw the balance of Rp ?25\.000.*POST \/payout/);
    assert.match(res.body.message, /redeem the 3 points/);
    assert.equal((await ctx.api.get('/verify').set('Authorization', user.auth)).status, 200);
  });

  it('when the password is wrong, then POST /user/delete answers 422 and the account stays', async () => {
    const user = await createUser(ctx);
    const res = await ctx.api.post('/user/delete').set('Authorization', user.auth).send({ password: 'not-the-password' });
    assert.equal(res.status, 422);
    assert.equal((await ctx.api.get('/verify').set('Authorization', user.auth)).status, 200);
  });

  it('when an account is deleted, then its tokens and FCM tokens die at once, a mail says how to cancel, a right-password login answers 403 with a cancel_token, and cancelling restores it', async () => {
    const user = await createUser(ctx);
    assert.ok((await ctx.api.post('/fcm/register').set('Authorization', user.auth).send({ token: `t-${uniqueName('f')}`, device_type: 'ios' })).status < 300);
    const res = await ctx.api.post('/user/delete').set('Authorization', user.auth).send({ password: user.password, reason: 'moving away' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const days = (Date.parse(res.body.scheduled_for) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `scheduled ${days} days ahead`);
    assert.equal((await ctx.api.get('/verify').set('Authorization', user.auth)).status, 401);
    assert.equal(await ctx.server.clients.db.models.Fcm.count({ where: { username: user.username } }), 0);
    const mail = await ctx.smtp.waitForMail((m) => m.to.includes(user.email));
    assert.match(mail.subject, /will be deleted/);
    assert.ok(mail.text.includes(res.body.cancel_token), 'the mail carries the cancel token');

    const wrong = await login(ctx, user.username, 'Wrong-Password-1');
    assert.equal(wrong.status, 422);
    assert.equal(wrong.body.cancel_token, undefined);
    assert.doesNotMatch(JSON.stringify(wrong.body), /deletion/i);
    const right = await login(ctx, user.username, user.password);
    assert.equal(right.status, 403);
    assert.equal(right.body.message, 'Account is scheduled for deletion');
    assert.equal(right.body.cancel_token, res.body.cancel_token);
    assert.equal(right.body.deletion_scheduled_for, res.body.scheduled_for);

    assert.equal((await ctx.api.post('/user/delete/cancel').send({ cancel_token: 'A'.repeat(43) })).status, 401);
    const cancel = await ctx.api.post('/user/delete/cancel').send({ cancel_token: right.body.cancel_token });
    assert.equal(cancel.status, 200, JSON.stringify(cancel.body));
    assert.equal((await login(ctx, user.username, user.password)).status, 200);
    assert.equal((await ctx.api.post('/user/delete/cancel').send({ cancel_token: right.body.cancel_token })).status, 401, 'a used cancel token is dead');
  });

  it('when a user with every kind of record exports, then each kind appears, bank accounts are masked and no secret value appears; then, after the grace, the erasure job leaves no personal field in any table or file while the ledger still matches the balance', async () => {
    const { sequelize, models } = ctx.server.clients.db;
    const user = await createRichUser(ctx);

    const res = await ctx.api.get('/user/export').set('Authorization', user.auth);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const doc = res.body;
    assert.equal(doc.account.username, user.username);
    assert.equal(doc.profile.full_name, user.fullName);
    assert.equal(doc.profile.email, user.email);
    assert.equal(doc.profile.phone_number, user.phone);
    assert.equal(doc.profile.profile_img, user.imagePath);
    assert.equal(doc.wallet.balance, '0.00');
    assert.equal(doc.addresses.length, 1);
    assert.ok(doc.ledger.some((r: { type: string }) => r.type === 'TOPUP'));
    assert.ok(doc.ledger.some((r: { type: string }) => r.type === 'PAYOUT'));
    assert.ok(doc.invoices.length >= 1);
    assert.equal(doc.payouts.length, 1);
    assert.ok(doc.points_history.length >= 1);
    assert.ok(doc.referrals.referred_by);
    assert.equal(doc.referrals.referred.length, 1);
    assert.equal(doc.voucher_redemptions.length, 1);
    assert.deepEqual(doc.bank_accounts.map((b: { account_number_masked: string }) => b.account_number_masked), [`****${ACCOUNT_NUMBER.slice(-4)}`]);
    assert.equal(doc.fcm_devices.length, 1);
    assert.equal(doc.marketing_offers.length, 1);
    assert.equal(doc.security.logged_out_sessions.length, 1);
    assert.deepEqual(doc.sessions.map((r: { device: string; revoked_at: string | null }) => [r.device, r.revoked_at === null]).sort(), [[`${user.fullName}'s phone`, true], ['unknown device', false]].sort());
    const ledgerSum = doc.ledger.reduce((sum: number, r: { balance_delta: string }) => sum + Math.round(Number(r.balance_delta) * 100), 0);
    assert.equal(ledgerSum, 0);

    const text = JSON.stringify(doc);
    const loginRow = await models.UserLogin.findByPk(user.username, { raw: true });
    const bank = await models.BankAccount.findOne({ where: { username: user.username }, raw: true });
    assert.ok(loginRow && bank);
    for (const [name, secret] of [
      ['password hash', loginRow.pwd],
      ['password', user.password],
      ['access token', user.token],
      ['FCM token', user.fcmToken],
      ['full account number', ACCOUNT_NUMBER],
      ['stored account number ciphertext', bank.account_number],
      ['API key', user.serviceKey],
    ] as const) {
      assert.ok(!text.includes(secret), `the export contains the ${name}`);
    }
    assert.doesNotMatch(text, /"(pwd|token|otp|otp_hash|key|account_number|request_hash|response_body)"\s*:/);

    // Delete, then move the grace into the past and run the job as an operator would.
    const needles = [user.email, user.phone, user.fullName, user.username];
    assert.ok((await columnsHolding(ctx, needles)).length > 5, 'the search finds the user before the erasure');
    const deletion = await ctx.api.post('/user/delete').set('Authorization', user.auth).send({ password: user.password });
    assert.equal(deletion.status, 200, JSON.stringify(deletion.body));
    const row = await models.AccountDeletion.findOne({ where: { username: user.username }, raw: true });
    assert.ok(row);
    const ledgerRows = await models.UserTransaction.count({ where: { username: user.username } });
    await sequelize.query(`UPDATE account_deletion SET scheduled_for = now() - interval '1 minute' WHERE id = :id`, { replacements: { id: row.id } });
    const run = await runCliProcess(['accounts:erase-due']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /erased [1-9]/);

    assert.deepEqual(await columnsHolding(ctx, needles), [], 'no personal field remains');
    assert.ok(!existsSync(path.join(ctx.config.upload.profileImageDir, path.basename(user.imagePath))), 'the profile image file is gone');
    const erased = await models.AccountDeletion.findByPk(row.id, { raw: true });
    assert.ok(erased?.erased_at);
    assert.match(erased.username, /^erased:/);
    assert.equal(await models.UserTransaction.count({ where: { username: erased.username } }), ledgerRows, 'the ledger stays under the pseudonym');
    assert.deepEqual(await ctx.server.services.wallet.reconcile(erased.username), { balance: '0.00', ledger: '0.00' });
    const [mismatch] = await sequelize.query<{ n: number }>(
      `SELECT count(*) AS n FROM user_balance b WHERE b.balance <> (SELECT COALESCE(SUM(t.balance_delta), 0) FROM user_transaction t WHERE t.username = b.username)`,
      { type: QueryTypes.SELECT },
    );
    assert.equal(mismatch?.n, 0, 'every balance equals its ledger sum');

    // The email is free again; the username is not.
    const check = await ctx.api.post('/check/email').set('X-Forwarded-For', freshIp()).send({ email: user.email });
    assert.equal(check.status, 200, JSON.stringify(check.body));
    const again = await ctx.api
      .post('/signup')
      .set('X-Forwarded-For', freshIp())
      .send({ username: user.username, password: 'Another-Horse-77', email: `${uniqueName('n')}@example.test`, full_name: 'Someone Else', mode: 'LINK' });
    assert.equal(again.status, 409);
    assert.equal(again.body.message, 'Username is already taken');
    assert.equal((await login(ctx, user.username, user.password)).status, 422, 'the erased account no longer logs in');
  });

  it('when a user exports more than EXPORTS_PER_USER_PER_DAY times in a day, then 429 with Retry-After', async () => {
    const user = await createUser(ctx);
    for (let i = 0; i < 2; i += 1) assert.equal((await ctx.api.get('/user/export').set('Authorization', user.auth)).status, 200);
    const res = await ctx.api.get('/user/export').set('Authorization', user.auth);
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers['retry-after']) > 0);
  });
});
