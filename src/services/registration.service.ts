import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { QueryTypes, UniqueConstraintError, type Sequelize, type Transaction } from 'sequelize';
import type { Config } from '../../config/index.js';
import { AppError, ValidationError } from '../errors/app-error.js';
import { toLocale, type Locale } from '../i18n/locale.js';
import { t } from '../i18n/translate.js';
import type { Mailer } from '../integrations/mailer.js';
import { normalizePhoneNumber, type SmsSender } from '../integrations/sms.js';
import type { Models } from '../models/index.js';
import type { signUpBody } from '../schemas/auth.schema.js';
import type { Infer } from '../schemas/json-schema.js';
import { fingerprintUsername } from '../utilities/fingerprint.js';
import { generateReferralCode } from '../utilities/general.js';
import type { HashingCenter } from '../utilities/hashing-center.js';
import type { Logger } from '../utilities/logger.js';
import type { EmailVerificationService } from './email-verification.service.js';
import { assertPasswordPolicy, hashOpaqueToken, newOpaqueToken, OPAQUE_TOKEN_PATTERN } from './password.service.js';
import type { RateLimitService } from './rate-limit.service.js';

export type SignUpMode = 'LINK' | 'OTP';

export type SignUpInput = Infer<typeof signUpBody>;

/** A sign-up waiting for its OTP or link, as stored in Redis (hash fields are strings). */
interface PendingSignUp {
  username: string;
  email: string;
  full_name: string;
  phone_number: string;
  pwd: string;
  mode: SignUpMode;
  submitted_by: string;
  referral_code: string;
  otp_hash: string;
  attempts: string;
  link_hash: string;
  /** The language of the sign-up request (absent on sign-ups stored before it was kept: English). */
  locale?: string;
}

export type RegistrationService = ReturnType<typeof createRegistrationService>;

interface RegistrationDeps {
  config: Config;
  redis: Redis;
  sequelize: Sequelize;
  models: Models;
  hashing: HashingCenter;
  limits: RateLimitService;
  mailer: Mailer;
  sms: SmsSender;
  logger: Logger;
  emailVerification: EmailVerificationService;
}

/**
 * Takes one OTP attempt of a pending sign-up (KEYS[1]) if its code is live and fewer than ARGV[1] attempts were
 * taken: answers {attempt number, code hash}, or {0, ''} when the code is burned or gone.
 */
export const RESERVE_OTP_ATTEMPT = `local code = redis.call('hget', KEYS[1], 'otp_hash')
if not code or code == '' then return {0, ''} end
if tonumber(redis.call('hget', KEYS[1], 'attempts') or '0') >= tonumber(ARGV[1]) then return {0, ''} end
return {redis.call('hincrby', KEYS[1], 'attempts', 1), code}`;
/** A fresh 6-digit code. */
export const newOtp = () => String(randomInt(0, 1_000_000)).padStart(6, '0');
/** The stored form of an OTP: an HMAC (SECRET_AUTH_CONFIG) bound to what it is for (`id`). */
export const hashOtp = (secret: string, id: string, otp: string) => createHmac('sha256', secret).update(`${id}:${otp}`).digest('hex');
const COMPARE_AND_DELETE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Sign-up as in the seed: the account waits in Redis (TTL REGISTRATION_TTL_SECONDS) until its OTP (SMS) or link
 * (email) is confirmed, then user_login, user_info, user_balance and the referral row are created in one
 * transaction. Only hashes are stored: the password (bcrypt/argon2), the registration and link tokens (SHA-256)
 * and the OTP (HMAC with SECRET_AUTH_CONFIG). The username is reserved with SET NX for the TTL, so two pending
 * sign-ups cannot claim it. The email is not: an unproved address reserves nothing (email-verification.service.ts),
 * so several pending sign-ups may name it and only its owner can confirm the mailed link. A confirmed LINK sign-up
 * binds its address (taking it from accounts that hold it unproved); an OTP sign-up proves only the phone, so its
 * account starts with the address unproved and is mailed a link to confirm it.
 */
