import { createHmac, randomBytes } from 'node:crypto';
import { Op, QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Config } from '../../config/index.js';
import { AppError } from '../errors/app-error.js';
import type { Locale } from '../i18n/locale.js';
import { t } from '../i18n/translate.js';
import type { Mailer } from '../integrations/mailer.js';
import type { Models } from '../models/index.js';
import { fingerprintUsername } from '../utilities/fingerprint.js';
import { formatRupiah } from '../utilities/general.js';
import type { HashingCenter } from '../utilities/hashing-center.js';
import type { Logger } from '../utilities/logger.js';
import { assertPasswordGuess, hashOpaqueToken, OPAQUE_TOKEN_PATTERN } from './password.service.js';
import type { RateLimitService } from './rate-limit.service.js';
import type { SyncSummary } from './sync-lock.service.js';
import type { TokenService } from './token.service.js';

export type AccountDeletionService = ReturnType<typeof createAccountDeletionService>;

export interface ScheduledDeletion {
  scheduled_for: Date;
  cancel_token: string;
}

/** What the erasure job leaves: a pseudonym no sign-up can choose (sign-up usernames never hold ':'). */
const PSEUDONYM_PREFIX = 'erased:';
const ERASE_BATCH = 100;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Deleting an account (POST /user/delete), cancelling it during the grace period (POST /user/delete/cancel), and
 * the erasure job that runs after it.
 *
 * - A request is refused (409) while the wallet holds money or points or a payout is pending: those must be paid out
 *   or redeemed first, since an erased account can no longer receive anything.
 * - Accepted, the account is disabled at once, its FCM tokens deleted and every token killed on every instance
 *   (sockets included); a mail confirms and tells how to cancel.
 * - The cancel token is derived (HMAC of the server secret) from the request row, so the mail, the request's answer
 *   and a later login during the grace all hand out the same token; only its SHA-256 is stored.
 * - Erasure: personal data is deleted or rewritten in one transaction per account; the money records stay under a
 *   pseudonym (see README, "Leaving").
 */
