import { isIP } from 'node:net';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Config } from '../../config/index.js';
import type { ErrorCode } from '../errors/error-codes.js';
import { AppError, ServiceUnavailableError } from '../errors/app-error.js';
import type { Metrics } from './metrics.service.js';

/** What a send is for; the otp_tracker `otp_type` column. */
export type SendPurpose = 'REGISTER' | 'RESET_PWD' | 'CHANGE_EMAIL' | 'CHANGE_PHONE';

export type RateLimitService = ReturnType<typeof createRateLimitService>;

/** Seconds until the next UTC midnight (when otp_tracker starts a new day). */
function secondsUntilNextUtcDay(now = new Date()): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

const retryAfter = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

/**
 * The key of a client address in per-address limits: an IPv4 address as is (also when IPv4-mapped, ::ffff:a.b.c.d),
 * an IPv6 address by its /64, because one subscriber or host gets a whole /64 and can pick any address in it.
 */
export function addressKey(ip: string): string {
  const bare = ip.trim().toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(bare);
  if (mapped) return mapped[1]!;
  if (isIP(bare) !== 6) return bare;
  const [head = '', tail] = bare.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::a.b.c.d, 64:ff9b::a.b.c.d) fills two groups.
  const tailGroups = tailParts.reduce((n, part) => n + (part.includes('.') ? 2 : 1), 0);
  const groups = tail === undefined ? headParts : [...headParts, ...Array<string>(8 - headParts.length - tailGroups).fill('0'), ...tailParts];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/** A reserved attempt: its verdict settles what was taken (see reserveLoginAttempt). */
export interface ReservedAttempt {
  /** The secret was right: the account's failures are cleared and the address gets its point back. */
  succeeded(): Promise<void>;
  /** The secret was wrong: the points stay taken; the one that reached a limit starts the lockout (and says so). */
  failed(): Promise<{ accountLocked: boolean }>;
  /** No verdict (an error before the check finished): everything taken is given back. */
  abandon(): Promise<void>;
}

/**
 * Every limit of the auth flows, shared by all instances because the counters live in Redis
 * (rate-limiter-flexible's RateLimiterRedis on the app's ioredis client) and, for the daily send cap, in
 * PostgreSQL's otp_tracker (durable: a Redis flush does not reset a day's sends). Each refusal is a 429 with
 * Retry-After. If Redis is down the limits fail closed with 503 instead of letting floods through.
 *
 * Every limit is taken before the step it guards (consume first: one atomic increment in Redis, or one
 * conditional upsert in PostgreSQL) and given back where the rule says so, so a parallel burst can never get more
 * than the limit through. Per-address limits key IPv6 clients by their /64 (addressKey).
 */
