import { timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Config } from '../../config/index.js';
import { AppError } from '../errors/app-error.js';
import { maskPhoneNumber, normalizePhoneNumber, type SmsSender } from '../integrations/sms.js';
import type { Models } from '../models/index.js';
import type { HashingCenter } from '../utilities/hashing-center.js';
import type { Logger } from '../utilities/logger.js';
import { assertPasswordGuess, newOpaqueToken } from './password.service.js';
import type { RateLimitService } from './rate-limit.service.js';
import { hashOtp, newOtp, RESERVE_OTP_ATTEMPT } from './registration.service.js';
import type { ClientInfo, SecurityActivityService } from './security-activity.service.js';

export type PhoneChangeService = ReturnType<typeof createPhoneChangeService>;

/** Takes the pending change (KEYS[1]) if its code is still ARGV[1]: answers the new number, or false. One winner. */
const CLAIM_CODE = `if redis.call('hget', KEYS[1], 'otp_hash') == ARGV[1] then
  local phone = redis.call('hget', KEYS[1], 'phone')
  redis.call('del', KEYS[1])
  return phone
end
return false`;


/**
 * Changing the phone number of a signed-in account: POST /user/phone {new_phone, password} takes the password (a
 * guess against the login lockout), normalizes the number as sign-up does, refuses a number another account holds
 * (409, within the same per-address lookup budget as POST /check/email) and texts a code to the new number within
 * the sign-up send limits (resend gap, per-address and per-prefix hourly caps, daily cap per number).
 * POST /user/phone/verify {otp} applies it. The code follows the sign-up rules: an HMAC in Redis for
 * REGISTRATION_TTL_SECONDS, OTP_MAX_ATTEMPTS wrong attempts (each reserved atomically before the compare), then it
 * is burned; a new request replaces it. The change is recorded as phone_changed (notice by mail and push, money
 * cooling-off).
 */
