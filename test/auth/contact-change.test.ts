/**
 * Changing the email or the phone number of a signed-in account: the password first (a guess against the login
 * lockout), a link to the new address (or a code to the new number), a notice with a cancel link to the old
 * address, and the change only once it is confirmed. A change starts the money cooling-off and is in the activity.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Response } from 'supertest';
import { createUser, type TestUser } from '../helpers/factories.js';
import { uniqueName, useTestServer, type TestContext } from '../helpers/server.js';
import { assertError, freshIp, freshPhone, login, otpFor } from './auth-helpers.js';

const TOKEN = '([A-Za-z0-9_-]{43})';

/** The token of the newest mail to `to` that carries a `path?token=` link. */
async function tokenMailedTo(ctx: TestContext, to: string, path: string): Promise<string> {
  const has = (text: string) => text.includes(`${path}?token=`);
  await ctx.smtp.waitForMail((m) => m.to.includes(to) && has(m.text));
  const mails = ctx.smtp.messages.filter((m) => m.to.includes(to) && has(m.text));
  const text = mails[mails.length - 1]!.text;
  const match = new RegExp(`${path.replace('/', '\\/')}\\?token=${TOKEN}`).exec(text);
  assert.ok(match, `no ${path} link in: ${text}`);
  return match[1]!;
}

async function profileOf(ctx: TestContext, user: TestUser) {
  const res = await ctx.api.get('/user/profile').set('Authorization', user.auth);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as { email: string | null; email_verified: boolean; phone_number: string | null };
}

async function activityKinds(ctx: TestContext, user: TestUser): Promise<string[]> {
  const res = await ctx.api.get('/user/activity').set('Authorization', user.auth);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return (res.body.events as Array<{ kind: string }>).map((e) => e.kind);
}

const askEmail = (ctx: TestContext, user: TestUser, body: Record<string, unknown>, ip = freshIp()) =>
  ctx.api.post('/user/email').set('Authorization', user.auth).set('X-Forwarded-For', ip).send(body);
const askPhone = (ctx: TestContext, user: TestUser, body: Record<string, unknown>, ip = freshIp()) =>
  ctx.api.post('/user/phone').set('Authorization', user.auth).set('X-Forwarded-For', ip).send(body);
const verifyPhone = (ctx: TestContext, user: TestUser, otp: string) => ctx.api.post('/user/phone/verify').set('Authorization', user.auth).send({ otp });

/** Money may not leave right after a contact change: 423 with Retry-After and a message that says why. */
async function assertMoneyPaused(ctx: TestContext, user: TestUser, because: RegExp): Promise<void> {
  const answers: Response[] = [
    await ctx.api.post('/payout').set('Authorization', user.auth).send({ amount: 50000, bank_account_id: 1 }),
    await ctx.api.post('/bank-account').set('Authorization', user.auth).send({ bank_code: 'BCA', account_number: '1234567890', account_holder_name: 'Test Holder' }),
  ];
  for (const res of answers) {
    assertError(res, 423, because);
    const retryAfter = Number(res.headers['retry-after']);
    assert.ok(retryAfter > 23 * 3600 && retryAfter <= 24 * 3600, `Retry-After ${res.headers['retry-after']}`);
  }
}

const otherCode = (otp: string) => String((Number(otp) + 1) % 1_000_000).padStart(6, '0');

