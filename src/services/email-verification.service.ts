import type { Redis } from 'ioredis';
import { QueryTypes, UniqueConstraintError, type InferAttributes, type Sequelize, type Transaction } from 'sequelize';
import type { Config } from '../../config/index.js';
import { ConflictError, NotFoundError, UnauthorizedError } from '../errors/app-error.js';
import { toLocale, type Locale } from '../i18n/locale.js';
import { t } from '../i18n/translate.js';
import type { Mailer } from '../integrations/mailer.js';
import type { Models } from '../models/index.js';
import type { UserInfo } from '../models/user-info.model.js';
import type { Logger } from '../utilities/logger.js';
import { hashOpaqueToken, newOpaqueToken, OPAQUE_TOKEN_PATTERN } from './password.service.js';
import type { RateLimitService } from './rate-limit.service.js';

export type EmailVerificationService = ReturnType<typeof createEmailVerificationService>;

type HolderRow = Pick<InferAttributes<UserInfo>, 'username' | 'email' | 'email_verified'>;

const INVALID_LINK = 'Confirmation link is invalid or has expired';
const EMAIL_TAKEN = 'Email is already registered';
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * Binding an email to an account once its owner proved it. An address is unique only among proved ones
 * (user_info_verified_email_lower_key); an unproved one reserves nothing, logs nobody in and gets no reset mail.
 *
 * - A LINK sign-up proves its address when the link is confirmed; an OTP sign-up proves only the phone, so its
 *   address is mailed a link (GET /verify-email shows a button, POST /verify-email confirms). POST /user/email
 *   mails a link for a new address; the account's address changes only when that link is confirmed.
 * - Confirming binds the address unless another account proved it meanwhile (409). Every other account holding
 *   it unproved loses it: its email becomes NULL (it still logs in by username and may confirm another address).
 * - Links are opaque tokens kept in Redis as SHA-256 hashes for REGISTRATION_TTL_SECONDS, one live link per account.
 */