export function createAccountDeletionService(deps: {
  config: Config;
  sequelize: Sequelize;
  models: Models;
  hashing: HashingCenter;
  tokens: TokenService;
  limits: RateLimitService;
  mailer: Mailer;
  logger: Logger;
  /** Discards pending sign-ups carrying the erased person's email or phone (registration.service.ts). */
  discardPendingSignUps: (identity: { email: string | null; phone: string | null }) => Promise<number>;
  /** Removes the stored profile image file (user-info.service.ts). */
  removeProfileImage: (publicPath: string | null) => Promise<void>;
}) {
  const { config, sequelize, models, hashing, tokens, mailer, logger } = deps;
  const graceMs = config.accounts.deletionGraceDays * 24 * 60 * 60 * 1000;

  function cancelTokenOf(row: { id: number; username: string; requested_at: Date }): string {
    return createHmac('sha256', config.auth.secret)
      .update(`account-deletion:${row.id}:${row.username}:${row.requested_at.toISOString()}`)
      .digest('base64url');
  }

  /** Money, points or a pending payout: what must be settled before an account can go. */
  async function assertWalletSettled(username: string, transaction: Transaction): Promise<void> {
    const [wallet] = await sequelize.query<{ balance: string; points: number }>(
      'SELECT balance, points FROM user_balance WHERE username = :username FOR UPDATE',
      { replacements: { username }, type: QueryTypes.SELECT, transaction },
    );
    const pending = await sequelize.query<{ id: string }>(
      `SELECT id FROM user_transaction WHERE username = :username AND type = 'PAYOUT' AND status = 'PENDING' LIMIT 1`,
      { replacements: { username }, type: QueryTypes.SELECT, transaction },
    );
    const steps: string[] = [];
    if (wallet && Number(wallet.balance) !== 0) steps.push(`withdraw the balance of ${formatRupiah(wallet.balance)} (POST /payout)`);
    if (wallet && wallet.points > 0) steps.push(`redeem the ${wallet.points} points (POST /points/redeem)`);
    if (pending.length > 0) steps.push('wait until the pending payout completes');
    if (steps.length > 0) {
      throw new AppError('ACCOUNT_NOT_EMPTY', `The account cannot be deleted while the wallet holds money, points or a pending payout: first ${steps.join(', then ')}`);
    }
  }

  async function mailScheduled(email: string, username: string, scheduled: ScheduledDeletion, locale: Locale): Promise<void> {
    const when = scheduled.scheduled_for.toISOString().slice(0, 10);
    const years = config.accounts.ledgerRetentionYears;
    const lines = [
      t(locale, 'Hello {name},', { name: username }),
      '',
      t(locale, 'Your UserState account has been disabled and will be deleted on {date}.', { date: when }),
      '',
      t(
        locale,
        'Changed your mind? Until then, sign in to the app with your password and choose to keep the account, or send this cancel code from the app (POST /user/delete/cancel): {code}',
        { code: scheduled.cancel_token },
      ),
      '',
      t(
        locale,
        'After that date your profile, addresses, bank accounts, devices and profile image are erased. Your payment and wallet records are kept without your name for {years} years, as the law on financial records requires.',
        { years },
      ),
      '',
      t(locale, 'If you did not ask for this, sign in and cancel the deletion, then change your password.'),
    ];
    await mailer.send({
      to: email,
      subject: t(locale, 'Your UserState account will be deleted'),
      text: lines.join('\n'),
      html: lines.map((line) => (line ? `<p>${escapeHtml(line)}</p>` : '')).join(''),
    });
  }

  /** Erases one account whose grace has passed. False when it is not due any more (cancelled) or cannot go yet. */
  async function eraseOne(deletionId: number): Promise<boolean> {
    const pseudonym = `${PSEUDONYM_PREFIX}${randomBytes(16).toString('hex')}`;
    // Nobody knows this password: the tombstone login can never be used.
    const unusable = await hashing.hashPassword(randomBytes(32).toString('base64url'));
    const erased = await sequelize.transaction(async (transaction) => {
      const [row] = await sequelize.query<{ username: string }>(
        'SELECT username FROM account_deletion WHERE id = :id AND erased_at IS NULL AND scheduled_for <= now() FOR UPDATE SKIP LOCKED',
        { replacements: { id: deletionId }, type: QueryTypes.SELECT, transaction },
      );
      if (!row) return null;
      const { username } = row;
      try {
        await assertWalletSettled(username, transaction);
      } catch (error) {
        // Money arrived during the grace (a late top-up): keep the account until it is settled.
        logger.warn(`account erasure postponed: the wallet of a scheduled account is not settled (deletion ${deletionId})`, { error: (error as Error).message });
        return null;
      }
      const info = await models.UserInfo.findOne({ where: { username }, attributes: ['email', 'phone_number', 'profile_img'], raw: true, transaction });
      const replacements = { username, pseudonym, email: info?.email?.toLowerCase() ?? '', phone: info?.phone_number ?? '' };
      const run = (sql: string) => sequelize.query(sql, { replacements, transaction });
      // Personal data that has no reason to stay.
      for (const table of ['user_info', 'address_list', 'fcm', 'bank_account', 'marketing_offer', 'deactivate_reason', 'idempotency_key', 'token_denylist', 'token_not_before', 'user_session', 'security_event']) {
        await run(`DELETE FROM ${table} WHERE username = :username`);
      }
      await run(`DELETE FROM otp_tracker WHERE identifier IN (:email, :phone, :username)`);
      // The owner of what stays becomes the pseudonym: ON UPDATE CASCADE carries it to the ledger, points, balance,
      // vouchers, referrals and bonus claims.
      await sequelize.query('UPDATE user_login SET username = :pseudonym, pwd = :pwd, disabled = TRUE, updated_at = now() WHERE username = :username', {
        replacements: { ...replacements, pwd: unusable },
        transaction,
      });
      await run('UPDATE payment_anomaly SET username = :pseudonym WHERE username = :username');
      // Other people's records that name this user: the referrer's bonus row, and the referral code it signed up with.
      await run(
        `UPDATE point_mutation SET description = 'Referral bonus: ' || :pseudonym, reference_id = 'referral:' || :pseudonym
          WHERE reference_id = 'referral:' || :username`,
      );
      await run(`UPDATE referral_history SET referral_code = 'ERASED' WHERE submitted_by = :pseudonym`);
      await run('UPDATE account_deletion SET reason = NULL, cancel_token_hash = NULL, erased_at = now() WHERE username = :pseudonym AND erased_at IS NULL');
      await sequelize.query('INSERT INTO erased_username (fingerprint) VALUES (:fingerprint) ON CONFLICT DO NOTHING', {
        replacements: { fingerprint: fingerprintUsername(config.fingerprint.key, username) },
        transaction,
      });
      // Tokens died at the request (and the account stayed disabled since); the old name now finds no login at all.
      return { email: info?.email ?? null, phone: info?.phone_number ?? null, image: info?.profile_img ?? null };
    });
    if (!erased) return false;
    // Outside the transaction: files and Redis cannot roll back, and the rows they belong to are gone now.
    await deps.removeProfileImage(erased.image);
    await deps.discardPendingSignUps({ email: erased.email, phone: erased.phone });
    logger.info(`account erased (deletion ${deletionId})`);
    return true;
  }

  return {
    /** POST /user/delete. */
    /** The confirming mail is in `locale`, the language of the request. */
    async requestDeletion(username: string, input: { password: string; reason?: string | undefined }, ip: string, locale: Locale = 'en'): Promise<ScheduledDeletion> {
      const login = await models.UserLogin.findByPk(username, { attributes: ['username', 'pwd'], raw: true });
      if (!login) throw new AppError('ACCOUNT_NOT_FOUND');
      // The password is a guess like a login's: reserved against the same lockout before it is hashed.
      await assertPasswordGuess(deps, login, input.password, ip);

      const scheduled = await sequelize.transaction(async (transaction) => {
        await assertWalletSettled(username, transaction);
        const [disabled] = await models.UserLogin.update({ disabled: true }, { where: { username, disabled: false }, transaction });
        if (!disabled) throw new AppError('ACCOUNT_ALREADY_DISABLED');
        const row = await models.AccountDeletion.create(
          { username, reason: input.reason?.trim() || null, scheduled_for: new Date(Date.now() + graceMs), cancel_token_hash: null },
          { transaction },
        );
        const cancel_token = cancelTokenOf(row);
        await row.update({ cancel_token_hash: hashOpaqueToken(cancel_token) }, { transaction });
        await models.Fcm.destroy({ where: { username }, transaction });
        return { scheduled_for: row.scheduled_for, cancel_token };
      });
      await tokens.invalidateUser(username);
      const info = await models.UserInfo.findOne({ where: { username }, attributes: ['email'], raw: true });
      if (info?.email) {
        await mailScheduled(info.email, username, scheduled, locale).catch((error: unknown) =>
          logger.warn('the account deletion mail could not be sent', { error: (error as Error).message }),
        );
      }
      return scheduled;
    },

    /** Login during the grace: the pending deletion of an account, with its cancel token, or null. */
    async pendingDeletionOf(username: string): Promise<ScheduledDeletion | null> {
      const row = await models.AccountDeletion.findOne({ where: { username, erased_at: null } });
      return row ? { scheduled_for: row.scheduled_for, cancel_token: cancelTokenOf(row) } : null;
    },

    /** POST /user/delete/cancel: the account works again (the user signs in anew; FCM devices register again). */
    async cancelDeletion(cancelToken: string): Promise<void> {
      const invalid = () => new AppError('DELETION_CANCEL_INVALID');
      if (!OPAQUE_TOKEN_PATTERN.test(cancelToken)) throw invalid();
      await sequelize.transaction(async (transaction) => {
        const row = await models.AccountDeletion.findOne({
          where: { cancel_token_hash: hashOpaqueToken(cancelToken), erased_at: null },
          transaction,
          lock: transaction.LOCK.UPDATE,
        });
        if (!row) throw invalid();
        await models.UserLogin.update({ disabled: false }, { where: { username: row.username }, transaction });
        await row.destroy({ transaction });
      });
    },

    /** The erasure job: every account whose grace has passed (run under the one-runner lock). */
    async eraseDueAccounts(): Promise<SyncSummary> {
      const summary: SyncSummary = { checked: 0, updated: 0, failed: 0 };
      for (;;) {
        const due = await models.AccountDeletion.findAll({
          where: { erased_at: null, scheduled_for: { [Op.lte]: new Date() } },
          attributes: ['id'],
          order: [['scheduled_for', 'ASC']],
          limit: ERASE_BATCH,
          offset: summary.checked - summary.updated,
          raw: true,
        });
        if (due.length === 0) return summary;
        for (const { id } of due) {
          summary.checked += 1;
          try {
            if (await eraseOne(id)) summary.updated += 1;
          } catch (error) {
            summary.failed += 1;
            logger.error(`account erasure failed (deletion ${id})`, error);
          }
        }
      }
    },
  };
}