export function createRegistrationService(deps: RegistrationDeps) {
  const { config, redis, sequelize, models, hashing, limits, mailer, sms, logger, emailVerification } = deps;
  const ttl = config.auth.registrationTtlSeconds;
  const pendingKey = (id: string) => `reg:p:${id}`;
  const linkKey = (hash: string) => `reg:l:${hash}`;
  const usernameKey = (username: string) => `reg:u:${username}`;
  const claimKey = (id: string) => `reg:claim:${id}`;
  const doneKey = (hash: string) => `reg:done:${hash}`;
  const otpHash = (id: string, otp: string) => hashOtp(config.auth.secret, id, otp);

  async function readPending(id: string): Promise<PendingSignUp | null> {
    const data = await redis.hgetall(pendingKey(id));
    return data.username ? (data as unknown as PendingSignUp) : null;
  }

  async function release(key: string, id: string): Promise<void> {
    await redis.eval(COMPARE_AND_DELETE, 1, key, id);
  }

  async function discardPending(id: string, pending: Pick<PendingSignUp, 'username' | 'link_hash'>): Promise<void> {
    await redis.del(pendingKey(id));
    if (pending.link_hash) await redis.del(linkKey(pending.link_hash));
    await release(usernameKey(pending.username), id);
  }

  /**
   * SET NX the reservation. When someone holds it, it can be taken over only if their sign-up is gone (stale) or
   * is the same person starting over (same username, email and password): then the holder's id is returned and the
   * caller discards that pending sign-up once the new one is allowed (send limits passed).
   */
  async function reserve(key: string, id: string, input: { username: string; email: string; password: string }, conflict: 'USERNAME_TAKEN' | 'EMAIL_ALREADY_REGISTERED'): Promise<string | null> {
    if ((await redis.set(key, id, 'EX', ttl, 'NX')) === 'OK') return null;
    const holder = await redis.get(key);
    const held = holder ? await readPending(holder) : null;
    if (holder && held) {
      const sameSignUp = held.username === input.username && held.email === input.email && (await hashing.verifyPassword(input.password, held.pwd));
      if (!sameSignUp) throw new AppError(conflict);
      return holder;
    }
    if ((await redis.set(key, id, 'EX', ttl, 'NX')) !== 'OK') throw new AppError(conflict);
    return null;
  }

  /** An account proved this address (unproved ones reserve nothing). */
  async function emailTaken(email: string): Promise<boolean> {
    return emailVerification.isProvedElsewhere(email, '');
  }

  async function sendOtp(phone: string, otp: string, locale: Locale): Promise<void> {
    const minutes = Math.round(ttl / 60);
    await sms.send(phone, t(locale, 'Your UserState verification code is {otp}. It is valid for {minutes} minutes. Never share this code with anyone.', { otp, minutes }));
  }

  async function sendLink(email: string, fullName: string, linkToken: string, locale: Locale): Promise<void> {
    const link = `${config.server.publicUrl}/verify-sign-up?token=${linkToken}`;
    const hours = Math.max(1, Math.round(ttl / 3600));
    const hello = (name: string) => t(locale, 'Hello {name},', { name });
    const intro = t(locale, 'Thank you for signing up for UserState. Open this link within {hours} hour(s) and press "Confirm my account":', { hours });
    const ignore = t(locale, 'If you did not sign up, ignore this email and no account will be created.');
    await mailer.send({
      to: email,
      subject: t(locale, 'Confirm your UserState account'),
      text: [hello(fullName), '', intro, '', link, '', ignore].join('\n'),
      html: `<p>${hello(escapeHtml(fullName))}</p><p>${escapeHtml(intro)}</p><p><a href="${escapeHtml(link)}">${escapeHtml(t(locale, 'Confirm my account'))}</a></p><p>${escapeHtml(ignore)}</p>`,
    });
  }

  /** Sends a fresh OTP or link for the pending sign-up `id` and records its hash (resetting wrong attempts). */
  async function deliver(id: string, pending: Pick<PendingSignUp, 'mode' | 'phone_number' | 'email' | 'full_name' | 'link_hash' | 'locale'>): Promise<void> {
    const locale = toLocale(pending.locale);
    const remaining = Math.max(1, await redis.ttl(pendingKey(id)));
    if (pending.mode === 'OTP') {
      const otp = newOtp();
      await redis.hset(pendingKey(id), { otp_hash: otpHash(id, otp), attempts: '0' });
      await sendOtp(pending.phone_number, otp, locale);
      return;
    }
    const linkToken = newOpaqueToken();
    const hash = hashOpaqueToken(linkToken);
    await redis.multi().set(linkKey(hash), id, 'EX', remaining).hset(pendingKey(id), { link_hash: hash }).exec();
    if (pending.link_hash && pending.link_hash !== hash) await redis.del(linkKey(pending.link_hash));
    await sendLink(pending.email, pending.full_name, linkToken, locale);
  }

  /** Resolves a registration token (POST /signup's answer) or a mailed link token to its pending sign-up. */
  async function resolve(token: string): Promise<{ id: string; via: 'registration' | 'link'; pending: PendingSignUp }> {
    if (!OPAQUE_TOKEN_PATTERN.test(token)) throw new AppError('REGISTRATION_TOKEN_INVALID');
    const hash = hashOpaqueToken(token);
    const asRegistration = await readPending(hash);
    if (asRegistration) return { id: hash, via: 'registration', pending: asRegistration };
    const linked = await redis.get(linkKey(hash));
    const asLink = linked ? await readPending(linked) : null;
    if (linked && asLink) return { id: linked, via: 'link', pending: asLink };
    if (await redis.exists(doneKey(hash))) throw new AppError('ACCOUNT_ALREADY_VERIFIED');
    throw new AppError('REGISTRATION_TOKEN_INVALID');
  }

  function isReferralCodeViolation(error: unknown): boolean {
    return error instanceof UniqueConstraintError && (error.parent as { constraint?: string } | undefined)?.constraint === 'user_info_referral_code_key';
  }

  /** A LINK sign-up proved its address: accounts holding it unproved lose it, in the same transaction. */
  async function createAccount(pending: PendingSignUp): Promise<void> {
    const emailProved = pending.mode === 'LINK';
    await sequelize.transaction(async (t: Transaction) => {
      await models.UserLogin.create({ username: pending.username, pwd: pending.pwd }, { transaction: t });
      if (emailProved) await emailVerification.releaseUnproved(pending.email, pending.username, t);
      // Referral codes are random: on the rare collision, retry inside a savepoint so the transaction survives.
      for (let attempt = 1; ; attempt += 1) {
        try {
          await sequelize.transaction({ transaction: t }, async (savepoint) => {
            await models.UserInfo.create(
              {
                username: pending.username,
                full_name: pending.full_name,
                email: pending.email,
                email_verified: emailProved,
                phone_number: pending.phone_number || null,
                referral_code: generateReferralCode(pending.username),
                locale: toLocale(pending.locale),
              },
              { transaction: savepoint },
            );
          });
          break;
        } catch (error) {
          if (!isReferralCodeViolation(error) || attempt >= 8) throw error;
        }
      }
      await models.UserBalance.create({ username: pending.username }, { transaction: t });
      if (pending.submitted_by) {
        const referrer = await models.UserLogin.findByPk(pending.submitted_by, { attributes: ['username'], transaction: t });
        if (referrer) {
          await models.ReferralHistory.create(
            { username: pending.username, submitted_by: pending.submitted_by, referral_code: pending.referral_code, status: 'pending' },
            { transaction: t },
          );
        }
      }
    });
  }

  return {
    /** `locale` is the language of the request: the code or link goes out in it and the account keeps it. */
    async signUp(input: SignUpInput, ip: string, locale: Locale = 'en'): Promise<{ registration_token: string; mode: SignUpMode; expires_in: number }> {
      const username = input.username.toLowerCase();
      const email = input.email.trim().toLowerCase();
      let phone = '';
      if (input.mode === 'OTP' && !input.phone_number) {
        throw new AppError('PHONE_REQUIRED', undefined, { errors: [{ field: 'phone_number', message: 'is required for OTP sign-up' }] });
      }
      if (input.phone_number) {
        try {
          phone = normalizePhoneNumber(input.phone_number);
        } catch {
          throw new AppError('PHONE_FORMAT_INVALID', undefined, { errors: [{ field: 'phone_number', message: 'must be an Indonesian number, e.g. 628123456789' }] });
        }
      }
      assertPasswordPolicy(input.password, { username, email });

      let submittedBy = '';
      let referralCode = '';
      if (input.referral_code) {
        referralCode = input.referral_code.trim().toUpperCase();
        const referrer = await models.UserInfo.findOne({ where: { referral_code: referralCode }, attributes: ['username'], raw: true });
        if (!referrer) throw new AppError('REFERRAL_CODE_NOT_FOUND', undefined, { errors: [{ field: 'referral_code', message: 'does not exist' }] });
        submittedBy = referrer.username;
      }
      // Its 409 "Email is already registered" tells registered emails from free ones, like POST /check/email.
      await limits.consumeEmailCheck(ip);
      if (await models.UserLogin.findByPk(username, { attributes: ['username'], raw: true })) throw new AppError('USERNAME_TAKEN');
      // An erased account's username stays taken (against impersonation); only its fingerprint is kept.
      const erased = await sequelize.query('SELECT 1 FROM erased_username WHERE fingerprint = :fingerprint', {
        replacements: { fingerprint: fingerprintUsername(config.fingerprint.key, username) },
        type: QueryTypes.SELECT,
      });
      if (erased.length > 0) throw new AppError('USERNAME_TAKEN');
      if (await emailTaken(email)) throw new AppError('EMAIL_ALREADY_REGISTERED');

      const registrationToken = newOpaqueToken();
      const id = hashOpaqueToken(registrationToken);
      const identity = { username, email, password: input.password };
      const replaces = new Set<string>();
      const replacing = await reserve(usernameKey(username), id, identity, 'USERNAME_TAKEN');
      if (replacing) replaces.add(replacing);

      const pending: PendingSignUp = {
        username,
        email,
        full_name: input.full_name.trim(),
        phone_number: phone,
        pwd: '',
        mode: input.mode,
        submitted_by: submittedBy,
        referral_code: referralCode,
        otp_hash: '',
        attempts: '0',
        link_hash: '',
        locale,
      };
      try {
        await limits.consumeSend(input.mode === 'OTP' ? phone : email, 'REGISTER', ip);
        // The same person starting over: their previous pending sign-up (and its code or link) is dropped now.
        for (const oldId of replaces) {
          const old = await readPending(oldId);
          if (old) await discardPending(oldId, old);
        }
        await redis.set(usernameKey(username), id, 'EX', ttl);
        pending.pwd = await hashing.hashPassword(input.password);
        await redis.multi().hset(pendingKey(id), { ...pending }).expire(pendingKey(id), ttl).exec();
        await deliver(id, pending);
      } catch (error) {
        await discardPending(id, pending);
        throw error;
      }
      logger.info(`sign-up pending for ${username} (${input.mode})`);
      return { registration_token: registrationToken, mode: input.mode, expires_in: ttl };
    },

    /** Authenticates the registration-token route guard; throws 401 (unknown/expired) or 409 (already verified). */
    async authenticate(token: string): Promise<{ registrationId: string }> {
      const { id } = await resolve(token);
      return { registrationId: id };
    },

    /** POST /resend-otp: a new code or link for a pending sign-up, within the send limits. */
    async resend(token: string, ip: string): Promise<{ mode: SignUpMode; expires_in: number }> {
      const { id, pending } = await resolve(token);
      await limits.consumeSend(pending.mode === 'OTP' ? pending.phone_number : pending.email, 'REGISTER', ip);
      await deliver(id, pending);
      return { mode: pending.mode, expires_in: Math.max(0, await redis.ttl(pendingKey(id))) };
    },

    /**
     * POST /verify-sign-up. The registration token plus the OTP (OTP mode), or the mailed link token (LINK mode:
     * holding it proves the email). Creates the account once: a Redis claim serialises concurrent verifications
     * and the primary keys back it up; the loser gets 409.
     */
    async verify(token: string, otp: string | undefined): Promise<{ username: string }> {
      const { id, via, pending } = await resolve(token);
      if (via === 'registration') {
        if (pending.mode === 'LINK') throw new AppError('ACCOUNT_NOT_CONFIRMED');
        if (!otp) throw new ValidationError([{ field: 'otp', message: 'is required' }], 'OTP is required');
        const burnedError = async () =>
          new AppError('OTP_BURNED', undefined, { retryAfterSeconds: await limits.secondsUntilNextSend(pending.phone_number, 'REGISTER') });
        // The attempt is reserved (atomically, with the code it is for) before the code is compared.
        const [attempts, codeHash] = (await redis.eval(RESERVE_OTP_ATTEMPT, 1, pendingKey(id), config.limits.otpMaxAttempts)) as [number, string];
        if (attempts === 0) throw await burnedError();
        const expected = Buffer.from(codeHash, 'hex');
        const presented = Buffer.from(otpHash(id, otp), 'hex');
        if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) {
          if (attempts >= config.limits.otpMaxAttempts) {
            await redis.hset(pendingKey(id), 'otp_hash', '');
            throw await burnedError();
          }
          throw new AppError('OTP_INVALID', undefined, {
            errors: [{ field: 'otp', message: `is wrong (${config.limits.otpMaxAttempts - attempts} attempt(s) left)` }],
          });
        }
      }

      if ((await redis.set(claimKey(id), '1', 'EX', 30, 'NX')) !== 'OK') throw new AppError('SIGN_UP_IN_PROGRESS');
      try {
        const current = await readPending(id);
        if (!current) throw new AppError('ACCOUNT_ALREADY_VERIFIED');
        try {
          await createAccount(current);
        } catch (error) {
          if (error instanceof UniqueConstraintError) {
            const constraint = (error.parent as { constraint?: string } | undefined)?.constraint ?? '';
            throw new AppError(constraint.includes('email') ? 'EMAIL_ALREADY_REGISTERED' : 'USERNAME_TAKEN');
          }
          throw error;
        }
        await discardPending(id, current);
        const markers = redis.multi().set(doneKey(id), current.username, 'EX', 3600);
        if (current.link_hash) markers.set(doneKey(current.link_hash), current.username, 'EX', 3600);
        await markers.exec();
        logger.info(`sign-up verified: account ${current.username} created`);
        if (current.mode === 'OTP' && !(await emailTaken(current.email))) {
          // The phone is proved, the address is not: mail it a link. A failed mail does not undo the account
          // (POST /user/email sends another).
          await emailVerification.sendConfirmation(current.username, current.email).catch((error: unknown) => {
            logger.warn(`email confirmation mail for ${current.username} failed`, { reason: (error as Error).message });
          });
        }
        return { username: current.username };
      } finally {
        await redis.del(claimKey(id));
      }
    },

    /** Whether a token opens a pending sign-up (for the GET /verify-sign-up page); never consumes anything. */
    async isLinkUsable(token: string): Promise<boolean> {
      try {
        await resolve(token);
        return true;
      } catch {
        return false;
      }
    },

    /** Login on a pending sign-up: its mode and password hash when `identifier` is its username (its email is unproved). */
    async findPending(identifier: string): Promise<{ mode: SignUpMode; pwd: string } | null> {
      const lowered = identifier.trim().toLowerCase();
      const id = await redis.get(usernameKey(lowered));
      const pending = id ? await readPending(id) : null;
      return pending ? { mode: pending.mode, pwd: pending.pwd } : null;
    },

    /**
     * Account erasure: discards every pending sign-up that carries this email or phone number (they are personal
     * data of the erased person). Pending sign-ups live at most REGISTRATION_TTL_SECONDS, so the scan is short.
     */
    async discardPendingOf(identity: { email: string | null; phone: string | null }): Promise<number> {
      const email = identity.email?.toLowerCase() ?? null;
      let discarded = 0;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pendingKey('*'), 'COUNT', 500);
        cursor = next;
        for (const key of keys) {
          const id = key.slice(pendingKey('').length);
          const pending = await readPending(id);
          if (!pending) continue;
          if ((email && pending.email.toLowerCase() === email) || (identity.phone && pending.phone_number === identity.phone)) {
            await discardPending(id, pending);
            discarded += 1;
          }
        }
      } while (cursor !== '0');
      return discarded;
    },

    /** POST /check/email: an account proved this email (unproved and pending addresses reserve nothing). Capped per IP (an enumeration oracle). */
    async isEmailRegistered(email: string, ip: string): Promise<boolean> {
      await limits.consumeEmailCheck(ip);
      return emailTaken(email.trim().toLowerCase());
    },
  };
}
