import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUser } from '../helpers/factories.js';
import { uniqueName, useTestServer, type TestContext } from '../helpers/server.js';
import { assertError, freshIp, linkTokenFor, login, otpFor, signUp, type PendingSignUp } from './auth-helpers.js';

/** Completes an OTP sign-up through the API (the phone is proved, the email is not). */
async function otpAccount(ctx: TestContext, email: string): Promise<PendingSignUp> {
  const s = await signUp(ctx, 'OTP', { email });
  assert.equal(s.res.status, 201, JSON.stringify(s.res.body));
  const otp = await otpFor(ctx, s.phone);
  const verified = await ctx.api.post('/verify-sign-up').set('Authorization', `Bearer ${s.registrationToken}`).send({ otp });
  assert.equal(verified.status, 201, JSON.stringify(verified.body));
  return s;
}

/** The token of the newest email-confirmation mail that names `username` (several accounts may share one address). */
async function emailLinkFor(ctx: TestContext, username: string): Promise<string> {
  const mail = await ctx.smtp.waitForMail((m) => m.text.includes('/verify-email?token=') && m.text.includes(username));
  const mails = ctx.smtp.messages.filter((m) => m.text.includes('/verify-email?token=') && m.text.includes(username));
  const text = (mails[mails.length - 1] ?? mail).text;
  const match = /\/verify-email\?token=([A-Za-z0-9_-]{43})/.exec(text);
  assert.ok(match, `no /verify-email link in: ${text}`);
  return match[1]!;
}

async function profileOf(ctx: TestContext, username: string, password: string) {
  const res = await login(ctx, username, password);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const profile = await ctx.api.get('/user/profile').set('Authorization', `Bearer ${res.body.token}`);
  assert.equal(profile.status, 200, JSON.stringify(profile.body));
  return profile.body as { email: string | null; email_verified: boolean; username: string };
}

async function holdersOf(ctx: TestContext, email: string) {
  const [rows] = await ctx.server.clients.db.sequelize.query(
    `SELECT username, email, email_verified FROM user_info WHERE lower(email) = :email ORDER BY username`,
    { replacements: { email: email.toLowerCase() } },
  );
  return rows as Array<{ username: string; email: string; email_verified: boolean }>;
}

