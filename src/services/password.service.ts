import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Op, type Sequelize } from 'sequelize';
import type { Config } from '../../config/index.js';
import { AppError, ValidationError } from '../errors/app-error.js';
import type { Locale } from '../i18n/locale.js';
import { t } from '../i18n/translate.js';
import type { Mailer } from '../integrations/mailer.js';
import type { Models } from '../models/index.js';
import { BCRYPT_MAX_BYTES, type HashingCenter } from '../utilities/hashing-center.js';
import type { Logger } from '../utilities/logger.js';
import type { DeviceSessionService } from './device-session.service.js';
import type { ClientInfo, SecurityActivityService } from './security-activity.service.js';
import type { RateLimitService } from './rate-limit.service.js';
import type { TokenService } from './token.service.js';

export const PASSWORD_MIN_BYTES = 8;
export const PASSWORD_MAX_BYTES = BCRYPT_MAX_BYTES;

/** A random, opaque, URL-safe token (256 bits). Only its hash is ever stored. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of an opaque token: SHA-256 is enough for 256-bit random values (no guessing to slow down). */
export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Opaque tokens we hand out are 43 base64url characters; anything else is refused before touching Redis. */
export const OPAQUE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The password policy, shared by sign-up, reset and update. Lengths are counted in UTF-8 bytes because bcrypt
 * silently ignores everything after byte 72: longer passwords are refused rather than truncated.
 * Throws a 400 naming the rule that failed (message and errors[0].message).
 */
export function assertPasswordPolicy(password: string, context: { username?: string | undefined; email?: string | undefined }, field = 'password'): void {
  const bytes = Buffer.byteLength(password, 'utf8');
  const fail = (message: string) => {
    throw new ValidationError([{ field, message }], message);
  };
  if (bytes < PASSWORD_MIN_BYTES) fail(`Password must be at least ${PASSWORD_MIN_BYTES} bytes long`);
  if (bytes > PASSWORD_MAX_BYTES) fail(`Password must be at most ${PASSWORD_MAX_BYTES} bytes long (UTF-8; accented letters and emoji count as 2-4 bytes)`);
  const lowered = password.toLowerCase();
  if (context.username && lowered === context.username.toLowerCase()) fail('Password must not be the same as the username');
  if (context.email && lowered === context.email.toLowerCase()) fail('Password must not be the same as the email');
}

/**
 * A password given to confirm a signed-in change (email, phone): a guess like a login's, reserved against the same
 * lockout (per account and per address) before it is hashed. A wrong one answers 422 "Invalid Credential" and
 * stays counted.
 */
export async function assertPasswordGuess(
  deps: { limits: RateLimitService; hashing: HashingCenter },
  login: { username: string; pwd: string },
  password: string,
  ip: string,
): Promise<void> {
  const attempt = await deps.limits.reserveLoginAttempt(login.username, ip);
  let right: boolean;
  try {
    right = await deps.hashing.verifyPassword(password, login.pwd);
  } catch (error) {
    await attempt.abandon();
    throw error;
  }
  if (!right) {
    await attempt.failed();
    throw new AppError('INVALID_CREDENTIAL');
  }
  await attempt.succeeded();
}

export type PasswordService = ReturnType<typeof createPasswordService>;

