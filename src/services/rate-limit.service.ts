import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Config } from '../../config/index.js';
import { ServiceUnavailableError, TooManyRequestsError } from '../errors/app-error.js';

/** What a send is for; the otp_tracker `otp_type` column. */
export type SendPurpose = 'REGISTER' | 'RESET_PWD';

export type RateLimitService = ReturnType<typeof createRateLimitService>;

/** Seconds until the next UTC midnight (when otp_tracker starts a new day). */
function secondsUntilNextUtcDay(now = new Date()): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

const retryAfter = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

/**
 * Every limit of the auth flows, shared by all instances because the counters live in Redis
 * (rate-limiter-flexible's RateLimiterRedis on the app's ioredis client) and, for the daily send cap, in
 * PostgreSQL's otp_tracker (durable: a Redis flush does not reset a day's sends). Each refusal is a 429 with
 * Retry-After. If Redis is down the limits fail closed with 503 instead of letting floods through.
 */
export function createRateLimitService(deps: { redis: Redis; limits: Config['limits']; sequelize: Sequelize }) {
  const { redis, limits, sequelize } = deps;
  const limiter = (keyPrefix: string, points: number, duration: number) =>
    new RateLimiterRedis({ storeClient: redis, keyPrefix: `rl:${keyPrefix}`, points, duration });

  const sendGap = limits.otpResendGapSeconds > 0 ? limiter('send-gap', 1, limits.otpResendGapSeconds) : null;
  const sendPerIp = limiter('send-ip', limits.otpSendsPerIpPerHour, 3600);
  const loginPerAccount = limiter('login-account', limits.loginMaxFailuresPerAccount, limits.loginLockoutSeconds);
  const loginPerIp = limiter('login-ip', limits.loginMaxFailuresPerIp, limits.loginLockoutSeconds);
  const resetPerEmail = limiter('reset-email', limits.resetRequestsPerHour, 3600);
  const resetPerIp = limiter('reset-ip', limits.resetRequestsPerHour, 3600);
  const checkEmailPerIp = limiter('check-email-ip', limits.checkEmailPerIpPerHour, 3600);

  /** consume() resolves, or rejects with a RateLimiterRes (limit hit) or an Error (Redis trouble). */
  async function consume(rl: RateLimiterRedis, key: string, message: string): Promise<void> {
    try {
      await rl.consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw new TooManyRequestsError(retryAfter(error), message);
      throw new ServiceUnavailableError('Rate limit store is unavailable, please retry shortly', 5);
    }
  }

  async function refund(rl: RateLimiterRedis | null, key: string): Promise<void> {
    await rl?.reward(key, 1).catch(() => undefined);
  }

  async function blockedFor(rl: RateLimiterRedis, key: string): Promise<number> {
    let res: RateLimiterRes | null;
    try {
      res = await rl.get(key);
    } catch {
      throw new ServiceUnavailableError('Rate limit store is unavailable, please retry shortly', 5);
    }
    return res && res.consumedPoints >= rl.points ? retryAfter(res) : 0;
  }

  /** Durable daily count: one conditional upsert, so concurrent sends on any instance never pass the cap. */
  async function countDailySend(identifier: string, purpose: SendPurpose): Promise<boolean> {
    const day = new Date().toISOString().slice(0, 10);
    const rows = await sequelize.query<{ count: number }>(
      `INSERT INTO otp_tracker (identifier, otp_type, count, day, last_request)
       VALUES (:identifier, :purpose, 1, :day, now())
       ON CONFLICT (identifier, otp_type, day)
       DO UPDATE SET count = otp_tracker.count + 1, last_request = now() WHERE otp_tracker.count < :cap
       RETURNING count`,
      { replacements: { identifier, purpose, day, cap: limits.otpDailyCap }, type: QueryTypes.SELECT },
    );
    return rows.length > 0;
  }

  return {
    /**
     * Before an OTP or link goes out to `identifier` (email or phone) from `ip`: the resend gap and the per-IP
     * hourly cap (Redis), then the daily cap per identifier (otp_tracker). A refusal refunds what was taken.
     */
    async consumeSend(identifier: string, purpose: SendPurpose, ip: string): Promise<void> {
      const id = `${purpose}:${identifier.toLowerCase()}`;
      if (sendGap) await consume(sendGap, id, `Please wait before requesting another code or link`);
      try {
        await consume(sendPerIp, ip, 'Too many codes or links requested from this network, try again later');
      } catch (error) {
        await refund(sendGap, id);
        throw error;
      }
      if (!(await countDailySend(identifier.toLowerCase(), purpose))) {
        await refund(sendGap, id);
        await refund(sendPerIp, ip);
        throw new TooManyRequestsError(secondsUntilNextUtcDay(), 'Daily limit of codes or links for this address reached, try again tomorrow');
      }
    },

    /** Seconds until another send to this identifier is allowed by the gap (0 when allowed now). */
    async secondsUntilNextSend(identifier: string, purpose: SendPurpose): Promise<number> {
      if (!sendGap) return 0;
      return blockedFor(sendGap, `${purpose}:${identifier.toLowerCase()}`);
    },

    /** 429 while the account (or unknown identifier) or the IP is locked out after failed logins. */
    async assertLoginAllowed(accountKey: string, ip: string): Promise<void> {
      const [account, network] = await Promise.all([blockedFor(loginPerAccount, accountKey), blockedFor(loginPerIp, ip)]);
      const wait = Math.max(account, network);
      if (wait > 0) throw new TooManyRequestsError(wait, 'Too many failed login attempts, try again later');
    },

    /** Counts one failed login; reaching a limit locks for LOGIN_LOCKOUT_SECONDS from now. */
    async recordLoginFailure(accountKey: string, ip: string): Promise<void> {
      for (const [rl, key] of [
        [loginPerAccount, accountKey],
        [loginPerIp, ip],
      ] as const) {
        try {
          const res = await rl.consume(key);
          if (res.consumedPoints >= rl.points) await rl.block(key, limits.loginLockoutSeconds);
        } catch (error) {
          if (!(error instanceof RateLimiterRes)) throw new ServiceUnavailableError('Rate limit store is unavailable, please retry shortly', 5);
        }
      }
    },

    /** A successful login (or a password reset) clears the account's failures. */
    async clearLoginFailures(accountKey: string): Promise<void> {
      await loginPerAccount.delete(accountKey).catch(() => undefined);
    },

    /** POST /request-reset-pwd: per email and per IP per hour, the same whether or not the email is registered. */
    async consumeResetRequest(email: string, ip: string): Promise<void> {
      await consume(resetPerIp, ip, 'Too many password reset requests, try again later');
      try {
        await consume(resetPerEmail, email.toLowerCase(), 'Too many password reset requests, try again later');
      } catch (error) {
        await refund(resetPerIp, ip);
        throw error;
      }
    },

    /** POST /check/email tells whether an email is registered: an enumeration oracle, so it is capped per IP. */
    async consumeEmailCheck(ip: string): Promise<void> {
      await consume(checkEmailPerIp, ip, 'Too many email checks from this network, try again later');
    },

    /** Records a send that is not capped by the sign-up limits (reset mails) in otp_tracker, for the record. */
    async recordSend(identifier: string, purpose: SendPurpose): Promise<void> {
      await countDailySend(identifier.toLowerCase(), purpose);
    },
  };
}
