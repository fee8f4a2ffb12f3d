import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Response } from 'supertest';
import type { ErrorCode } from '../../src/errors/error-codes.js';
import { createUser } from '../helpers/factories.js';
import { uniqueName, useTestServer } from '../helpers/server.js';
import { assertError, freshIp, freshPhone, login, otpFor, signUp } from './auth-helpers.js';

function assertLimited(res: Response, maxSeconds: number, message?: RegExp, code?: ErrorCode): number {
  assertError(res, 429, message, code);
  const retryAfter = Number(res.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= maxSeconds, `Retry-After ${res.headers['retry-after']}`);
  return retryAfter;
}

describe('limits (small thresholds so the tests are fast)', () => {
  const ctx = useTestServer({
    OTP_RESEND_GAP_SECONDS: '60',
    OTP_DAILY_CAP: '3',
    OTP_SENDS_PER_IP_PER_HOUR: '4',
    OTP_MAX_ATTEMPTS: '3',
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
    LOGIN_MAX_FAILURES_PER_IP: '5',
    LOGIN_LOCKOUT_SECONDS: '30',
    RESET_REQUESTS_PER_HOUR: '2',
    // Above OTP_SENDS_PER_IP_PER_HOUR: every sign-up also spends one email check (its 409 tells registered emails).
    CHECK_EMAIL_PER_IP_PER_HOUR: '5',
  });
  const resend = (token: string, ip = freshIp()) => ctx.api.post('/resend-otp').set('X-Forwarded-For', ip).set('Authorization', `Bearer ${token}`).send({});
  /** Pretends the resend gap has passed (the gap itself is covered by its own test). */
  const skipGap = (identifier: string) => ctx.server.clients.redis.del(`rl:send-gap:REGISTER:${identifier}`);

  it('when a code is resent within 60 s, then 429 with Retry-After up to 60, and no SMS goes out', async () => {
    const s = await signUp(ctx, 'OTP');
    assert.equal(s.res.status, 201);
    const res = await resend(s.registrationToken);
    assertLimited(res, 60, /wait/, 'SEND_TOO_SOON');
    assert.equal(ctx.sms.messages.filter((m) => m.to === s.phone).length, 1);
  });

  it('when an identifier reaches the daily cap, then 429 until the next UTC day, counted durably in otp_tracker', async () => {
    const s = await signUp(ctx, 'LINK');
    for (let i = 0; i < 2; i += 1) {
      await skipGap(s.email);
      assert.equal((await resend(s.registrationToken)).status, 200);
    }
    await skipGap(s.email);
    const refused = await resend(s.registrationToken);
    const retryAfter = assertLimited(refused, 86_400, /Daily limit/, 'SEND_LIMIT_DAILY');
    const midnight = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1);
    assert.ok(Math.abs(retryAfter - (midnight - Date.now()) / 1000) < 5);
    const row = await ctx.server.clients.db.models.OtpTracker.findOne({ where: { identifier: s.email, otp_type: 'REGISTER' }, raw: true });
    assert.equal(row?.count, 3);
    assert.equal(ctx.smtp.messages.filter((m) => m.to.includes(s.email)).length, 3);
    // The cap is held in PostgreSQL: even with every Redis counter gone, the fourth send is refused.
    await skipGap(s.email);
    assertLimited(await resend(s.registrationToken), 86_400, /Daily limit/, 'SEND_LIMIT_DAILY');
  });

  it('when one IP asks for too many codes or links in an hour, then 429 for that IP only', async () => {
    const ip = freshIp();
    for (let i = 0; i < 4; i += 1) assert.equal((await signUp(ctx, 'LINK', { ip })).res.status, 201);
    const refused = await signUp(ctx, 'LINK', { ip });
    assertLimited(refused.res, 3600, /network/, 'SEND_LIMIT_NETWORK');
    assert.equal(ctx.smtp.messages.filter((m) => m.to.includes(refused.email)).length, 0);
    const check = await ctx.api.post('/check/email').set('X-Forwarded-For', freshIp()).send({ email: refused.email });
    assert.equal(check.body.registered, false, 'the refused sign-up reserved nothing');
    assert.equal((await signUp(ctx, 'LINK')).res.status, 201, 'another IP is not affected');
  });

  it('when the OTP is wrong 3 times, then the code is burned (429) even for the right code; a new code works', async () => {
    const s = await signUp(ctx, 'OTP', { phone: freshPhone() });
    const otp = await otpFor(ctx, s.phone);
    const wrong = otp === '000000' ? '111111' : '000000';
    const verify = (code: string) => ctx.api.post('/verify-sign-up').set('Authorization', `Bearer ${s.registrationToken}`).send({ otp: code });
    assertError(await verify(wrong), 400, 'Invalid OTP', 'OTP_INVALID');
    assertError(await verify(wrong), 400, 'Invalid OTP', 'OTP_INVALID');
    assertLimited(await verify(wrong), 60, /no longer works/, 'OTP_BURNED');
    assertLimited(await verify(otp), 60, /no longer works/, 'OTP_BURNED');

    await skipGap(s.phone);
    assert.equal((await resend(s.registrationToken)).status, 200);
    const fresh = await otpFor(ctx, s.phone);
    const ok = await verify(fresh);
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });

  it('when wrong OTPs are sent concurrently, then no more than the allowed attempts are tried', async () => {
    const s = await signUp(ctx, 'OTP', { phone: freshPhone() });
    const otp = await otpFor(ctx, s.phone);
    const wrongCodes = Array.from({ length: 10 }, (_, i) => String((Number(otp) + i + 1) % 1_000_000).padStart(6, '0'));
    const results = await Promise.all(
      wrongCodes.map((code) => ctx.api.post('/verify-sign-up').set('Authorization', `Bearer ${s.registrationToken}`).send({ otp: code })),
    );
    assert.ok(results.every((r) => r.status === 400 || r.status === 429));
    assertLimited(await ctx.api.post('/verify-sign-up').set('Authorization', `Bearer ${s.registrationToken}`).send({ otp }), 60);
  });

  it('after 3 failed logins the account is locked (429 with Retry-After) even with the right password and from another IP', async () => {
    const user = await createUser(ctx);
    for (let i = 0; i < 3; i += 1) assertError(await login(ctx, user.username, 'Wrong-password-1'), 422, 'Invalid Credential', 'INVALID_CREDENTIAL');
    assertLimited(await login(ctx, user.username, user.password), 30, /failed login/, 'ACCOUNT_LOCKED');
    assertLimited(await login(ctx, user.email, user.password), 30, /failed login/, 'ACCOUNT_LOCKED');
  });

  it('unknown accounts lock out exactly like real ones, so the lockout does not reveal which accounts exist', async () => {
    const ghost = uniqueName('ghost');
    for (let i = 0; i < 3; i += 1) assertError(await login(ctx, ghost, 'Wrong-password-1'), 422, 'Invalid Credential', 'INVALID_CREDENTIAL');
    assertLimited(await login(ctx, ghost, 'Wrong-password-1'), 30, /failed login/, 'ACCOUNT_LOCKED');
  });

  it('a successful login clears the account\'s failures', async () => {
    const user = await createUser(ctx);
    for (let i = 0; i < 2; i += 1) assertError(await login(ctx, user.username, 'Wrong-password-1'), 422);
    assert.equal((await login(ctx, user.username, user.password)).status, 200);
    for (let i = 0; i < 2; i += 1) assertError(await login(ctx, user.username, 'Wrong-password-1'), 422);
    assert.equal((await login(ctx, user.username, user.password)).status, 200);
  });

  it('after 5 failed logins from one IP, that IP is locked for every account; other IPs are not', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i += 1) assertError(await login(ctx, uniqueName('spray'), 'Wrong-password-1', ip), 422);
    const user = await createUser(ctx);
    assertLimited(await login(ctx, user.username, user.password, ip), 30, /failed login/, 'ACCOUNT_LOCKED');
    assert.equal((await login(ctx, user.username, user.password)).status, 200);
  });

  it('password reset requests are limited per email (2 per hour), the same for unknown emails', async () => {
    for (const email of [(await createUser(ctx)).email, `${uniqueName('ghost')}@example.test`]) {
      for (let i = 0; i < 2; i += 1) assert.equal((await ctx.api.post('/request-reset-pwd').set('X-Forwarded-For', freshIp()).send({ email })).status, 200);
      assertLimited(await ctx.api.post('/request-reset-pwd').set('X-Forwarded-For', freshIp()).send({ email }), 3600, /reset/, 'PASSWORD_RESET_LIMIT');
    }
  });

  it('password reset requests are limited per IP', async () => {
    const ip = freshIp();
    for (let i = 0; i < 2; i += 1) {
      assert.equal((await ctx.api.post('/request-reset-pwd').set('X-Forwarded-For', ip).send({ email: `${uniqueName('r')}@example.test` })).status, 200);
    }
    assertLimited(await ctx.api.post('/request-reset-pwd').set('X-Forwarded-For', ip).send({ email: `${uniqueName('r')}@example.test` }), 3600);
  });

  it('POST /check/email is limited per IP (it reveals whether an email is registered)', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i += 1) {
      assert.equal((await ctx.api.post('/check/email').set('X-Forwarded-For', ip).send({ email: `${uniqueName('c')}@example.test` })).status, 200);
    }
    assertLimited(await ctx.api.post('/check/email').set('X-Forwarded-For', ip).send({ email: `${uniqueName('c')}@example.test` }), 3600, /email checks/, 'EMAIL_CHECK_LIMIT');
  });
});
