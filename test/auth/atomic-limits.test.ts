import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Response } from 'supertest';
import { createServiceCredentials, createUser } from '../helpers/factories.js';
import { uniqueName, useTestServer } from '../helpers/server.js';
import { assertError, freshIp, freshPhone, login, otpFor, signUp } from './auth-helpers.js';

/** Each burst fires TIMES x its limit at once; each race is tried TRIALS times. */
const TIMES = 10;
const TRIALS = 3;

const count = (results: Response[], ...statuses: number[]) => results.filter((r) => statuses.includes(r.status)).length;
const burst = <T>(n: number, fire: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => fire(i)));
const basic = (holder: string, key: string) => `Basic ${Buffer.from(`${holder}:${key}`).toString('base64')}`;

/** Only 4xx the limiter or the rule itself answers: never a 500 under a burst. */
function assertOnly(results: Response[], allowed: number[]): void {
  const other = results.filter((r) => !allowed.includes(r.status));
  assert.equal(other.length, 0, `unexpected answers: ${other.map((r) => `${r.status} ${JSON.stringify(r.body)}`).join('; ')}`);
}

/** A fresh /64 of the documentation range 2001:db8::/32. */
function freshIpv6Prefix(): string {
  const h = () => randomInt(0, 0xffff).toString(16);
  return `2001:db8:${h()}:${h()}`;
}

const RUN = randomBytes(4).toString('hex').toUpperCase();
const voucherDir = mkdtempSync(path.join(os.tmpdir(), 'userstate-atomic-vouchers-'));
const VOUCHER_FILE = path.join(voucherDir, 'vouchers.json');
writeFileSync(
  VOUCHER_FILE,
  JSON.stringify({
    vouchers: [
      {
        code: `BURST3_${RUN}`,
        discount_amount: '5000.00',
        valid_from: new Date(Date.now() - 86_400_000).toISOString(),
        valid_until: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        quota: 1000,
        per_user_limit: 3,
        description: 'burst voucher',
      },
    ],
  }),
);