describe('email change: POST /user/email {new_email, password}, confirmed by the link, cancellable from the old address', () => {
  const ctx = useTestServer();

  it('when a user asks for a new email with the password, then only confirming the link changes it (GET consumes nothing), both addresses are told, and money pauses', async () => {
    const user = await createUser(ctx);
    const next = `${uniqueName('new')}@example.test`;
    const asked = await askEmail(ctx, user, { new_email: next.toUpperCase(), password: user.password });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));

    const token = await tokenMailedTo(ctx, next, '/verify-email');
    const notice = await ctx.smtp.waitForMail((m) => m.to.includes(user.email) && m.text.includes('/cancel-email-change?token='));
    assert.ok(notice.text.includes(next), 'the notice names the new address');
    assert.match(notice.text, /If this was not you/);

    // Opening the link (a mail scanner does) changes nothing, however often.
    for (let i = 0; i < 3; i += 1) {
      const page = await ctx.api.get(`/verify-email?token=${token}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /<form method="post" action="\/verify-email">/);
    }
    assert.deepEqual(await profileOf(ctx, user).then((p) => [p.email, p.email_verified]), [user.email, true]);
    assert.equal((await login(ctx, user.email, user.password)).status, 200);
    assertError(await login(ctx, next, user.password), 422);
    assert.ok((await activityKinds(ctx, user)).includes('email_change_requested'));
    assert.ok(!(await activityKinds(ctx, user)).includes('email_changed'));

    const confirmed = await ctx.api.post('/verify-email').type('form').send({ token });
    assert.equal(confirmed.status, 200, confirmed.text);
    assert.deepEqual(await profileOf(ctx, user).then((p) => [p.email, p.email_verified]), [next, true]);
    assert.equal((await login(ctx, next, user.password)).status, 200);
    assertError(await login(ctx, user.email, user.password), 422);

    // The change is told to the new address and to the one it replaced.
    for (const to of [next, user.email]) await ctx.smtp.waitForMail((m) => m.to.includes(to) && m.subject === 'The email of your UserState account was changed');
    const kinds = await activityKinds(ctx, user);
    assert.ok(kinds.includes('email_changed') && kinds.includes('email_change_requested'), kinds.join());
    await assertMoneyPaused(ctx, user, /an email change/);
    assert.ok((await activityKinds(ctx, user)).includes('money_cooling_off'));
    // The cancel link died with the confirmation.
    const cancel = await tokenMailedTo(ctx, user.email, '/cancel-email-change');
    assertError(await ctx.api.post('/cancel-email-change').send({ token: cancel }), 401);
    assert.ok(!ctx.logs.some((line) => line.includes(token) || line.includes(cancel) || line.includes(user.password)), 'no token or password in the log');
  });

  it('when the old address presses cancel while the link lives, then the link no longer confirms and the email stays (the cancel page consumes nothing)', async () => {
    const user = await createUser(ctx);
    const next = `${uniqueName('hijack')}@example.test`;
    assert.equal((await askEmail(ctx, user, { new_email: next, password: user.password })).status, 200);
    const token = await tokenMailedTo(ctx, next, '/verify-email');
    const cancel = await tokenMailedTo(ctx, user.email, '/cancel-email-change');

    for (let i = 0; i < 2; i += 1) {
      const page = await ctx.api.get(`/cancel-email-change?token=${cancel}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /<form method="post" action="\/cancel-email-change">/);
      assert.ok(page.text.includes(`name="token" value="${cancel}"`));
    }
    // Still live after the pages: the confirmation page offers its button.
    assert.match((await ctx.api.get(`/verify-email?token=${token}`)).text, /Confirm my email/);

    const cancelled = await ctx.api.post('/cancel-email-change').type('form').send({ token: cancel });
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.match(cancelled.text, /cancelled/);
    assertError(await ctx.api.post('/verify-email').send({ token }), 401);
    assertError(await ctx.api.post('/cancel-email-change').send({ token: cancel }), 401);
    assert.match((await ctx.api.get(`/cancel-email-change?token=${cancel}`)).text, /no longer works/);
    assert.deepEqual(await profileOf(ctx, user).then((p) => [p.email, p.email_verified]), [user.email, true]);
    assert.ok((await activityKinds(ctx, user)).includes('email_change_cancelled'));
    // No change happened, so money is not paused.
    const bank = await ctx.api.post('/bank-account').set('Authorization', user.auth).send({ bank_code: 'BCA', account_number: '1234567890', account_holder_name: 'Test Holder' });
    assert.equal(bank.status, 201, JSON.stringify(bank.body));
  });

  it('when a second change is asked, then the first link and its cancel link die', async () => {
    const user = await createUser(ctx);
    const first = `${uniqueName('first')}@example.test`;
    const second = `${uniqueName('second')}@example.test`;
    assert.equal((await askEmail(ctx, user, { new_email: first, password: user.password })).status, 200);
    const firstToken = await tokenMailedTo(ctx, first, '/verify-email');
    assert.equal((await askEmail(ctx, user, { new_email: second, password: user.password })).status, 200);
    await tokenMailedTo(ctx, second, '/verify-email');
    assertError(await ctx.api.post('/verify-email').send({ token: firstToken }), 401);
    assert.equal((await profileOf(ctx, user)).email, user.email);
  });

  it('when the password is wrong, then 422, nothing is mailed, and the failures count towards the login lockout', async () => {
    const user = await createUser(ctx);
    const next = `${uniqueName('wrong')}@example.test`;
    for (let i = 0; i < ctx.config.limits.loginMaxFailuresPerAccount; i += 1) {
      assertError(await askEmail(ctx, user, { new_email: next, password: 'Not-The-Password-1' }), 422, 'Invalid Credential', 'INVALID_CREDENTIAL');
    }
    // The account is now locked: the right password is refused too, here and at login.
    assertError(await askEmail(ctx, user, { new_email: next, password: user.password }), 429);
    assertError(await login(ctx, user.username, user.password), 429);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(ctx.smtp.messages.filter((m) => m.to.includes(next)).length, 0);
  });

  it('when the body mixes or lacks the shapes, or {email} alone targets a confirmed account, then 400 and nothing is sent', async () => {
    const user = await createUser(ctx);
    const next = `${uniqueName('shape')}@example.test`;
    assertError(await askEmail(ctx, user, { new_email: next }), 400);
    assertError(await askEmail(ctx, user, { password: user.password }), 400);
    assertError(await askEmail(ctx, user, { new_email: next, password: user.password, email: next }), 400);
    assertError(await askEmail(ctx, user, {}), 400);
    assertError(await askEmail(ctx, user, { email: next }), 400, /needs your password/);
    assertError(await askEmail(ctx, user, { new_email: user.email, password: user.password }), 409, 'This email is already confirmed on your account', 'EMAIL_ALREADY_CONFIRMED');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(ctx.smtp.messages.filter((m) => m.to.includes(next)).length, 0);
  });

  it('when the link is confirmed after the account got another address meanwhile, then it is refused and the newer address stays', async () => {
    const user = await createUser(ctx);
    const next = `${uniqueName('stale')}@example.test`;
    assert.equal((await askEmail(ctx, user, { new_email: next, password: user.password })).status, 200);
    const token = await tokenMailedTo(ctx, next, '/verify-email');
    const other = `${uniqueName('other')}@example.test`;
    await ctx.server.clients.db.models.UserInfo.update({ email: other }, { where: { username: user.username } });
    assertError(await ctx.api.post('/verify-email').send({ token }), 401);
    assert.equal((await profileOf(ctx, user)).email, other);
  });
});