export function createEmailVerificationService(deps: {
  config: Config;
  redis: Redis;
  sequelize: Sequelize;
  models: Models;
  limits: RateLimitService;
  mailer: Mailer;
  logger: Logger;
}) {
  const { config, redis, sequelize, models, limits, mailer, logger } = deps;
  const ttl = config.auth.registrationTtlSeconds;
  const tokenKey = (hash: string) => `emailv:t:${hash}`;
  const userKey = (username: string) => `emailv:u:${username}`;

  async function readToken(token: string): Promise<{ hash: string; username: string; email: string } | null> {
    if (!OPAQUE_TOKEN_PATTERN.test(token)) return null;
    const hash = hashOpaqueToken(token);
    const data = await redis.hgetall(tokenKey(hash));
    return data.username && data.email ? { hash, username: data.username, email: data.email } : null;
  }

  /** Another account holds this address proved. */
  async function isProvedElsewhere(email: string, username: string): Promise<boolean> {
    const rows = await sequelize.query<{ username: string }>(
      `SELECT username FROM user_info WHERE lower(email) = :email AND email_verified AND username <> :username LIMIT 1`,
      { replacements: { email, username }, type: QueryTypes.SELECT },
    );
    return rows.length > 0;
  }

  /**
   * Inside the transaction that proves `email` for `username`: every other account holding it unproved loses it.
   * Returns how many did.
   */
  async function releaseUnproved(email: string, username: string, transaction: Transaction): Promise<number> {
    const [, affected] = await sequelize.query(
      `UPDATE user_info SET email = NULL, updated_at = now() WHERE lower(email) = :email AND NOT email_verified AND username <> :username`,
      { replacements: { email, username }, transaction, type: QueryTypes.UPDATE },
    );
    return Number(affected ?? 0);
  }

  /** Stores a fresh link for (username, email), forgetting the account's previous one; answers the raw token. */
  async function issueConfirmation(username: string, email: string): Promise<string> {
    const token = newOpaqueToken();
    const hash = hashOpaqueToken(token);
    const previous = await redis.get(userKey(username));
    const tx = redis.multi().hset(tokenKey(hash), { username, email: normalizeEmail(email) }).expire(tokenKey(hash), ttl).set(userKey(username), hash, 'EX', ttl);
    if (previous && previous !== hash) tx.del(tokenKey(previous));
    await tx.exec();
    return token;
  }

  /** In `locale` when a request asked for it, else in the account's language (a mail after an OTP sign-up). */
  async function sendConfirmation(username: string, email: string, requestLocale?: Locale): Promise<void> {
    const info = await models.UserInfo.findOne({ where: { username }, attributes: ['full_name', 'locale'], raw: true });
    if (!info) throw new NotFoundError('User not found');
    const token = await issueConfirmation(username, email);
    const link = `${config.server.publicUrl}/verify-email?token=${token}`;
    const hours = Math.max(1, Math.round(ttl / 3600));
    const locale = requestLocale ?? toLocale(info.locale);
    const hello = (name: string) => t(locale, 'Hello {name},', { name });
    const intro = t(locale, 'This address was given for the UserState account "{username}". Open this link within {hours} hour(s) and press "Confirm my email":', {
      username,
      hours,
    });
    const ignore = t(locale, 'If this was not you, ignore this email: the address stays unconfirmed and is not bound to that account.');
    await mailer.send({
      to: email,
      subject: t(locale, 'Confirm your email for UserState'),
      text: [hello(info.full_name), '', intro, '', link, '', ignore].join('\n'),
      html: `<p>${hello(escapeHtml(info.full_name))}</p><p>${escapeHtml(intro)}</p><p><a href="${escapeHtml(link)}">${escapeHtml(t(locale, 'Confirm my email'))}</a></p><p>${escapeHtml(ignore)}</p>`,
    });
  }

  return {
    isProvedElsewhere,
    releaseUnproved,
    issueConfirmation,
    sendConfirmation,

    /**
     * POST /user/email: mails a link for a new address (within the send limits and the email-lookup budget); nothing
     * changes until it is confirmed.
     */
    async requestChange(username: string, rawEmail: string, ip: string, locale: Locale = 'en'): Promise<void> {
      const email = normalizeEmail(rawEmail);
      const info = await models.UserInfo.findOne({ where: { username }, attributes: ['email', 'email_verified'], raw: true });
      if (!info) throw new NotFoundError('User not found');
      if (info.email_verified && info.email && normalizeEmail(info.email) === email) throw new ConflictError('This email is already confirmed on your account');
      // Its 409 tells a registered email from a free one: the same per-address budget as POST /check/email.
      await limits.consumeEmailCheck(ip);
      if (await isProvedElsewhere(email, username)) throw new ConflictError(EMAIL_TAKEN);
      await limits.consumeSend(email, 'REGISTER', ip);
      await sendConfirmation(username, email, locale);
    },

    /** Whether a link is still usable (for the GET /verify-email page); never consumes it. */
    async isConfirmationUsable(token: string): Promise<boolean> {
      return (await readToken(token)) !== null;
    },

    /**
     * POST /verify-email. Locks the account's row and every row holding the address (in id order, so concurrent
     * confirmations queue instead of deadlocking), refuses when another account proved it, releases it from the
     * others and binds it. The partial unique index backs the check up.
     */
    async confirm(token: string): Promise<{ username: string; email: string }> {
      const found = await readToken(token);
      if (!found) throw new UnauthorizedError(INVALID_LINK);
      const { username, email } = found;
      let released = 0;
      try {
        await sequelize.transaction(async (transaction) => {
          const rows = await sequelize.query<HolderRow>(
            `SELECT username, email, email_verified FROM user_info WHERE lower(email) = :email OR username = :username ORDER BY id FOR UPDATE`,
            { replacements: { email, username }, transaction, type: QueryTypes.SELECT },
          );
          const mine = rows.find((row) => row.username === username);
          if (!mine) throw new UnauthorizedError(INVALID_LINK);
          if (mine.email_verified && mine.email !== null && normalizeEmail(mine.email) === email) return;
          if (rows.some((row) => row.username !== username && row.email_verified)) throw new ConflictError(EMAIL_TAKEN);
          released = await releaseUnproved(email, username, transaction);
          await models.UserInfo.update({ email, email_verified: true }, { where: { username }, transaction });
        });
      } catch (error) {
        if (error instanceof UniqueConstraintError) throw new ConflictError(EMAIL_TAKEN);
        throw error;
      }
      const tx = redis.multi().del(tokenKey(found.hash));
      if ((await redis.get(userKey(username))) === found.hash) tx.del(userKey(username));
      await tx.exec();
      logger.info(`email confirmed for ${username}${released > 0 ? ` (released from ${released} unconfirmed account(s))` : ''}`);
      return { username, email };
    },
  };
}