interface PasswordDeps {
  config: Config;
  redis: Redis;
  sequelize: Sequelize;
  models: Models;
  hashing: HashingCenter;
  tokens: TokenService;
  limits: RateLimitService;
  mailer: Mailer;
  deviceSessions: DeviceSessionService;
  activity: SecurityActivityService;
  logger: Logger;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Reset by mailed link, and update while signed in. Both kill every existing token of the user. */
export function createPasswordService(deps: PasswordDeps) {
  const { config, redis, models, hashing, tokens, limits, mailer, deviceSessions, activity, logger } = deps;
  const resetKey = (hash: string) => `pwdreset:t:${hash}`;
  const userResetKey = (username: string) => `pwdreset:u:${username}`;

  /** Only a proved address: a reset link mailed to an unproved one would hand the account to whoever reads it. */
  async function findUserByEmail(email: string) {
    const user = await models.UserInfo.findOne({
      where: { [Op.and]: [deps.sequelize.where(deps.sequelize.fn('lower', deps.sequelize.col('email')), email.toLowerCase()), { email_verified: true }] },
      attributes: ['username', 'email'],
      raw: true,
    });
    return user?.email ? { username: user.username, email: user.email } : null;
  }

  /**
   * A link is bound to the password and the account as they were when it was mailed: a password change (update,
   * reset, any other path) or a deactivation after that kills it, whatever happened to its Redis record.
   */
  const passwordFingerprint = (pwd: string) => hashOpaqueToken(`reset-link:${pwd}`).slice(0, 32);
  const encodeReset = (username: string, pwd: string) => JSON.stringify({ u: username, p: passwordFingerprint(pwd) });

  async function sendResetMail(email: string, username: string, pwd: string, locale: Locale): Promise<void> {
    const token = newOpaqueToken();
    const hash = hashOpaqueToken(token);
    const ttl = config.auth.resetTokenTtlSeconds;
    // One live link per user: a new request forgets the previous link.
    const previous = await redis.getset(userResetKey(username), hash);
    await redis.multi().set(resetKey(hash), encodeReset(username, pwd), 'EX', ttl).expire(userResetKey(username), ttl).exec();
    if (previous && previous !== hash) await redis.del(resetKey(previous));
    const link = `${config.server.publicUrl}/reset-pwd?token=${token}`;
    const minutes = Math.round(ttl / 60);
    const hello = (name: string) => t(locale, 'Hello {name},', { name });
    const intro = t(
      locale,
      'Someone (hopefully you) asked to reset the password of your UserState account. Open this link within {minutes} minutes to choose a new password:',
      { minutes },
    );
    const once = t(locale, 'The link works once. If you did not ask for this, ignore this email: your password stays the same.');
    await mailer.send({
      to: email,
      subject: t(locale, 'Reset your UserState password'),
      text: [hello(username), '', intro, '', link, '', once].join('\n'),
      html: `<p>${hello(escapeHtml(username))}</p><p>${escapeHtml(intro)}</p><p><a href="${escapeHtml(link)}">${escapeHtml(t(locale, 'Reset my password'))}</a></p><p>${escapeHtml(once)}</p>`,
    });
    await limits.recordSend(email, 'RESET_PWD');
  }

  /**
   * Reads (without consuming) the user a reset token belongs to, or throws 401: also when the password changed or
   * the account was disabled since the link was mailed. `pwd` is the hash the new password may replace.
   */
  async function peekReset(token: string): Promise<{ hash: string; username: string; record: string; pwd: string }> {
    const invalid = () => new AppError('RESET_LINK_INVALID');
    if (!OPAQUE_TOKEN_PATTERN.test(token)) throw invalid();
    const hash = hashOpaqueToken(token);
    const record = await redis.get(resetKey(hash));
    let parsed: { u?: unknown; p?: unknown } = {};
    try {
      parsed = JSON.parse(record ?? 'null') as typeof parsed;
    } catch {
      throw invalid();
    }
    if (!record || typeof parsed?.u !== 'string' || typeof parsed.p !== 'string') throw invalid();
    const login = await models.UserLogin.findByPk(parsed.u, { attributes: ['pwd', 'disabled'], raw: true });
    if (!login || login.disabled || passwordFingerprint(login.pwd) !== parsed.p) throw invalid();
    return { hash, username: parsed.u, record, pwd: login.pwd };
  }

  /** Replaces the hash `expectedPwd` (when given, only if it is still the stored one and the account is enabled). */
  async function storeNewPassword(username: string, password: string, expectedPwd?: string): Promise<string> {
    const pwd = await hashing.hashPassword(password);
    const where = expectedPwd === undefined ? { username } : { username, pwd: expectedPwd, disabled: false };
    const [updated] = await models.UserLogin.update({ pwd }, { where });
    if (!updated) {
      if (expectedPwd !== undefined) throw new AppError('RESET_LINK_INVALID');
      throw new AppError('ACCOUNT_NOT_FOUND');
    }
    await tokens.invalidateUser(username);
    return pwd;
  }

  return {
    /**
     * Always answers the same, whatever the email: the lookup runs either way and the mail goes out in the
     * background, so neither the answer nor its timing says whether the address is registered.
     */
    /** The mail is in `locale`, the language of the request. */
    async requestReset(email: string, ip: string, locale: Locale = 'en'): Promise<void> {
      await limits.consumeResetRequest(email, ip);
      const user = await findUserByEmail(email);
      if (!user) return;
      const login = await models.UserLogin.findByPk(user.username, { attributes: ['disabled', 'pwd'], raw: true });
      if (!login || login.disabled) return;
      sendResetMail(user.email, user.username, login.pwd, locale).catch((error: unknown) => {
        logger.warn(`password reset mail for user ${user.username} failed`, { reason: (error as Error).message });
      });
    },

    /** Whether a reset link is still usable (for the GET /reset-pwd page); never consumes it. */
    async isResetTokenUsable(token: string): Promise<boolean> {
      try {
        await peekReset(token);
        return true;
      } catch {
        return false;
      }
    },

    /** Sets a new password with a mailed token: policy first, then the token is consumed atomically (single use). */
    async resetPassword(token: string, password: string, client: ClientInfo = {}): Promise<{ username: string }> {
      const { hash, username, record, pwd } = await peekReset(token);
      const info = await models.UserInfo.findOne({ where: { username }, attributes: ['email'], raw: true });
      assertPasswordPolicy(password, { username, email: info?.email ?? undefined });
      // GETDEL: of two concurrent resets with the same link, exactly one gets the record back.
      const owner = await redis.getdel(resetKey(hash));
      if (owner !== record) throw new AppError('RESET_LINK_INVALID');
      await redis.del(userResetKey(username));
      // Conditional on the hash the link was checked against: a change or deactivation meanwhile wins.
      await storeNewPassword(username, password, pwd);
      await limits.clearLoginFailures(username);
      await activity.record(username, 'password_reset', client);
      return { username };
    },

    /**
     * Signed-in change: the old password must match (422 "Invalid Credential" otherwise), the new one must pass the
     * policy and differ from the old. Every token and session dies; the answer carries a fresh token signed with the
     * new hash, in a new session on the caller's device.
     */
    async updatePassword(username: string, oldPassword: string, newPassword: string, caller: { ip: string; sid: string | null }) {
      const { ip } = caller;
      const login = await models.UserLogin.findByPk(username, { raw: true });
      const info = await models.UserInfo.findOne({ where: { username }, attributes: ['email', 'agent'], raw: true });
      if (!login) throw new AppError('ACCOUNT_NOT_FOUND');
      // The old password is a guess like a login's: reserved against the same lockout before it is hashed.
      await assertPasswordGuess(deps, login, oldPassword, ip);
      assertPasswordPolicy(newPassword, { username, email: info?.email ?? undefined }, 'new_password');
      if (oldPassword === newPassword) {
        throw new ValidationError([{ field: 'new_password', message: 'New password must differ from the old password' }], 'New password must differ from the old password');
      }
      const pwd = await storeNewPassword(username, newPassword);
      const agent = info?.agent ?? false;
      const { id: sessionId, device } = await deviceSessions.restart(username, caller.sid, ip);
      await activity.record(username, 'password_changed', { ip, device });
      return { ...tokens.issue(username, pwd, agent, { sessionId }), agent };
    },

  };
}