export function createRateLimitService(deps: { redis: Redis; limits: Config['limits']; sequelize: Sequelize; metrics?: Pick<Metrics, 'lockouts'> }) {
  const { redis, limits, sequelize } = deps;
  const limiter = (keyPrefix: string, points: number, duration: number) =>
    new RateLimiterRedis({ storeClient: redis, keyPrefix: `rl:${keyPrefix}`, points, duration });

  const sendGap = limits.otpResendGapSeconds > 0 ? limiter('send-gap', 1, limits.otpResendGapSeconds) : null;
  const sendPerIp = limiter('send-ip', limits.otpSendsPerIpPerHour, 3600);
  const smsPerPrefix = limiter('sms-prefix', limits.smsSendsPerPrefixPerHour, 3600);
  const loginPerAccount = limiter('login-account', limits.loginMaxFailuresPerAccount, limits.loginLockoutSeconds);
  const loginPerIp = limiter('login-ip', limits.loginMaxFailuresPerIp, limits.loginLockoutSeconds);
  const basicPerIp = limiter('basic-ip', limits.basicMaxFailuresPerIp, limits.loginLockoutSeconds);
  const resetPerEmail = limiter('reset-email', limits.resetRequestsPerHour, 3600);
  const resetPerIp = limiter('reset-ip', limits.resetRequestsPerHour, 3600);
  const checkEmailPerIp = limiter('check-email-ip', limits.checkEmailPerIpPerHour, 3600);
  const exportPerUser = limiter('export-user', limits.exportsPerUserPerDay, 24 * 3600);

  const unavailable = () => new ServiceUnavailableError('Rate limit store is unavailable, please retry shortly', 5);

  /** Takes one point; resolves with the points now taken, or throws 429 (limit hit) or 503 (Redis trouble). */
  async function consume(rl: RateLimiterRedis, key: string, refusal: ErrorCode): Promise<number> {
    try {
      return (await rl.consume(key)).consumedPoints;
    } catch (error) {
      if (error instanceof RateLimiterRes) throw new AppError(refusal, undefined, { retryAfterSeconds: retryAfter(error) });
      throw unavailable();
    }
  }

  async function refund(rl: RateLimiterRedis | null, key: string): Promise<void> {
    await rl?.reward(key, 1).catch(() => undefined);
  }

  /** Takes one point of each limit in order; when one refuses, the points already taken are given back. */
  async function consumeAll(steps: Array<[RateLimiterRedis, string, ErrorCode]>): Promise<number[]> {
    const taken: number[] = [];
    for (const [rl, key, refusal] of steps) {
      try {
        taken.push(await consume(rl, key, refusal));
      } catch (error) {
        await Promise.all(steps.slice(0, taken.length).map(([done, doneKey]) => refund(done, doneKey)));
        throw error;
      }
    }
    return taken;
  }

  async function blockedFor(rl: RateLimiterRedis, key: string): Promise<number> {
    let res: RateLimiterRes | null;
    try {
      res = await rl.get(key);
    } catch {
      throw unavailable();
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

  /**
   * Reserves one failure per account and per address before a password is checked: a burst of N parallel guesses
   * gets at most the limit through to the hash, the rest are refused at once. The verdict settles it.
   */
  async function reserveLoginAttempt(accountKey: string, ip: string): Promise<ReservedAttempt> {
    const address = addressKey(ip);
    const [account = 0, network = 0] = await consumeAll([
      [loginPerAccount, accountKey, 'ACCOUNT_LOCKED'],
      [loginPerIp, address, 'ACCOUNT_LOCKED'],
    ]);
    return {
      async succeeded() {
        await loginPerAccount.delete(accountKey).catch(() => undefined);
        await refund(loginPerIp, address);
      },
      async failed() {
        // The reservation that reached a limit locks for LOGIN_LOCKOUT_SECONDS from now.
        const accountLocked = account >= loginPerAccount.points;
        try {
          if (accountLocked) {
            await loginPerAccount.block(accountKey, limits.loginLockoutSeconds);
            deps.metrics?.lockouts.inc({ scope: 'account' });
          }
          if (network >= loginPerIp.points) {
            await loginPerIp.block(address, limits.loginLockoutSeconds);
            deps.metrics?.lockouts.inc({ scope: 'network' });
          }
        } catch {
          throw unavailable();
        }
        return { accountLocked };
      },
      async abandon() {
        await Promise.all([refund(loginPerAccount, accountKey), refund(loginPerIp, address)]);
      },
    };
  }

  return {
    /**
     * Before an OTP or link goes out to `identifier` (email, or a normalized phone number for SMS) from `ip`: the
     * resend gap, the per-address hourly cap and, for SMS, the per-prefix hourly cap (Redis), then the daily cap
     * per identifier (otp_tracker). A refusal gives back what was taken.
     */
    async consumeSend(identifier: string, purpose: SendPurpose, ip: string): Promise<void> {
      const id = `${purpose}:${identifier.toLowerCase()}`;
      const steps: Array<[RateLimiterRedis, string, ErrorCode]> = [];
      if (sendGap) steps.push([sendGap, id, 'SEND_TOO_SOON']);
      steps.push([sendPerIp, addressKey(ip), 'SEND_LIMIT_NETWORK']);
      if (/^\d+$/.test(identifier)) {
        steps.push([smsPerPrefix, identifier.slice(0, limits.smsPrefixDigits), 'SEND_LIMIT_NUMBER_RANGE']);
      }
      await consumeAll(steps);
      if (!(await countDailySend(identifier.toLowerCase(), purpose))) {
        await Promise.all(steps.map(([rl, key]) => refund(rl, key)));
        throw new AppError('SEND_LIMIT_DAILY', undefined, { retryAfterSeconds: secondsUntilNextUtcDay() });
      }
    },

    /** Seconds until another send to this identifier is allowed by the gap (0 when allowed now). */
    async secondsUntilNextSend(identifier: string, purpose: SendPurpose): Promise<number> {
      if (!sendGap) return 0;
      return blockedFor(sendGap, `${purpose}:${identifier.toLowerCase()}`);
    },

    reserveLoginAttempt,

    /** A successful login (or a password reset) clears the account's failures. */
    async clearLoginFailures(accountKey: string): Promise<void> {
      await loginPerAccount.delete(accountKey).catch(() => undefined);
    },

    /**
     * Reserves one failed Basic (API key) attempt for the address before a key is looked up and hashed; a right key
     * gives it back. At BASIC_MAX_FAILURES_PER_IP the address gets 429 until the window ends.
     */
    async reserveBasicAttempt(ip: string): Promise<{ giveBack(): Promise<void> }> {
      const address = addressKey(ip);
      await consume(basicPerIp, address, 'API_KEY_LOCKED');
      return { giveBack: () => refund(basicPerIp, address) };
    },

    /** POST /request-reset-pwd: per email and per IP per hour, the same whether or not the email is registered. */
    async consumeResetRequest(email: string, ip: string): Promise<void> {
      await consumeAll([
        [resetPerIp, addressKey(ip), 'PASSWORD_RESET_LIMIT'],
        [resetPerEmail, email.toLowerCase(), 'PASSWORD_RESET_LIMIT'],
      ]);
    },

    /** GET /user/export: a few personal-data exports per user per day (each reads every table about the user). */
    async consumeExport(username: string): Promise<void> {
      await consume(exportPerUser, username, 'DATA_EXPORT_LIMIT');
    },

    /**
     * One answer that tells a registered email from a free one (POST /check/email, and POST /signup, whose 409
     * says the same): an enumeration oracle, so all of them share one budget per address, taken before the lookup.
     */

    async consumeEmailCheck(ip: string): Promise<void> {
      await consume(checkEmailPerIp, addressKey(ip), 'EMAIL_CHECK_LIMIT');
    },

    /** Records a send that is not capped by the sign-up limits (reset mails) in otp_tracker, for the record. */
    async recordSend(identifier: string, purpose: SendPurpose): Promise<void> {
      await countDailySend(identifier.toLowerCase(), purpose);
    },
  };
}
