import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import type { Response } from 'supertest';
import type { TestContext } from '../helpers/server.js';
import { uniqueName } from '../helpers/server.js';

/**
 * A fresh client IP per test (sent as X-Forwarded-For; TRUST_PROXY=loopback trusts it from the test client), so
 * per-IP limits of one test — or of an earlier run sharing the Redis test db — never reach another.
 */
export function freshIp(): string {
  return `10.${randomInt(1, 255)}.${randomInt(0, 255)}.${randomInt(1, 255)}`;
}

/** A phone number nobody else uses today (the daily send cap per number is durable in otp_tracker). */
export function freshPhone(): string {
  return `62812${String(randomInt(0, 1e8)).padStart(8, '0')}`;
}

export { assertError } from '../helpers/assertions.js';

export interface PendingSignUp {
  username: string;
  email: string;
  password: string;
  phone: string;
  ip: string;
  registrationToken: string;
  res: Response;
}

export async function signUp(
  ctx: TestContext,
  mode: 'LINK' | 'OTP',
  overrides: Partial<{ username: string; email: string; password: string; phone: string; ip: string; referral_code: string }> = {},
): Promise<PendingSignUp> {
  const username = overrides.username ?? uniqueName('su');
  const email = overrides.email ?? `${username}@example.test`;
  const password = overrides.password ?? 'Sign-up-Pass-1';
  const phone = overrides.phone ?? freshPhone();
  const ip = overrides.ip ?? freshIp();
  const body: Record<string, string> = { username, password, email, full_name: `Full ${username}`, phone_number: phone, mode };
  if (overrides.referral_code) body.referral_code = overrides.referral_code;
  const res = await ctx.api.post('/signup').set('X-Forwarded-For', ip).send(body);
  return { username, email, password, phone, ip, registrationToken: String(res.body.registration_token ?? ''), res };
}

/** The link token from the newest confirmation mail to `email`. */
export async function linkTokenFor(ctx: TestContext, email: string, path = '/verify-sign-up'): Promise<string> {
  await ctx.smtp.waitForMail((m) => m.to.includes(email));
  const mails = ctx.smtp.messages.filter((m) => m.to.includes(email));
  const mail = mails[mails.length - 1]!;
  const match = new RegExp(`${path.replace('/', '\\/')}\\?token=([A-Za-z0-9_-]{43})`).exec(mail.text);
  assert.ok(match, `no ${path} link in: ${mail.text}`);
  return match[1]!;
}

/** The 6-digit code of the newest SMS to `phone`. */
export async function otpFor(ctx: TestContext, phone: string): Promise<string> {
  for (let i = 0; i < 50; i += 1) {
    const messages = ctx.sms.messages.filter((m) => m.to === phone);
    const last = messages[messages.length - 1];
    const code = last ? /\b(\d{6})\b/.exec(last.text)?.[1] : undefined;
    if (code) return code;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no SMS to ${phone}`);
}

export async function countRows(ctx: TestContext, table: string, username: string): Promise<number> {
  const [rows] = await ctx.server.clients.db.sequelize.query(`SELECT count(*)::int AS n FROM ${table} WHERE username = :username`, {
    replacements: { username },
  });
  return (rows as Array<{ n: number }>)[0]!.n;
}

export async function login(ctx: TestContext, username: string, password: string, ip = freshIp()): Promise<Response> {
  return ctx.api.post('/auth').set('X-Forwarded-For', ip).send({ username, password });
}
