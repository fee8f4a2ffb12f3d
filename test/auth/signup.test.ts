import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUser } from '../helpers/factories.js';
import { uniqueName, useTestServer } from '../helpers/server.js';
import { assertError, countRows, freshIp, freshPhone, linkTokenFor, login, otpFor, signUp } from './auth-helpers.js';

describe('sign-up journeys', () => {
  const ctx = useTestServer();

  it('LINK: sign up → read the mail → open the page (nothing consumed) → press the button → log in → /verify', async () => {
    const s = await signUp(ctx, 'LINK');
    assert.equal(s.res.status, 201, JSON.stringify(s.res.body));
    assert.equal(s.res.body.status, true);
    assert.equal(s.res.body.mode, 'LINK');
    assert.equal(s.res.body.expires_in, ctx.config.auth.registrationTtlSeconds);
    assert.match(s.registrationToken, /^[A-Za-z0-9_-]{43}$/);

    const mail = await ctx.smtp.waitForMail((m) => m.to.includes(s.email));
    assert.match(mail.subject, /Confirm/);
    assert.ok(mail.html.includes('/verify-sign-up?token='), 'the HTML part carries the link too');
    const token = await linkTokenFor(ctx, s.email);
    assert.ok(mail.text.includes(`${ctx.config.server.publicUrl}/verify-sign-up?token=${token}`));
    assert.notEqual(token, s.registrationToken, 'the mailed link token is not the token the client got');

    // A mail scanner (or the user) opening the link twice consumes nothing.
    for (let i = 0; i < 2; i += 1) {
      const pageRes = await ctx.api.get(`/verify-sign-up?token=${token}`);
      assert.equal(pageRes.status, 200);
      assert.match(String(pageRes.headers['content-type']), /text\/html/);
      assert.match(pageRes.text, /<form method="post" action="\/verify-sign-up">/);
      assert.ok(pageRes.text.includes(`name="token" value="${token}"`));
      assert.doesNotMatch(pageRes.text, /<script/i);
      assert.match(String(pageRes.headers['content-security-policy']), /default-src 'self'/);
    }
    assert.equal(await countRows(ctx, 'user_login', s.username), 0);
    assertError(await login(ctx, s.username, s.password), 403, 'Account is Not Confirmed', 'ACCOUNT_NOT_CONFIRMED');

    // The page's button: a plain form post.
    const confirmed = await ctx.api.post('/verify-sign-up').type('form').send({ token });
    assert.equal(confirmed.status, 201, confirmed.text);
    assert.match(confirmed.text, /Account confirmed/);

    for (const table of ['user_login', 'user_info', 'user_balance']) assert.equal(await countRows(ctx, table, s.username), 1, table);
    const info = await ctx.server.clients.db.models.UserInfo.findOne({ where: { username: s.username }, raw: true });
    assert.equal(info?.email, s.email);
    assert.match(info?.referral_code ?? '', /^[A-Z0-9]{8}$/);
    const stored = await ctx.server.clients.db.models.UserLogin.findByPk(s.username, { raw: true });
    assert.notEqual(stored?.pwd, s.password);
    assert.match(stored?.pwd ?? '', /^\$2[aby]\$/);

    const loggedIn = await login(ctx, s.username, s.password);
    assert.equal(loggedIn.status, 200, JSON.stringify(loggedIn.body));
    assert.equal(loggedIn.body.agent, false);
    const verify = await ctx.api.get('/verify').set('Authorization', `Bearer ${loggedIn.body.token}`);
    assert.deepEqual(verify.body, { status: true, user: s.username, agent: false });

    // The used link now says so, as a page and as an API answer.
    const again = await ctx.api.get(`/verify-sign-up?token=${token}`);
    assert.match(again.text, /invalid, already used or has expired/);
    assertError(await ctx.api.post('/verify-sign-up').send({ token }), 409, 'Account is already verified, please log in', 'ACCOUNT_ALREADY_VERIFIED');
  });

  it('POST /signup also answers token, the same value as registration_token (what a client of the original reads), in both modes', async () => {
    for (const mode of ['LINK', 'OTP'] as const) {
      const s = await signUp(ctx, mode);
      assert.equal(s.res.status, 201, JSON.stringify(s.res.body));
      assert.equal(typeof s.res.body.token, 'string', `${mode}: no token in ${JSON.stringify(s.res.body)}`);
      assert.equal(s.res.body.token, s.res.body.registration_token, mode);
    }
    // The token the original's client kept works where the registration token does.
    const s = await signUp(ctx, 'OTP');
    const otp = await otpFor(ctx, s.phone);
    const verified = await ctx.api.post('/verify-sign-up').set('Authorization', `Bearer ${String(s.res.body.token)}`).send({ otp });
    assert.equal(verified.status, 201, JSON.stringify(verified.body));
  });

  it('LINK: the link token also completes as ?token= and as Bearer; the registration token alone does not (403)', async () => {
    const a = await signUp(ctx, 'LINK');
    assertError(await ctx.api.post('/verify-sign-up').set('Authorization', `Bearer ${a.registrationToken}`).send({}), 403, 'Account is Not Confirmed', 'ACCOUNT_NOT_CONFIRMED');
    const tokenA = await linkTokenFor(ctx, a.email);
    const viaQuery = await ctx.api.post(`/verify-sign-up?token=${tokenA}`);
    assert.equal(viaQuery.status, 201, JSON.stringify(viaQuery.body));
    assert.deepEqual(viaQuery.body, { status: true, message: 'Your account is confirmed. You can now log in.', username: a.username });

    const b = await signUp(ctx, 'LINK');
    const tokenB = await linkTokenFor(ctx, b.email);
    const viaBearer = await ctx.api.post('/verify-sign-up').set('Authorization', `Bearer ${tokenB}`);
    assert.equal(viaBearer.status, 201);
  });

  it('OTP: sign up → read the SMS → verify with Bearer registration token + otp → confirm the mailed email link → log in with the email → /verify', async () => {
    const s = await signUp(ctx, 'OTP');
    assert.equal(s.res.status, 201, JSON.stringify(s.res.body));
    assert.equal(s.res.body.mode, 'OTP');
    const sms = ctx.sms.messages.filter((m) => m.to === s.phone);
    assert.equal(sms.length, 1);
    assert.equal(sms[0]!.authorization, 'App test-sms-token');
    const otp = await otpFor(ctx, s.phone);

    assertError(await login(ctx, s.username, s.password), 403, 'OTP Not Confirmed', 'OTP_NOT_CONFIRMED');
    assertError(await login(ctx, s.username, 'Wrong-password-1'), 422, 'Invalid Credential', 'INVALID_CREDENTIAL');
    // The email of a pending sign-up is unproved: it opens nothing.
    assertError(await login(ctx, s.email, s.password), 422, 'Invalid Credential', 'INVALID_CREDENTIAL');

    const missing = await ctx.api.post('/verify-sign-up').set('Authorization', `Bearer ${s.registrationToken}`).send({});
    assertError(missing, 400, 'OTP is required');
    const verified = await ctx.api.post('/verify-sign-up').set('Authorization', `Bearer ${s.registrationToken}`).send({ otp });
    assert.equal(verified.status, 201, JSON.stringify(verified.body));
    assert.equal(verified.body.username, s.username);

    const info = await ctx.server.clients.db.models.UserInfo.findOne({ where: { username: s.username }, raw: true });
    assert.equal(info?.phone_number, s.phone);
    assert.equal(info?.email_verified, false, 'the SMS code proves the phone, not the email');
    assertError(await login(ctx, s.email, s.password), 422, 'Invalid Credential', 'INVALID_CREDENTIAL');
    const emailToken = await linkTokenFor(ctx, s.email, '/verify-email');
    assert.equal((await ctx.api.post('/verify-email').send({ token: emailToken })).status, 200);
    const loggedIn = await login(ctx, s.email.toUpperCase(), s.password);
    assert.equal(loggedIn.status, 200, JSON.stringify(loggedIn.body));
    assert.deepEqual(Object.keys(loggedIn.body).sort(), ['agent', 'expires_at', 'token']);
    const verify = await ctx.api.get('/verify').set('Authorization', `Bearer ${loggedIn.body.token}`);
    assert.equal(verify.status, 200);
    assert.equal(verify.body.user, s.username);

    assert.ok(!ctx.logs.some((line) => line.includes(otp) && line.includes(s.phone)), 'the OTP never reaches the log');
    assert.ok(!ctx.logs.some((line) => line.includes(s.registrationToken)), 'the registration token never reaches the log');
  });

  it('when the same sign-up is verified twice at once, then one account is created and the other request gets 409', async () => {
    const s = await signUp(ctx, 'LINK');
    const token = await linkTokenFor(ctx, s.email);
    const results = await Promise.all(Array.from({ length: 5 }, () => ctx.api.post('/verify-sign-up').send({ token })));
    const statuses = results.map((r) => r.status).sort();
    assert.equal(statuses.filter((x) => x === 201).length, 1, JSON.stringify(statuses));
    for (const r of results.filter((x) => x.status !== 201)) assertError(r, 409);
    for (const table of ['user_login', 'user_info', 'user_balance']) assert.equal(await countRows(ctx, table, s.username), 1, table);
  });

  it('when a referral code is given, then it must exist (400 "referral code not found") and becomes a pending referral_history row', async () => {
    const missing = await signUp(ctx, 'LINK', { referral_code: 'NOPE0000' });
    assertError(missing.res, 400, 'referral code not found', 'REFERRAL_CODE_NOT_FOUND');
    assert.equal(ctx.smtp.messages.filter((m) => m.to.includes(missing.email)).length, 0);

    const referrer = await createUser(ctx);
    const s = await signUp(ctx, 'LINK', { referral_code: referrer.referralCode.toLowerCase() });
    assert.equal(s.res.status, 201, JSON.stringify(s.res.body));
    const token = await linkTokenFor(ctx, s.email);
    assert.equal((await ctx.api.post('/verify-sign-up').send({ token })).status, 201);
    const row = await ctx.server.clients.db.models.ReferralHistory.findOne({ where: { username: s.username }, raw: true });
    assert.equal(row?.submitted_by, referrer.username);
    assert.equal(row?.referral_code, referrer.referralCode);
    assert.equal(row?.status, 'pending');
  });

  it('when the username belongs to an account or a pending sign-up, or the email to a confirmed account, then 409 with the seed\'s message', async () => {
    const existing = await createUser(ctx);
    assertError((await signUp(ctx, 'LINK', { email: existing.email.toUpperCase() })).res, 409, 'Email is already registered', 'EMAIL_ALREADY_REGISTERED');
    assertError((await signUp(ctx, 'LINK', { username: existing.username })).res, 409, 'Username is already taken', 'USERNAME_TAKEN');

    const pending = await signUp(ctx, 'LINK');
    assert.equal(pending.res.status, 201);
    // A pending sign-up's email is unproved and reserves nothing (only the send gap to that address applies).
    await ctx.server.clients.redis.del(`rl:send-gap:REGISTER:${pending.email}`);
    assert.equal((await signUp(ctx, 'LINK', { email: pending.email })).res.status, 201);
    assertError((await signUp(ctx, 'LINK', { username: pending.username, email: `${uniqueName('other')}@example.test` })).res, 409, 'Username is already taken', 'USERNAME_TAKEN');
    // Someone else trying the same username + email with another password cannot take it over.
    assertError((await signUp(ctx, 'LINK', { username: pending.username, email: pending.email, password: 'Another-pass-9' })).res, 409);
  });

  it('when the same person signs up again (same username, email and password), then the old pending sign-up is replaced', async () => {
    const first = await signUp(ctx, 'LINK');
    const firstLink = await linkTokenFor(ctx, first.email);
    // Within the resend gap the restart is refused like any other send; once it has passed, it is accepted.
    const early = await ctx.api
      .post('/signup')
      .set('X-Forwarded-For', freshIp())
      .send({ username: first.username, email: first.email, password: first.password, full_name: 'Again', mode: 'LINK' });
    assertError(early, 429);
    assert.equal(await ctx.server.services.registration.isLinkUsable(firstLink), true, 'a refused restart leaves the first sign-up alone');
    await ctx.server.clients.redis.del(`rl:send-gap:REGISTER:${first.email}`);
    const second = await ctx.api
      .post('/signup')
      .set('X-Forwarded-For', freshIp())
      .send({ username: first.username, email: first.email, password: first.password, full_name: 'Again', mode: 'LINK' });
    assert.equal(second.status, 201, JSON.stringify(second.body));
    assertError(await ctx.api.post('/verify-sign-up').send({ token: firstLink }), 401);
  });

  it('when pending sign-ups for one email race to confirm their links, then exactly one account gets the email and the others 409', async () => {
    const email = `${uniqueName('race')}@example.test`;
    const tokens: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      await ctx.server.clients.redis.del(`rl:send-gap:REGISTER:${email}`);
      const s = await signUp(ctx, 'LINK', { email, username: uniqueName(`r${i}`), password: `Race-pass-${i}xx` });
      assert.equal(s.res.status, 201, JSON.stringify(s.res.body));
      const mail = await ctx.smtp.waitForMail((m) => m.to.includes(email) && m.text.includes(s.username));
      tokens.push(/\/verify-sign-up\?token=([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!);
    }
    const results = await Promise.all(tokens.flatMap((token) => [token, token, token]).map((token) => ctx.api.post('/verify-sign-up').send({ token })));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((x) => x === 201).length, 1, JSON.stringify(statuses));
    for (const r of results.filter((x) => x.status !== 201)) assertError(r, 409);
    const [rows] = await ctx.server.clients.db.sequelize.query(`SELECT count(*)::int AS n FROM user_info WHERE lower(email) = :email`, { replacements: { email } });
    assert.equal((rows as Array<{ n: number }>)[0]!.n, 1);
  });

  it('OTP mode without a phone answers "PhoneRequired" and a bad phone "PhoneFormatErr" (400), nothing stored', async () => {
    const username = uniqueName('ph');
    const base = { username, password: 'Phone-pass-1', email: `${username}@example.test`, full_name: 'P', mode: 'OTP' };
    assertError(await ctx.api.post('/signup').set('X-Forwarded-For', freshIp()).send(base), 400, 'PhoneRequired', 'PHONE_REQUIRED');
    assertError(await ctx.api.post('/signup').set('X-Forwarded-For', freshIp()).send({ ...base, phone_number: '12345' }), 400, 'PhoneFormatErr', 'PHONE_FORMAT_INVALID');
    const check = await ctx.api.post('/check/email').set('X-Forwarded-For', freshIp()).send({ email: base.email });
    assert.equal(check.body.registered, false, 'the refused sign-ups reserved nothing');
  });

  it('the password policy names the failed rule: 8-72 UTF-8 bytes, not the username, not the email', async () => {
    const short = await signUp(ctx, 'LINK', { password: 'short' });
    assertError(short.res, 400, 'Password must be at least 8 bytes long');
    assert.equal(short.res.body.errors[0].field, 'password');

    // 'é' is 2 bytes: 37 of them are 74 bytes (refused), 36 are 72 bytes (accepted).
    assertError((await signUp(ctx, 'LINK', { password: 'é'.repeat(37) })).res, 400, /at most 72 bytes/);
    assertError((await signUp(ctx, 'LINK', { password: `${'é'.repeat(36)}a` })).res, 400, /at most 72 bytes/);
    const exact = await signUp(ctx, 'LINK', { password: 'é'.repeat(36) });
    assert.equal(exact.res.status, 201, JSON.stringify(exact.res.body));
    const token = await linkTokenFor(ctx, exact.email);
    assert.equal((await ctx.api.post('/verify-sign-up').send({ token })).status, 201);
    assert.equal((await login(ctx, exact.username, 'é'.repeat(36))).status, 200);
    assert.equal((await login(ctx, exact.username, `${'é'.repeat(35)}e`)).status, 422);

    const username = uniqueName('same');
    assertError((await signUp(ctx, 'LINK', { username, password: username.toUpperCase() })).res, 400, 'Password must not be the same as the username');
    const email = `${uniqueName('mail')}@example.test`;
    assertError((await signUp(ctx, 'LINK', { email, password: email })).res, 400, 'Password must not be the same as the email');
  });

  it('bad input of any shape answers a 4xx envelope and creates nothing', async () => {
    const username = uniqueName('bad');
    const valid = { username, password: 'Valid-pass-1', email: `${username}@example.test`, full_name: 'Bad Input', mode: 'LINK' };
    const cases: Array<[string, unknown]> = [
      ['array', [valid]],
      ['number username', { ...valid, username: 42 }],
      ['object password', { ...valid, password: { $gt: '' } }],
      ['unknown field', { ...valid, admin: true }],
      ['bad email', { ...valid, email: 'not-an-email' }],
      ['bad mode', { ...valid, mode: 'SMS' }],
      ['username with @', { ...valid, username: 'a@b' }],
      ['huge password', { ...valid, password: 'x'.repeat(10_000) }],
      ['empty', {}],
      ['null', null],
    ];
    for (const [label, body] of cases) {
      const res = await ctx.api.post('/signup').set('X-Forwarded-For', freshIp()).set('Content-Type', 'application/json').send(JSON.stringify(body));
      assert.ok(res.status >= 400 && res.status < 500, `${label}: ${res.status}`);
      assert.equal(res.body.status, false, label);
    }
    const raw = await ctx.api.post('/signup').set('Content-Type', 'application/json').send('{"username":');
    assertError(raw, 400);
    const form = await ctx.api.post('/signup').type('form').send(valid);
    assertError(form, 415);
    assert.equal(await countRows(ctx, 'user_login', username), 0);
    assert.equal((await ctx.api.post('/check/email').set('X-Forwarded-For', freshIp()).send({ email: valid.email })).body.registered, false);

    for (const body of [{ otp: 123456 }, { otp: '12345a' }, { token: ['x'] }, { extra: 1 }]) {
      const res = await ctx.api.post('/verify-sign-up').send(body);
      assert.ok(res.status === 400 || res.status === 401, JSON.stringify(body));
      assert.equal(res.body.status, false);
    }
    assertError(await ctx.api.post('/verify-sign-up').set('Authorization', 'Bearer not-a-token').send({}), 401);
    assertError(await ctx.api.post('/verify-sign-up').set('Authorization', 'Basic abc').send({}), 401);
    assertError(await ctx.api.post('/verify-sign-up').send({}), 401);
    assertError(await ctx.api.post('/verify-sign-up').type('text').send('token=x'), 415);
    // GET ignores parameters it does not declare; the declared token is still validated.
    assertError(await ctx.api.get('/verify-sign-up?token=x&token=y&extra=1'), 400);
  });

  it('POST /check/email answers 409 for an email a confirmed account holds and 200 for a free one (pending sign-ups reserve nothing)', async () => {
    const ip = freshIp();
    const user = await createUser(ctx);
    // The original system's clients read 409 for a registered email.
    const yes = await ctx.api.post('/check/email').set('X-Forwarded-For', ip).send({ email: user.email.toUpperCase() });
    assertError(yes, 409, 'Email is already registered', 'EMAIL_ALREADY_REGISTERED');
    assert.equal(yes.body.registered, true);
    const pending = await signUp(ctx, 'LINK');
    const pendingCheck = await ctx.api.post('/check/email').set('X-Forwarded-For', ip).send({ email: pending.email });
    assert.equal(pendingCheck.status, 200);
    assert.equal(pendingCheck.body.registered, false);
    const no = await ctx.api.post('/check/email').set('X-Forwarded-For', ip).send({ email: `${uniqueName('free')}@example.test` });
    assert.deepEqual(no.body, { status: true, registered: false, message: 'Email is available' });
    assertError(await ctx.api.post('/check/email').send({ email: 'nope' }), 400);
  });

  it('POST /resend-otp sends a new code; the old code stops working and the new one verifies', async () => {
    const s = await signUp(ctx, 'OTP', { phone: freshPhone() });
    const first = await otpFor(ctx, s.phone);
    // The default resend gap is 60 s: clear it so this test does not wait (the gap itself is tested in limits.test.ts).
    const keys = await ctx.server.clients.redis.keys('rl:send-gap:*');
    if (keys.length) await ctx.server.clients.redis.del(keys.filter((k) => k.includes(s.phone)));
    const resent = await ctx.api.post('/resend-otp').set('X-Forwarded-For', s.ip).set('Authorization', `Bearer ${s.registrationToken}`).send({});
    assert.equal(resent.status, 200, JSON.stringify(resent.body));
    assert.equal(resent.body.mode, 'OTP');
    assert.equal(ctx.sms.messages.filter((m) => m.to === s.phone).length, 2);
    const second = await otpFor(ctx, s.phone);
    if (second !== first) {
      assertError(await ctx.api.post('/verify-sign-up').set('Authorization', `Bearer ${s.registrationToken}`).send({ otp: first }), 400, 'Invalid OTP', 'OTP_INVALID');
    }
    const ok = await ctx.api.post('/verify-sign-up').set('Authorization', `Bearer ${s.registrationToken}`).send({ otp: second });
    assert.equal(ok.status, 201);
    assertError(await ctx.api.post('/resend-otp').set('Authorization', `Bearer ${s.registrationToken}`).send({}), 409);
  });

  it('POST /resend-otp in LINK mode mails a new link and the old link stops working', async () => {
    const s = await signUp(ctx, 'LINK');
    const oldLink = await linkTokenFor(ctx, s.email);
    const keys = await ctx.server.clients.redis.keys(`rl:send-gap:REGISTER:${s.email}`);
    if (keys.length) await ctx.server.clients.redis.del(keys);
    const resent = await ctx.api.post('/resend-otp').set('X-Forwarded-For', s.ip).send({ token: s.registrationToken });
    assert.equal(resent.status, 200, JSON.stringify(resent.body));
    await ctx.smtp.waitForMail((m) => m.to.includes(s.email) && !m.text.includes(oldLink));
    const newLink = await linkTokenFor(ctx, s.email);
    assert.notEqual(newLink, oldLink);
    assertError(await ctx.api.post('/verify-sign-up').send({ token: oldLink }), 401);
    assert.equal((await ctx.api.post('/verify-sign-up').send({ token: newLink })).status, 201);
  });

  it('when the SMS gateway refuses the message, then the sign-up is not kept (the username is free again)', async () => {
    ctx.sms.failNext(500);
    const s = await signUp(ctx, 'OTP');
    assert.ok(s.res.status >= 500 && s.res.status < 600 && s.res.status !== 500, `got ${s.res.status}`);
    assert.equal(s.res.body.status, false);
    const again = await signUp(ctx, 'OTP', { username: s.username, email: s.email, phone: freshPhone() });
    assert.equal(again.res.status, 201, JSON.stringify(again.res.body));
  });
});
