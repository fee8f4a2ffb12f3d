import type { Redis } from 'ioredis';
import { QueryTypes, UniqueConstraintError, type InferAttributes, type Sequelize, type Transaction } from 'sequelize';
import type { Config } from '../../config/index.js';
import { AppError, ValidationError } from '../errors/app-error.js';
import { toLocale, type Locale } from '../i18n/locale.js';
import { t } from '../i18n/translate.js';
import type { Mailer } from '../integrations/mailer.js';
import type { Models } from '../models/index.js';
import type { UserInfo } from '../models/user-info.model.js';
import type { HashingCenter } from '../utilities/hashing-center.js';
import type { Logger } from '../utilities/logger.js';
import { assertPasswordGuess, hashOpaqueToken, newOpaqueToken, OPAQUE_TOKEN_PATTERN } from './password.service.js';
import type { RateLimitService } from './rate-limit.service.js';
import type { ClientInfo, SecurityActivityService } from './security-activity.service.js';

export type EmailVerificationService = ReturnType<typeof createEmailVerificationService>;

type HolderRow = Pick<InferAttributes<UserInfo>, 'username' | 'email' | 'email_verified'>;

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
 * - Changing a confirmed address (POST /user/email {new_email, password}) takes the password (against the login
 *   lockout), mails the link to the new address and a notice with a cancel link to the old one. The cancel link
 *   (GET shows a button, POST cancels) kills the confirmation link while it lives. Confirming replaces the old
 *   address only if it is still the account's; it is recorded as email_changed (notice to both addresses, and the
 *   money cooling-off starts).
 */