describe('phone change: POST /user/phone {new_phone, password}, applied by POST /user/phone/verify {otp}', () => {
  const ctx = useTestServer();

  it('when a user asks for a new number with the password, then a code is texted to it (normalized) and only verifying it changes the phone; money pauses', async () => {
    const user = await createUser(ctx);
    const before = (await profileOf(ctx, user)).phone_number;
    const phone = freshPhone();
    const asked = await askPhone(ctx, user, { new_phone: `+62 ${phone.slice(2, 5)}-${phone.slice(5)}`, password: user.password });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    assert.equal(asked.body.expires_in, ctx.config.auth.registrationTtlSeconds);
    const otp = await otpFor(ctx, phone);
    assert.equal((await profileOf(ctx, user)).phone_number, before);
    assert.deepEqual(await activityKinds(ctx, user), ['phone_change_requested']);

    const wrong = await verifyPhone(ctx, user, otherCode(otp));
    assertError(wrong, 400, 'Invalid OTP', 'OTP_INVALID');
    assert.equal((await profileOf(ctx, user)).phone_number, before);

    const verified = await verifyPhone(ctx, user, otp);
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    assert.equal(verified.body.phone_number, phone);
    assert.equal((await profileOf(ctx, user)).phone_number, phone);
    // The code works once.
    assertError(await verifyPhone(ctx, user, otp), 404);

    await ctx.smtp.waitForMail((m) => m.to.includes(user.email) && m.subject === 'The phone number of your UserState account was changed');
    const kinds = await activityKinds(ctx, user);
    assert.ok(kinds.includes('phone_changed') && kinds.includes('phone_change_requested'), kinds.join());
    await assertMoneyPaused(ctx, user, /a phone change/);
    assert.ok(!ctx.logs.some((line) => line.includes(otp) && line.includes('code')), 'the code never reaches the log');
  });

  it('when wrong codes reach OTP_MAX_ATTEMPTS, then the code is burned (429) and even the right one no longer works', async () => {
    const user = await createUser(ctx);
    const before = (await profileOf(ctx, user)).phone_number;
    const phone = freshPhone();
    assert.equal((await askPhone(ctx, user, { new_phone: phone, password: user.password })).status, 200);
    const otp = await otpFor(ctx, phone);
    const max = ctx.config.limits.otpMaxAttempts;
    for (let i = 1; i < max; i += 1) assertError(await verifyPhone(ctx, user, otherCode(otp)), 400, 'Invalid OTP', 'OTP_INVALID');
    const last = await verifyPhone(ctx, user, otherCode(otp));
    assertError(last, 429, /no longer works/);
    assert.ok(Number(last.headers['retry-after']) >= 1);
    assertError(await verifyPhone(ctx, user, otp), 429);
    assert.equal((await profileOf(ctx, user)).phone_number, before);
  });

  it('when ten times the attempt limit of guesses arrive at once, then no more than the limit are compared and the code is burned', async () => {
    const user = await createUser(ctx);
    const phone = freshPhone();
    assert.equal((await askPhone(ctx, user, { new_phone: phone, password: user.password })).status, 200);
    const otp = await otpFor(ctx, phone);
    const max = ctx.config.limits.otpMaxAttempts;
    const guesses = Array.from({ length: 10 * max }, (_, i) => String((Number(otp) + 1 + i) % 1_000_000).padStart(6, '0'));
    const answers = await Promise.all(guesses.map((guess) => verifyPhone(ctx, user, guess)));
    const compared = answers.filter((r) => r.status === 400).length;
    assert.equal(compared, max - 1, answers.map((r) => r.status).join());
    assert.equal(answers.filter((r) => r.status === 429).length, 10 * max - compared);
    assertError(await verifyPhone(ctx, user, otp), 429);
    assert.notEqual((await profileOf(ctx, user)).phone_number, phone);
  });

  it('when a code is asked again within the resend gap, then 429 with Retry-After and no second SMS', async () => {
    const user = await createUser(ctx);
    const phone = freshPhone();
    assert.equal((await askPhone(ctx, user, { new_phone: phone, password: user.password })).status, 200);
    await otpFor(ctx, phone);
    const again = await askPhone(ctx, user, { new_phone: phone, password: user.password });
    assertError(again, 429);
    assert.ok(Number(again.headers['retry-after']) >= 1);
    assert.equal(ctx.sms.messages.filter((m) => m.to === phone).length, 1);
  });

  it('when the password is wrong, then 422, no SMS, and the failures count towards the login lockout', async () => {
    const user = await createUser(ctx);
    const phone = freshPhone();
    for (let i = 0; i < ctx.config.limits.loginMaxFailuresPerAccount; i += 1) {
      assertError(await askPhone(ctx, user, { new_phone: phone, password: 'Not-The-Password-1' }), 422, 'Invalid Credential', 'INVALID_CREDENTIAL');
    }
    assertError(await askPhone(ctx, user, { new_phone: phone, password: user.password }), 429);
    assertError(await login(ctx, user.username, user.password), 429);
    assert.equal(ctx.sms.messages.filter((m) => m.to === phone).length, 0);
  });

  it('when the number is malformed, the current one, or nothing is pending, then 4xx and nothing changes', async () => {
    const user = await createUser(ctx);
    const current = (await profileOf(ctx, user)).phone_number!;
    assertError(await askPhone(ctx, user, { new_phone: '12345', password: user.password }), 400, 'PhoneFormatErr', 'PHONE_FORMAT_INVALID');
    assertError(await askPhone(ctx, user, { new_phone: `0${current.slice(2)}`, password: user.password }), 409, 'This phone number is already on your account', 'PHONE_ALREADY_ON_ACCOUNT');
    assertError(await verifyPhone(ctx, user, '123456'), 404);
    assertError(await ctx.api.post('/user/phone/verify').set('Authorization', user.auth).send({ otp: '12345' }), 400);
    assertError(await askPhone(ctx, user, { new_phone: freshPhone() }), 400);
  });

  it('when two accounts verify the same new number at once, then exactly one gets it', async () => {
    const phone = freshPhone();
    const users = [await createUser(ctx), await createUser(ctx)];
    const codes: string[] = [];
    for (const user of users) {
      // One request per account, from distinct addresses; the resend gap is per number, so wait it out in Redis.
      await ctx.server.clients.redis.del(`rl:send-gap:CHANGE_PHONE:${phone}`);
      assert.equal((await askPhone(ctx, user, { new_phone: phone, password: user.password })).status, 200);
      codes.push(await otpFor(ctx, phone));
    }
    const answers = await Promise.all(users.map((user, i) => verifyPhone(ctx, user, codes[i]!)));
    assert.deepEqual(answers.map((r) => r.status).sort(), [200, 409], answers.map((r) => JSON.stringify(r.body)).join());
    const [rows] = await ctx.server.clients.db.sequelize.query(`SELECT count(*)::int AS n FROM user_info WHERE phone_number = :phone`, { replacements: { phone } });
    assert.equal((rows as Array<{ n: number }>)[0]!.n, 1);
  });
});