export function createPhoneChangeService(deps: {
  config: Config;
  redis: Redis;
  sequelize: Sequelize;
  models: Models;
  hashing: HashingCenter;
  limits: RateLimitService;
  sms: SmsSender;
  activity: SecurityActivityService;
  logger: Logger;
}) {
  const { config, redis, sequelize, models, limits, sms, activity, logger } = deps;
  const ttl = config.auth.registrationTtlSeconds;
  const maxAttempts = config.limits.otpMaxAttempts;
  const pendingKey = (username: string) => `phonechg:${username}`;
  const codeHash = (username: string, phone: string, nonce: string, otp: string) => hashOtp(config.auth.secret, `phone-change:${username}:${phone}:${nonce}`, otp);

  /** Another account holds this (normalized) number. */
  async function isTakenElsewhere(phone: string, username: string, transaction?: Transaction): Promise<boolean> {
    const rows = await sequelize.query(`SELECT 1 FROM user_info WHERE phone_number = :phone AND username <> :username LIMIT 1`, {
      replacements: { phone, username },
      type: QueryTypes.SELECT,
      ...(transaction ? { transaction } : {}),
    });
    return rows.length > 0;
  }

  function normalize(raw: string): string {
    try {
      return normalizePhoneNumber(raw);
    } catch {
      throw new AppError('PHONE_FORMAT_INVALID', undefined, { errors: [{ field: 'new_phone', message: 'must be an Indonesian number, e.g. 628123456789' }] });
    }
  }

  return {
    /** POST /user/phone: texts a code to the new number; nothing changes until it is verified. */
    async requestChange(username: string, rawPhone: string, password: string, client: ClientInfo & { ip: string }): Promise<{ expires_in: number }> {
      const phone = normalize(rawPhone);
      const login = await models.UserLogin.findByPk(username, { attributes: ['username', 'pwd'], raw: true });
      const info = await models.UserInfo.findOne({ where: { username }, attributes: ['phone_number'], raw: true });
      if (!login || !info) throw new AppError('USER_NOT_FOUND');
      await assertPasswordGuess(deps, login, password, client.ip);
      if (info.phone_number === phone) throw new AppError('PHONE_ALREADY_ON_ACCOUNT');
      // Its 409 tells a registered number from a free one: it spends the per-address lookup budget first.
      await limits.consumeEmailCheck(client.ip);
      if (await isTakenElsewhere(phone, username)) throw new AppError('PHONE_ALREADY_REGISTERED');
      await limits.consumeSend(phone, 'CHANGE_PHONE', client.ip);
      const nonce = newOpaqueToken();
      const otp = newOtp();
      const key = pendingKey(username);
      // A new request replaces the previous code (and its attempts).
      await redis
        .multi()
        .del(key)
        .hset(key, { phone, nonce, otp_hash: codeHash(username, phone, nonce, otp), attempts: '0' })
        .expire(key, ttl)
        .exec();
      try {
        const minutes = Math.round(ttl / 60);
        await sms.send(phone, `Your UserState code to make this your account's phone number is ${otp}. It is valid for ${minutes} minutes. Never share this code with anyone.`);
      } catch (error) {
        await redis.del(key);
        throw error;
      }
      await activity.record(username, 'phone_change_requested', client, { new_phone: maskPhoneNumber(phone) });
      return { expires_in: ttl };
    },

    /** POST /user/phone/verify: the code applies the change, once; wrong codes count towards burning it. */
    async verify(username: string, otp: string, client: ClientInfo = {}): Promise<{ phone_number: string }> {
      const key = pendingKey(username);
      const pending = await redis.hmget(key, 'phone', 'nonce');
      const [phone, nonce] = pending;
      if (!phone || !nonce) throw new AppError('PHONE_CHANGE_NOT_PENDING');
      const burned = async () =>
        new AppError('OTP_BURNED', undefined, { retryAfterSeconds: await limits.secondsUntilNextSend(phone, 'CHANGE_PHONE') });
      // The attempt is reserved (atomically, with the code it is for) before the code is compared.
      const [attempts, expectedHash] = (await redis.eval(RESERVE_OTP_ATTEMPT, 1, key, maxAttempts)) as [number, string];
      if (attempts === 0) throw await burned();
      const expected = Buffer.from(expectedHash, 'hex');
      const presented = Buffer.from(codeHash(username, phone, nonce, otp), 'hex');
      if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) {
        if (attempts >= maxAttempts) {
          await redis.hset(key, 'otp_hash', '');
          throw await burned();
        }
        throw new AppError('OTP_INVALID', undefined, { errors: [{ field: 'otp', message: `is wrong (${maxAttempts - attempts} attempt(s) left)` }] });
      }
      const claimed = (await redis.eval(CLAIM_CODE, 1, key, expectedHash)) as string | null;
      if (claimed !== phone) throw new AppError('PHONE_CHANGE_NOT_PENDING');

      const old = await sequelize.transaction(async (transaction) => {
        // One change to a number at a time: the check and the update below cannot interleave with another's.
        await sequelize.query(`SELECT pg_advisory_xact_lock(hashtext(:lock))`, { replacements: { lock: `phone-number:${phone}` }, transaction, type: QueryTypes.SELECT });
        if (await isTakenElsewhere(phone, username, transaction)) throw new AppError('PHONE_ALREADY_REGISTERED');
        const info = await models.UserInfo.findOne({ where: { username }, attributes: ['phone_number'], transaction, lock: transaction.LOCK.UPDATE });
        if (!info) throw new AppError('USER_NOT_FOUND');
        const previous = info.phone_number;
        await models.UserInfo.update({ phone_number: phone }, { where: { username }, transaction });
        return previous;
      });
      await activity.record(username, 'phone_changed', client, { old_phone: old ? maskPhoneNumber(old) : null, new_phone: maskPhoneNumber(phone) });
      logger.info(`phone number of ${username} changed`);
      return { phone_number: phone };
    },
  };
}