describe('an email is bound only once its owner proved it', () => {
  const ctx = useTestServer();

  it('when an OTP sign-up claims a victim\'s email, then it reserves nothing, cannot log in by it, and the owner\'s confirmed sign-up takes it', async () => {
    const email = `${uniqueName('victim')}@example.test`;
    const squatter = await otpAccount(ctx, email);

    // The unproved address opens nothing and reserves nothing.
    assertError(await login(ctx, email, squatter.password), 422, 'Invalid Credential', 'INVALID_CREDENTIAL');
    const check = await ctx.api.post('/check/email').set('X-Forwarded-For', freshIp()).send({ email });
    assert.equal(check.body.registered, false, JSON.stringify(check.body));
    const squatterProfile = await profileOf(ctx, squatter.username, squatter.password);
    assert.equal(squatterProfile.email, email);
    assert.equal(squatterProfile.email_verified, false);

    // The owner signs up with a link to the same address and confirms it.
    const owner = await signUp(ctx, 'LINK', { email: email.toUpperCase() });
    assert.equal(owner.res.status, 201, JSON.stringify(owner.res.body));
    const link = await linkTokenFor(ctx, email, '/verify-sign-up');
    const confirmed = await ctx.api.post('/verify-sign-up').send({ token: link });
    assert.equal(confirmed.status, 201, JSON.stringify(confirmed.body));

    const byEmail = await login(ctx, email, owner.password);
    assert.equal(byEmail.status, 200, JSON.stringify(byEmail.body));
    const verify = await ctx.api.get('/verify').set('Authorization', `Bearer ${byEmail.body.token}`);
    assert.equal(verify.body.user, owner.username);
    const ownerProfile = await profileOf(ctx, owner.username, owner.password);
    assert.equal(ownerProfile.email_verified, true);

    // The squatter lost the address (it still logs in by username) and its confirmation link is dead.
    const lost = await profileOf(ctx, squatter.username, squatter.password);
    assert.equal(lost.email, null);
    assert.equal(lost.email_verified, false);
    const squatterLink = await emailLinkFor(ctx, squatter.username);
    assertError(await ctx.api.post('/verify-email').send({ token: squatterLink }), 409, 'Email is already registered', 'EMAIL_ALREADY_REGISTERED');
    assert.deepEqual((await holdersOf(ctx, email)).map((r) => [r.username, r.email_verified]), [[owner.username, true]]);
    assertError((await signUp(ctx, 'LINK', { email })).res, 409, 'Email is already registered', 'EMAIL_ALREADY_REGISTERED');
  });

  it('OTP sign-up mails a confirmation link: the page consumes nothing, the button confirms, then the email logs in', async () => {
    const email = `${uniqueName('otp')}@example.test`;
    const s = await otpAccount(ctx, email);
    const mail = await ctx.smtp.waitForMail((m) => m.to.includes(email) && m.text.includes('/verify-email?token='));
    assert.match(mail.subject, /Confirm your email/);
    const token = await emailLinkFor(ctx, s.username);
    assert.ok(mail.text.includes(`${ctx.config.server.publicUrl}/verify-email?token=${token}`));

    for (let i = 0; i < 2; i += 1) {
      const page = await ctx.api.get(`/verify-email?token=${token}`);
      assert.equal(page.status, 200);
      assert.match(String(page.headers['content-type']), /text\/html/);
      assert.match(page.text, /<form method="post" action="\/verify-email">/);
      assert.ok(page.text.includes(`name="token" value="${token}"`));
      assert.doesNotMatch(page.text, /<script/i);
    }
    assert.equal((await profileOf(ctx, s.username, s.password)).email_verified, false);
    assertError(await login(ctx, email, s.password), 422, 'Invalid Credential', 'INVALID_CREDENTIAL');

    const confirmed = await ctx.api.post('/verify-email').type('form').send({ token });
    assert.equal(confirmed.status, 200, confirmed.text);
    assert.match(confirmed.text, /Email confirmed/);
    const profile = await profileOf(ctx, s.username, s.password);
    assert.equal(profile.email, email);
    assert.equal(profile.email_verified, true);
    const byEmail = await login(ctx, email.toUpperCase(), s.password);
    assert.equal(byEmail.status, 200, JSON.stringify(byEmail.body));

    // Pressing the button again changes nothing; the page now says the link is used.
    const again = await ctx.api.post('/verify-email').send({ token });
    assertError(again, 401);
    assert.match((await ctx.api.get(`/verify-email?token=${token}`)).text, /invalid, already used or has expired/);
    assert.ok(!ctx.logs.some((line) => line.includes(token)), 'the confirmation token never reaches the log');
  });

  it('when several accounts holding one unproved address confirm it at once, then exactly one binds it and the others get 409', async () => {
    for (let trial = 0; trial < 3; trial += 1) {
      const email = `${uniqueName(`race${trial}`)}@example.test`;
      const users = await Promise.all(Array.from({ length: 5 }, () => createUser(ctx, { emailVerified: false, email })));
      const tokens: string[] = [];
      for (const user of users) tokens.push(await ctx.server.services.emailVerification.issueConfirmation(user.username, email));
      const burst = tokens.flatMap((token) => [token, token]).map((token) => ctx.api.post('/verify-email').send({ token }));
      const results = await Promise.all(burst);
      const ok = results.filter((r) => r.status === 200);
      for (const r of results.filter((x) => x.status !== 200)) assert.ok([401, 409].includes(r.status), `${r.status} ${JSON.stringify(r.body)}`);
      const winners = new Set(ok.map((r) => r.body.username as string));
      assert.equal(winners.size, 1, JSON.stringify(results.map((r) => [r.status, r.body.username])));
      const holders = await holdersOf(ctx, email);
      assert.deepEqual(holders.map((r) => [r.username, r.email_verified]), [[[...winners][0], true]]);
    }
  });

  it('POST /user/email binds a new address only when its link is confirmed; a verified address of someone else is refused', async () => {
    const user = await createUser(ctx);
    const other = await createUser(ctx);
    assertError(
      await ctx.api.post('/user/email').set('Authorization', user.auth).set('X-Forwarded-For', freshIp()).send({ new_email: other.email.toUpperCase(), password: user.password }),
      409,
      'Email is already registered',
    );
    assertError(await ctx.api.post('/user/email').set('Authorization', user.auth).send({ email: 'nope' }), 400);
    assertError(await ctx.api.post('/user/email').set('Authorization', user.auth).send({ email: `${uniqueName('x')}@example.test`, extra: 1 }), 400);
    assertError(await ctx.api.post('/user/email').send({ email: `${uniqueName('x')}@example.test` }), 401);

    const next = `${uniqueName('next')}@example.test`;
    const asked = await ctx.api.post('/user/email').set('Authorization', user.auth).set('X-Forwarded-For', freshIp()).send({ new_email: next, password: user.password });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    // Until the link is confirmed the old, proved address stays and the new one opens nothing.
    let profile = await profileOf(ctx, user.username, user.password);
    assert.deepEqual([profile.email, profile.email_verified], [user.email, true]);
    assertError(await login(ctx, next, user.password), 422, 'Invalid Credential', 'INVALID_CREDENTIAL');
    assert.equal((await login(ctx, user.email, user.password)).status, 200);

    const token = await emailLinkFor(ctx, user.username);
    const confirmed = await ctx.api.post(`/verify-email?token=${token}`);
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.deepEqual(confirmed.body, { status: true, message: 'Your email is confirmed.', username: user.username, email: next });
    profile = await profileOf(ctx, user.username, user.password);
    assert.deepEqual([profile.email, profile.email_verified], [next, true]);
    assert.equal((await login(ctx, next, user.password)).status, 200);
    assertError(await login(ctx, user.email, user.password), 422, 'Invalid Credential', 'INVALID_CREDENTIAL');
    // The old address is free again.
    assert.equal((await ctx.api.post('/check/email').set('X-Forwarded-For', freshIp()).send({ email: user.email })).body.registered, false);
  });

  it('when an account has no confirmed address, then POST /user/email {email} alone (no password) mails a link that binds it', async () => {
    const email = `${uniqueName('unbound')}@example.test`;
    const user = await createUser(ctx, { emailVerified: false, email });
    const next = `${uniqueName('bind')}@example.test`;
    const asked = await ctx.api.post('/user/email').set('Authorization', user.auth).set('X-Forwarded-For', freshIp()).send({ email: next });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    const token = await emailLinkFor(ctx, user.username);
    assert.equal((await ctx.api.post('/verify-email').send({ token })).status, 200);
    const profile = await profileOf(ctx, user.username, user.password);
    assert.deepEqual([profile.email, profile.email_verified], [next, true]);
    // Now that it is confirmed, {email} alone no longer changes it.
    assertError(await ctx.api.post('/user/email').set('Authorization', user.auth).send({ email: `${uniqueName('again')}@example.test` }), 400);
  });

  it('a password reset goes only to a proved address', async () => {
    const email = `${uniqueName('reset')}@example.test`;
    await createUser(ctx, { emailVerified: false, email });
    const res = await ctx.api.post('/request-reset-pwd').set('X-Forwarded-For', freshIp()).send({ email });
    assert.equal(res.status, 200);
    // A proved address asked right after gets its mail; by then the unproved one would have had its own.
    const proved = await createUser(ctx);
    assert.equal((await ctx.api.post('/request-reset-pwd').set('X-Forwarded-For', freshIp()).send({ email: proved.email })).status, 200);
    await ctx.smtp.waitForMail((m) => m.to.includes(proved.email));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(ctx.smtp.messages.filter((m) => m.to.includes(email) && m.text.includes('/reset-pwd?token=')).length, 0);
  });

  it('when binding fails half-way (account creation or the confirming update), then nothing was released: one transaction', async () => {
    const { sequelize } = ctx.server.clients.db;
    const email = `${uniqueName('fault')}@example.test`;
    const squatter = await createUser(ctx, { emailVerified: false, email });
    const owner = await signUp(ctx, 'LINK', { email });
    assert.equal(owner.res.status, 201, JSON.stringify(owner.res.body));
    const link = await linkTokenFor(ctx, email, '/verify-sign-up');
    const confirmer = await createUser(ctx, { emailVerified: false, email });
    const confirmToken = await ctx.server.services.emailVerification.issueConfirmation(confirmer.username, email);
    const fn = `fail_${owner.username}`.replace(/[^a-z0-9_]/g, '_');
    await sequelize.query(`
      CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.username IN ('${owner.username}', '${confirmer.username}') AND (TG_TABLE_NAME = 'user_balance' OR NEW.email_verified) THEN
          RAISE EXCEPTION 'injected failure';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER ${fn}_b BEFORE INSERT ON user_balance FOR EACH ROW EXECUTE FUNCTION ${fn}();
      CREATE TRIGGER ${fn}_i BEFORE UPDATE ON user_info FOR EACH ROW EXECUTE FUNCTION ${fn}();`);
    try {
      // The LINK account's wallet insert fails after the squatters were released; the confirming update fails too.
      assert.equal((await ctx.api.post('/verify-sign-up').send({ token: link })).status, 500);
      assert.equal((await ctx.api.post('/verify-email').send({ token: confirmToken })).status, 500);
      const holders = await holdersOf(ctx, email);
      assert.deepEqual(holders.map((r) => [r.username, r.email_verified]).sort(), [[confirmer.username, false], [squatter.username, false]].sort());
    } finally {
      await sequelize.query(`DROP TRIGGER ${fn}_b ON user_balance; DROP TRIGGER ${fn}_i ON user_info; DROP FUNCTION ${fn}();`);
    }
    // Both still work afterwards: the confirmation binds, then the owner's sign-up meets a confirmed address (409).
    assert.equal((await ctx.api.post('/verify-email').send({ token: confirmToken })).status, 200);
    assertError(await ctx.api.post('/verify-sign-up').send({ token: link }), 409, 'Email is already registered', 'EMAIL_ALREADY_REGISTERED');
    assert.deepEqual((await holdersOf(ctx, email)).map((r) => [r.username, r.email_verified]), [[confirmer.username, true]]);
  });

  it('bad confirmation input answers 4xx and changes nothing', async () => {
    assertError(await ctx.api.post('/verify-email').send({}), 400);
    assertError(await ctx.api.post('/verify-email').send({ token: 'x'.repeat(43) }), 401);
    assertError(await ctx.api.post('/verify-email').send({ token: 12 }), 400);
    assertError(await ctx.api.post('/verify-email').send({ token: 'a', other: 1 }), 400);
    // GET ignores parameters it does not declare; the declared token is still validated.
    assertError(await ctx.api.get('/verify-email?token=x&token=y&extra=1'), 400);
    assert.match((await ctx.api.get('/verify-email?token=nope')).text, /invalid, already used or has expired/);
  });
});