describe('limits hold under parallel bursts (10x the limit)', () => {
  const ctx = useTestServer({
    OTP_RESEND_GAP_SECONDS: '60',
    OTP_DAILY_CAP: '50',
    OTP_SENDS_PER_IP_PER_HOUR: '4',
    OTP_MAX_ATTEMPTS: '3',
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
    LOGIN_MAX_FAILURES_PER_IP: '5',
    LOGIN_LOCKOUT_SECONDS: '30',
    RESET_REQUESTS_PER_HOUR: '2',
    CHECK_EMAIL_PER_IP_PER_HOUR: '3',
    BASIC_MAX_FAILURES_PER_IP: '5',
    SMS_SENDS_PER_PREFIX_PER_HOUR: '3',
    SMS_PREFIX_DIGITS: '9',
    VOUCHER_FILE,
  });
  const skipGap = (identifier: string) => ctx.server.clients.redis.del(`rl:send-gap:REGISTER:${identifier}`);

  it('when 30 logins to one account arrive at once (limit 3), the right password last, then at most 3 reach the password check', async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const user = await createUser(ctx);
      const limit = 3;
      const results = await burst(limit * TIMES + 1, (i) => login(ctx, user.username, i === limit * TIMES ? user.password : `Wrong-password-${i}`));
      assertOnly(results, [200, 422, 429]);
      assert.ok(count(results, 422, 200) <= limit, `trial ${trial}: ${count(results, 422)} wrong and ${count(results, 200)} right passwords were checked (limit ${limit})`);
      if (count(results, 200) === 0) assertError(await login(ctx, user.username, user.password), 429);
    }
  });

  it('when 50 wrong logins come from one address at once (limit 5), then at most 5 reach a password check', async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const ip = freshIp();
      const users = await Promise.all([createUser(ctx), createUser(ctx)]);
      const results = await burst(5 * TIMES, (i) => login(ctx, users[i % 2]!.username, `Wrong-password-${i}`, ip));
      assertOnly(results, [422, 429]);
      assert.ok(count(results, 422) <= 5, `trial ${trial}: ${count(results, 422)} password checks (limit 5)`);
    }
  });

  it('when 30 OTP guesses arrive at once (3 attempts), the right code last, then at most 3 are compared and the counter stays at 3', async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const s = await signUp(ctx, 'OTP');
      assert.equal(s.res.status, 201, JSON.stringify(s.res.body));
      const otp = await otpFor(ctx, s.phone);
      const wrong = (i: number) => String((Number(otp) + i + 1) % 1_000_000).padStart(6, '0');
      const n = 3 * TIMES;
      const results = await burst(n + 1, (i) =>
        ctx.api.post('/verify-sign-up').set('Authorization', `Bearer ${s.registrationToken}`).send({ otp: i === n ? otp : wrong(i) }),
      );
      assertOnly(results, [201, 400, 409, 429]);
      const compared = count(results, 400) + count(results, 201);
      assert.ok(compared <= 3, `trial ${trial}: ${count(results, 400)} wrong codes answered "Invalid OTP" and ${count(results, 201)} accounts created (3 attempts)`);
      const [rows] = await ctx.server.clients.db.sequelize.query('SELECT count(*)::int AS n FROM user_login WHERE username = :u', { replacements: { u: s.username } });
      assert.equal((rows as Array<{ n: number }>)[0]!.n, count(results, 201));
      if (count(results, 201) === 0) {
        const keys = await ctx.server.clients.redis.keys('reg:p:*');
        for (const key of keys) {
          const pending = await ctx.server.clients.redis.hgetall(key);
          if (pending.username === s.username) assert.ok(Number(pending.attempts) <= 3, `attempt counter ended at ${pending.attempts}`);
        }
      }
    }
  });

  it('when 10 resends of one code arrive at once (gap: 1 per 60 s), then one SMS at most goes out', async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const s = await signUp(ctx, 'OTP');
      assert.equal(s.res.status, 201);
      await skipGap(s.phone);
      const before = ctx.sms.messages.filter((m) => m.to === s.phone).length;
      const results = await burst(TIMES, () => ctx.api.post('/resend-otp').set('X-Forwarded-For', freshIp()).set('Authorization', `Bearer ${s.registrationToken}`).send({}));
      assertOnly(results, [200, 429]);
      assert.ok(count(results, 200) <= 1, `trial ${trial}: ${count(results, 200)} resends passed the gap`);
      assert.ok(ctx.sms.messages.filter((m) => m.to === s.phone).length - before <= 1);
    }
  });

  it('when 40 sign-ups come from one address at once (4 sends per hour), then at most 4 mails go out', async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const ip = freshIp();
      const results = await burst(4 * TIMES, () => signUp(ctx, 'LINK', { ip }));
      assertOnly(results.map((r) => r.res), [201, 429]);
      assert.ok(count(results.map((r) => r.res), 201) <= 4, `trial ${trial}: ${count(results.map((r) => r.res), 201)} sign-ups sent`);
    }
  });

  it('when 20 reset requests for one email arrive at once (2 per hour), then at most 2 are accepted', async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const user = await createUser(ctx);
      const byEmail = await burst(2 * TIMES, () => ctx.api.post('/request-reset-pwd').set('X-Forwarded-For', freshIp()).send({ email: user.email }));
      assertOnly(byEmail, [200, 429]);
      assert.ok(count(byEmail, 200) <= 2, `trial ${trial}: ${count(byEmail, 200)} reset requests for one email`);
      const ip = freshIp();
      const byIp = await burst(2 * TIMES, () => ctx.api.post('/request-reset-pwd').set('X-Forwarded-For', ip).send({ email: `${uniqueName('r')}@example.test` }));
      assertOnly(byIp, [200, 429]);
      assert.ok(count(byIp, 200) <= 2, `trial ${trial}: ${count(byIp, 200)} reset requests from one address`);
    }
  });

  it('when 30 /check/email lookups come from one address at once (3 per hour), then at most 3 are answered', async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const ip = freshIp();
      const user = await createUser(ctx);
      const results = await burst(3 * TIMES, (i) =>
        ctx.api.post('/check/email').set('X-Forwarded-For', ip).send({ email: i % 2 ? user.email : `${uniqueName('c')}@example.test` }),
      );
      assertOnly(results, [200, 409, 429]);
      assert.ok(count(results, 200, 409) <= 3, `trial ${trial}: ${count(results, 200, 409)} lookups answered`);
    }
  });

  it('when one user redeems a 3-per-user voucher 30 times at once, then exactly 3 redemptions are recorded', async () => {
    const service = await createServiceCredentials(ctx);
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const user = await createUser(ctx);
      const results = await burst(3 * TIMES, () => ctx.api.post('/redeem-voucher').set('Authorization', service.auth).send({ username: user.username, voucher_code: `BURST3_${RUN}` }));
      assertOnly(results, [200, 201, 409]);
      assert.equal(count(results, 200, 201), 3);
      const [rows] = await ctx.server.clients.db.sequelize.query('SELECT count(*)::int AS n FROM voucher_redemption WHERE username = :u', { replacements: { u: user.username } });
      assert.equal((rows as Array<{ n: number }>)[0]!.n, 3);
    }
  });

  it('when 50 bad Basic credentials come from one address at once (limit 5), then at most 5 are checked and the rest get 429', async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      // A fresh holder each trial: a key verified once is remembered and then answers without any check.
      const service = await createServiceCredentials(ctx);
      const ip = freshIp();
      const results = await burst(5 * TIMES, (i) =>
        ctx.api.get('/sys/whoami').set('X-Forwarded-For', ip).set('Authorization', i % 2 ? basic(service.holder, `wrong-${i}`) : basic(uniqueName('ghost'), `wrong-${i}`)),
      );
      assertOnly(results, [401, 429]);
      assert.ok(count(results, 401) <= 5, `trial ${trial}: ${count(results, 401)} bad credentials checked (limit 5)`);
      assertError(await ctx.api.get('/sys/whoami').set('X-Forwarded-For', ip).set('Authorization', service.auth), 429);
      assert.equal((await ctx.api.get('/sys/whoami').set('X-Forwarded-For', freshIp()).set('Authorization', service.auth)).status, 200, 'another address is not affected');
    }
  });

  it('when a busy caller sends 50 requests with its right key at once (cold cache, limit 5 failures), then all 50 pass', async () => {
    const service = await createServiceCredentials(ctx);
    const ip = freshIp();
    const results = await burst(5 * TIMES, () => ctx.api.get('/sys/whoami').set('X-Forwarded-For', ip).set('Authorization', service.auth));
    assert.equal(count(results, 200), 5 * TIMES, results.map((r) => r.status).join(','));
  });

  it('when 30 OTP sign-ups to numbers of one prefix arrive at once from many addresses (3 SMS per prefix per hour), then at most 3 SMS go out', async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const prefix = `628${String(randomInt(0, 1e6)).padStart(6, '0')}`;
      const results = await burst(3 * TIMES, (i) => signUp(ctx, 'OTP', { phone: `${prefix}${String(i).padStart(4, '0')}` }));
      assertOnly(results.map((r) => r.res), [201, 429]);
      const sent = ctx.sms.messages.filter((m) => m.to.startsWith(prefix)).length;
      assert.ok(sent <= 3, `trial ${trial}: ${sent} SMS to ${prefix}*`);
      assert.ok(count(results.map((r) => r.res), 201) <= 3);
      const other = await signUp(ctx, 'OTP', { phone: freshPhone() });
      assert.equal(other.res.status, 201, 'another prefix is not affected');
    }
  });

  it('when 20 sign-ups probe a registered email from one address at once (budget 3, shared with /check/email), then at most 3 answer 409 and no mail goes out', async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const user = await createUser(ctx);
      const ip = freshIp();
      const results = await burst(2 * TIMES, () => signUp(ctx, 'LINK', { ip, email: user.email }));
      assertOnly(results.map((r) => r.res), [409, 429]);
      assert.ok(count(results.map((r) => r.res), 409) <= 3, `trial ${trial}: ${count(results.map((r) => r.res), 409)} answers said "Email is already registered" (budget 3)`);
      assert.equal(ctx.smtp.messages.filter((m) => m.to.includes(user.email)).length, 0);
    }
  });

  it('when 20 signed-in POST /user/email probe a registered email from one address at once (budget 3, shared with /check/email), then at most 3 answer 409', async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const owner = await createUser(ctx);
      // {email} alone binds an address to an account without a confirmed one; {new_email, password} changes one.
      const binder = await createUser(ctx, { emailVerified: false });
      const changer = await createUser(ctx);
      for (const [prober, body] of [
        [binder, { email: owner.email }],
        [changer, { new_email: owner.email, password: changer.password }],
      ] as const) {
        const ip = freshIp();
        const results = await burst(2 * TIMES, () => ctx.api.post('/user/email').set('Authorization', prober.auth).set('X-Forwarded-For', ip).send(body));
        assertOnly(results, [409, 429]);
        assert.ok(count(results, 409) <= 3, `trial ${trial}: ${count(results, 409)} answers said "Email is already registered" (budget 3)`);
      }
    }
  });

  it('sign-up answers and /check/email draw from one per-address budget, counted before the conflict check', async () => {
    const ip = freshIp();
    const user = await createUser(ctx);
    for (let i = 0; i < 3; i += 1) {
      const res = await ctx.api.post('/check/email').set('X-Forwarded-For', ip).send({ email: `${uniqueName('c')}@example.test` });
      assert.equal(res.status, 200);
    }
    const probe = await signUp(ctx, 'LINK', { ip, email: user.email });
    assertError(probe.res, 429);
    assert.ok(Number(probe.res.headers['retry-after']) >= 1);
  });

  it('POST /check/email answers 409 "Email is already registered" for a registered email and 200 for a free one, both with `registered`', async () => {
    const ip = freshIp();
    const user = await createUser(ctx);
    const taken = await ctx.api.post('/check/email').set('X-Forwarded-For', ip).send({ email: user.email.toUpperCase() });
    assertError(taken, 409, 'Email is already registered', 'EMAIL_ALREADY_REGISTERED');
    assert.equal(taken.body.registered, true);
    const free = await ctx.api.post('/check/email').set('X-Forwarded-For', ip).send({ email: `${uniqueName('free')}@example.test` });
    assert.equal(free.status, 200);
    assert.equal(free.body.status, true);
    assert.equal(free.body.registered, false);
  });

  it('per-address limits key IPv6 clients by their /64: failed logins from many addresses of one /64 lock that /64 only', async () => {
    const prefix = freshIpv6Prefix();
    for (let i = 0; i < 5; i += 1) assertError(await login(ctx, uniqueName('v6'), 'Wrong-password-1', `${prefix}::${(i + 1).toString(16)}`), 422);
    const user = await createUser(ctx);
    assertError(await login(ctx, user.username, user.password, `${prefix}:ffff:1:2:3`), 429);
    assert.equal((await login(ctx, user.username, user.password, `${freshIpv6Prefix()}::1`)).status, 200, 'another /64 is not affected');
  });

  it('per-address limits key IPv6 clients by their /64: a burst spread over one /64 is limited like one address', async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const prefix = freshIpv6Prefix();
      const results = await burst(3 * TIMES, (i) =>
        ctx.api.post('/check/email').set('X-Forwarded-For', `${prefix}:${randomInt(1, 0xffff).toString(16)}::${(i + 1).toString(16)}`).send({ email: `${uniqueName('c')}@example.test` }),
      );
      assertOnly(results, [200, 429]);
      assert.ok(count(results, 200) <= 3, `trial ${trial}: ${count(results, 200)} lookups from one /64`);
    }
  });
});

describe('daily send cap under a burst (no resend gap)', () => {
  const ctx = useTestServer({ OTP_RESEND_GAP_SECONDS: '0', OTP_DAILY_CAP: '3', OTP_SENDS_PER_IP_PER_HOUR: '1000' });

  it('when 30 resends of one sign-up arrive at once (3 sends per day), then at most 3 mails go out in all', async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const s = await signUp(ctx, 'LINK');
      assert.equal(s.res.status, 201);
      const results = await burst(3 * TIMES, () => ctx.api.post('/resend-otp').set('X-Forwarded-For', freshIp()).set('Authorization', `Bearer ${s.registrationToken}`).send({}));
      assertOnly(results, [200, 429]);
      assert.ok(count(results, 200) <= 2, `trial ${trial}: ${count(results, 200)} resends after the first send (cap 3)`);
      const row = await ctx.server.clients.db.models.OtpTracker.findOne({ where: { identifier: s.email, otp_type: 'REGISTER' }, raw: true });
      assert.ok((row?.count ?? 0) <= 3);
    }
  });
});