describe('a taken email or phone number is refused within the lookup budget of POST /check/email', () => {
  const ctx = useTestServer({ CHECK_EMAIL_PER_IP_PER_HOUR: '3' });

  it("when the new email is another account's confirmed address, then 409, and each answer spends the address's /check/email budget", async () => {
    const user = await createUser(ctx);
    const owner = await createUser(ctx);
    const ip = freshIp();
    assertError(await askEmail(ctx, user, { new_email: owner.email.toUpperCase(), password: user.password }, ip), 409, 'Email is already registered', 'EMAIL_ALREADY_REGISTERED');
    assertError(await askEmail(ctx, user, { new_email: owner.email, password: user.password }, ip), 409);
    assert.equal((await ctx.api.post('/check/email').set('X-Forwarded-For', ip).send({ email: owner.email })).status, 409, 'still within the budget');
    // The budget of 3 is spent: a free address is refused the same way now, and /check/email too.
    assertError(await askEmail(ctx, user, { new_email: `${uniqueName('free')}@example.test`, password: user.password }, ip), 429);
    assertError(await ctx.api.post('/check/email').set('X-Forwarded-For', ip).send({ email: owner.email }), 429);
    assert.equal((await profileOf(ctx, user)).email, user.email);
  });

  it("when the new number is another account's, then 409, and each answer spends the same budget", async () => {
    const user = await createUser(ctx);
    const taken = freshPhone();
    await createUser(ctx, { phone: taken });
    const ip = freshIp();
    assertError(await askPhone(ctx, user, { new_phone: `0${taken.slice(2)}`, password: user.password }, ip), 409, 'Phone number is already registered', 'PHONE_ALREADY_REGISTERED');
    assertError(await askPhone(ctx, user, { new_phone: taken, password: user.password }, ip), 409);
    assert.equal((await ctx.api.post('/check/email').set('X-Forwarded-For', ip).send({ email: 'x@example.test' })).status, 200);
    assertError(await askPhone(ctx, user, { new_phone: freshPhone(), password: user.password }, ip), 429);
    assert.equal(ctx.sms.messages.filter((m) => m.to === taken).length, 0);
  });
});