export function createEmailVerificationService(deps: {
  config: Config;
  redis: Redis;
  sequelize: Sequelize;
  models: Models;
  limits: RateLimitService;
  mailer: Mailer;
  logger: Logger;
  hashing: HashingCenter;
  activity: SecurityActivityService;
}) {
  const { config, redis, sequelize, models, limits, mailer, logger, activity } = deps;
  const ttl = config.auth.registrationTtlSeconds;
  const tokenKey = (hash: string) => `emailv:t:${hash}`;
  const userKey = (username: string) => `emailv:u:${username}`;
  const cancelKey = (hash: string) => `emailv:c:${hash}`;

  interface StoredLink {
    hash: string;
    username: string;
    email: string;
    /** The confirmed address this link replaces ('' when it binds one to an account without). */
    oldEmail: string;
    /** Hash of the cancel link mailed to the old address ('' when none). */
    cancelHash: string;
  }

  async function readHash(hash: string): Promise<StoredLink | null> {
    const data = await redis.hgetall(tokenKey(hash));
    return data.username && data.email
      ? { hash, username: data.username, email: data.email, oldEmail: data.old_email ?? '', cancelHash: data.cancel_hash ?? '' }
      : null;
  }

  async function readToken(token: string): Promise<StoredLink | null> {
    if (!OPAQUE_TOKEN_PATTERN.test(token)) return null;
    return readHash(hashOpaqueToken(token));
  }

  /** Forgets a link, its cancel link and (when it is still the account's live one) the account's pointer to it. */
  async function forgetLink(link: Pick<StoredLink, 'hash' | 'username' | 'cancelHash'>): Promise<void> {
    const tx = redis.multi().del(tokenKey(link.hash));
    if (link.cancelHash) tx.del(cancelKey(link.cancelHash));
    if ((await redis.get(userKey(link.username))) === link.hash) tx.del(userKey(link.username));
    await tx.exec();
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

  /**
   * Stores a fresh link for (username, email), forgetting the account's previous one (and its cancel link). With
   * `oldEmail` it is a change of that confirmed address and gets a cancel link too. Answers the raw tokens.
   */
  async function storeLink(username: string, email: string, oldEmail = ''): Promise<{ token: string; cancelToken: string | null }> {
    const token = newOpaqueToken();
    const hash = hashOpaqueToken(token);
    const cancelToken = oldEmail ? newOpaqueToken() : null;
    const cancelHash = cancelToken ? hashOpaqueToken(cancelToken) : '';
    const previousHash = await redis.get(userKey(username));
    const previous = previousHash && previousHash !== hash ? await readHash(previousHash) : null;
    const tx = redis
      .multi()
      .hset(tokenKey(hash), { username, email: normalizeEmail(email), old_email: oldEmail, cancel_hash: cancelHash })
      .expire(tokenKey(hash), ttl)
      .set(userKey(username), hash, 'EX', ttl);
    if (cancelHash) tx.set(cancelKey(cancelHash), hash, 'EX', ttl);
    if (previousHash && previousHash !== hash) tx.del(tokenKey(previousHash));
    if (previous?.cancelHash) tx.del(cancelKey(previous.cancelHash));
    await tx.exec();
    return { token, cancelToken };
  }

  /** Stores a fresh link for (username, email), forgetting the account's previous one; answers the raw token. */
  async function issueConfirmation(username: string, email: string): Promise<string> {
    return (await storeLink(username, email)).token;
  }

  async function sendConfirmation(username: string, email: string, requestLocale?: Locale): Promise<void> {
    await mailConfirmation(username, email, await issueConfirmation(username, email), requestLocale);
  }

  /** In `locale` when a request asked for it, else in the account's language (a mail after an OTP sign-up). */
  async function mailConfirmation(username: string, email: string, token: string, requestLocale?: Locale): Promise<void> {
    const info = await models.UserInfo.findOne({ where: { username }, attributes: ['full_name', 'locale'], raw: true });
    if (!info) throw new AppError('USER_NOT_FOUND');
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

  /** The notice to the confirmed address being replaced, with the link that cancels the change. */
  async function mailChangeNotice(username: string, oldEmail: string, newEmail: string, cancelToken: string): Promise<void> {
    const info = await models.UserInfo.findOne({ where: { username }, attributes: ['full_name'], raw: true });
    const name = info?.full_name ?? username;
    const link = `${config.server.publicUrl}/cancel-email-change?token=${cancelToken}`;
    const hours = Math.max(1, Math.round(ttl / 3600));
    const lines = [
      `Hello ${name},`,
      '',
      `Someone asked to change the email of your UserState account "${username}" from this address to ${newEmail}. Nothing changes until the new address confirms it (within ${hours} hour(s)).`,
      '',
      'If this was you, there is nothing to do.',
      'If this was not you, open this link and press "Cancel the change", then reset your password ("Forgot password" in the app) and sign out every other session:',
      '',
      link,
    ];
    await mailer.send({
      to: oldEmail,
      subject: 'A change of your UserState email was requested',
      text: lines.join('\n'),
      html: `<p>Hello ${escapeHtml(name)},</p><p>Someone asked to change the email of your UserState account "${escapeHtml(username)}" from this address to ${escapeHtml(newEmail)}. Nothing changes until the new address confirms it (within ${hours} hour(s)).</p><p>If this was you, there is nothing to do.</p><p>If this was not you, open this link and press "Cancel the change", then reset your password and sign out every other session:</p><p><a href="${escapeHtml(link)}">Cancel the change</a></p>`,
    });
  }

  return {
    isProvedElsewhere,
    releaseUnproved,
    issueConfirmation,
    sendConfirmation,

    /**
     * POST /user/email {email}: binds an address to an account that has no confirmed one yet (an OTP sign-up's, or one
     * released to another account): mails a link (within the send limits and the email-lookup budget); nothing
     * changes until it is confirmed. A confirmed address is changed only with the password (requestChange).
     */
    async requestBinding(username: string, rawEmail: string, ip: string, locale: Locale = 'en'): Promise<void> {
      const email = normalizeEmail(rawEmail);
      const info = await models.UserInfo.findOne({ where: { username }, attributes: ['email', 'email_verified'], raw: true });
      if (!info) throw new AppError('USER_NOT_FOUND');
      if (info.email_verified && info.email && normalizeEmail(info.email) === email) throw new AppError('EMAIL_ALREADY_CONFIRMED');
      if (info.email_verified && info.email) {
        throw new ValidationError(
          [{ field: 'password', message: 'is required to change a confirmed email: send {new_email, password}' }],
          'Changing a confirmed email needs your password: send {new_email, password}',
        );
      }
      // Its 409 tells a registered email from a free one: the same per-address budget as POST /check/email.
      await limits.consumeEmailCheck(ip);
      if (await isProvedElsewhere(email, username)) throw new AppError('EMAIL_ALREADY_REGISTERED');
      await limits.consumeSend(email, 'REGISTER', ip);
      await sendConfirmation(username, email, locale);
    },

    /**
     * POST /user/email {new_email, password}: the password first (a guess against the login lockout), then the
     * email-lookup budget and the send limits; mails the link to the new address and, when a confirmed address is
     * being replaced, a notice with a cancel link to it. Nothing changes until the link is confirmed.
     */
    async requestChange(username: string, rawEmail: string, password: string, client: ClientInfo & { ip: string }, locale: Locale = 'en'): Promise<void> {
      const email = normalizeEmail(rawEmail);
      const login = await models.UserLogin.findByPk(username, { attributes: ['username', 'pwd'], raw: true });
      const info = await models.UserInfo.findOne({ where: { username }, attributes: ['email', 'email_verified'], raw: true });
      if (!login || !info) throw new AppError('USER_NOT_FOUND');
      await assertPasswordGuess(deps, login, password, client.ip);
      const oldEmail = info.email_verified && info.email ? normalizeEmail(info.email) : '';
      if (oldEmail === email) throw new AppError('EMAIL_ALREADY_CONFIRMED');
      await limits.consumeEmailCheck(client.ip);
      if (await isProvedElsewhere(email, username)) throw new AppError('EMAIL_ALREADY_REGISTERED');
      await limits.consumeSend(email, 'CHANGE_EMAIL', client.ip);
      const { token, cancelToken } = await storeLink(username, email, oldEmail);
      await mailConfirmation(username, email, token, locale);
      if (oldEmail && cancelToken) await mailChangeNotice(username, oldEmail, email, cancelToken);
      await activity.record(username, 'email_change_requested', client, { new_email: email });
    },

    /** Whether a cancel link still cancels something (for the GET /cancel-email-change page); never consumes it. */
    async isCancelUsable(token: string): Promise<boolean> {
      if (!OPAQUE_TOKEN_PATTERN.test(token)) return false;
      const hash = await redis.get(cancelKey(hashOpaqueToken(token)));
      return hash !== null && (await readHash(hash)) !== null;
    },

    /**
     * POST /cancel-email-change: the old address refuses the change. The cancel link is taken with GETDEL (one
     * winner), then the confirmation link it belongs to dies.
     */
    async cancelChange(token: string, client: ClientInfo = {}): Promise<{ username: string }> {
      if (!OPAQUE_TOKEN_PATTERN.test(token)) throw new AppError('EMAIL_CHANGE_CANCEL_INVALID');
      const hash = await redis.getdel(cancelKey(hashOpaqueToken(token)));
      const link = hash ? await readHash(hash) : null;
      if (!link) throw new AppError('EMAIL_CHANGE_CANCEL_INVALID');
      await forgetLink(link);
      await activity.record(link.username, 'email_change_cancelled', client, { new_email: link.email });
      logger.info(`email change of ${link.username} cancelled from the old address`);
      return { username: link.username };
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
    async confirm(token: string, client: ClientInfo = {}): Promise<{ username: string; email: string }> {
      const found = await readToken(token);
      if (!found) throw new AppError('EMAIL_LINK_INVALID');
      const { username, email, oldEmail } = found;
      let released = 0;
      let changed = false;
      try {
        await sequelize.transaction(async (transaction) => {
          const rows = await sequelize.query<HolderRow>(
            `SELECT username, email, email_verified FROM user_info WHERE lower(email) = :email OR username = :username ORDER BY id FOR UPDATE`,
            { replacements: { email, username }, transaction, type: QueryTypes.SELECT },
          );
          const mine = rows.find((row) => row.username === username);
          if (!mine) throw new AppError('EMAIL_LINK_INVALID');
          if (mine.email_verified && mine.email !== null && normalizeEmail(mine.email) === email) return;
          // A change replaces the address it was asked from, not one that came since.
          if (oldEmail && !(mine.email_verified && mine.email !== null && normalizeEmail(mine.email) === oldEmail)) throw new AppError('EMAIL_LINK_INVALID');
          if (rows.some((row) => row.username !== username && row.email_verified)) throw new AppError('EMAIL_ALREADY_REGISTERED');
          released = await releaseUnproved(email, username, transaction);
          await models.UserInfo.update({ email, email_verified: true }, { where: { username }, transaction });
          changed = true;
        });
      } catch (error) {
        if (error instanceof UniqueConstraintError) throw new AppError('EMAIL_ALREADY_REGISTERED');
        throw error;
      }
      await forgetLink(found);
      // Recorded after the change: the notice goes to the new and the old address, and the money cooling-off starts.
      if (changed && oldEmail) await activity.record(username, 'email_changed', client, { old_email: oldEmail, new_email: email });
      logger.info(`email confirmed for ${username}${released > 0 ? ` (released from ${released} unconfirmed account(s))` : ''}`);
      return { username, email };
    },
  };
}
