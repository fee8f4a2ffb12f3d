import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { ProgressReport } from '../utilities/progress.js';
import type { Models } from '../models/index.js';
import { normalizeIdentifier, type Fingerprinter, type FingerprintKind } from '../utilities/fingerprint.js';
import type { Logger } from '../utilities/logger.js';

/** Why a referral earned no bonus (referral_history.rejected_reason). */
export type RejectReason = 'PAYOUT_WITHIN_HOLD' | 'SELF_REFERRAL' | 'PHONE_ALREADY_REWARDED' | 'BANK_ACCOUNT_ALREADY_REWARDED';

export interface ReferralHistoryItem {
  username: string;
  referral_code: string;
  status: 'pending' | 'completed' | 'rejected';
  created_at: Date;
  completed_at: Date | null;
}

export interface ReferralStats {
  total_referrals: number;
  completed_referrals: number;
  pending_referrals: number;
  /** Referrals whose bonus a rule withheld (see README, "Referral bonus"). */
  rejected_referrals: number;
  total_earned_points: number;
}

export type ReferralService = ReturnType<typeof createReferralService>;

/** reference_id of the bonus a referrer earns for `referredUsername`; the unique index makes it once per referral. */
export const referralBonusReference = (referredUsername: string) => `referral:${referredUsername}`;

/**
 * Referrals as seen by the referrer, and their completion. Sign-up creates the pending referral_history row (and
 * refuses self-referral, as does the table's CHECK); payments call completeReferral when a top-up is paid, which
 * starts the payout hold; the sync job calls completeDueReferrals, which credits the bonus or withholds it. A bonus is
 * only ever credited once it is final, so no points are ever taken back.
 */
export function createReferralService(deps: {
  sequelize: Sequelize;
  models: Models;
  bonusPoints: number;
  logger: Logger;
  /** REFERRAL_PAYOUT_HOLD_DAYS: days after the qualifying top-up that must pass without a payout. */
  payoutHoldDays: number;
  fingerprinter: Fingerprinter;
  /** Fingerprints of a user's bank accounts (the bank account service). */
  bankAccountFingerprints: (username: string, transaction: Transaction) => Promise<string[]>;
}) {
  const { sequelize, models, bonusPoints, logger, payoutHoldDays, fingerprinter } = deps;

  const service = {
    /** The users the caller referred, newest first. */
    async history(referrer: string): Promise<ReferralHistoryItem[]> {
      const rows = await models.ReferralHistory.findAll({
        where: { submitted_by: referrer },
        order: [
          ['created_at', 'DESC'],
          ['id', 'DESC'],
        ],
        limit: 1000,
      });
      return rows.map((r) => ({
        username: r.username,
        referral_code: r.referral_code,
        status: r.status,
        created_at: r.created_at,
        completed_at: r.completed_at,
      }));
    },

    async stats(referrer: string): Promise<ReferralStats> {
      const [counts] = await sequelize.query<{ total: number; completed: number; pending: number; rejected: number }>(
        `SELECT COUNT(*) AS total,
                COUNT(*) FILTER (WHERE status = 'completed') AS completed,
                COUNT(*) FILTER (WHERE status = 'pending') AS pending,
                COUNT(*) FILTER (WHERE status = 'rejected') AS rejected
           FROM referral_history WHERE submitted_by = :referrer`,
        { replacements: { referrer }, type: QueryTypes.SELECT },
      );
      const [earned] = await sequelize.query<{ points: number }>(
        `SELECT COALESCE(SUM(amount), 0)::bigint AS points
           FROM point_mutation
          WHERE username = :referrer AND type = 'CREDIT' AND reference_id LIKE 'referral:%'`,
        { replacements: { referrer }, type: QueryTypes.SELECT },
      );
      return {
        total_referrals: counts?.total ?? 0,
        completed_referrals: counts?.completed ?? 0,
        pending_referrals: counts?.pending ?? 0,
        rejected_referrals: counts?.rejected ?? 0,
        total_earned_points: earned?.points ?? 0,
      };
    },

    /**
     * Called after a top-up of `referredUsername` is paid (and committed). The first paid top-up qualifies a pending
     * referral (qualified_at = now) and starts the payout hold; later ones change nothing. With no hold
     * (REFERRAL_PAYOUT_HOLD_DAYS=0) the referral is decided at once, otherwise by completeDueReferrals once the hold
     * has passed. Idempotent and safe under concurrency (see decide). `completed` tells whether this call credited it.
     */
    async completeReferral(referredUsername: string, topUp?: { transactionId: string }): Promise<{ completed: boolean }> {
      const qualified = await sequelize.query<{ id: number }>(
        `UPDATE referral_history SET qualified_at = now(), qualifying_transaction_id = :transactionId
          WHERE username = :referred AND status = 'pending' AND qualified_at IS NULL
        RETURNING id`,
        { replacements: { referred: referredUsername, transactionId: topUp?.transactionId ?? null }, type: QueryTypes.SELECT },
      );
      if (payoutHoldDays > 0) return { completed: false };
      const [row] = qualified.length
        ? qualified
        : await sequelize.query<{ id: number }>(`SELECT id FROM referral_history WHERE username = :referred AND status = 'pending'`, {
            replacements: { referred: referredUsername },
            type: QueryTypes.SELECT,
          });
      if (!row) return { completed: false };
      return { completed: (await decide(row.id)) === 'completed' };
    },

    /**
     * The sync job's step: decides every pending referral whose qualifying top-up is older than the hold. Returns how
     * many were looked at, completed (bonus credited) and rejected (a rule withheld it).
     */
    async completeDueReferrals(
      options: { batchSize?: number; onProgress?: ProgressReport } = {},
    ): Promise<{ checked: number; completed: number; rejected: number; failed: number }> {
      const due = await sequelize.query<{ id: number }>(
        `SELECT id FROM referral_history
          WHERE status = 'pending' AND qualified_at IS NOT NULL AND qualified_at <= now() - make_interval(days => :hold)
          ORDER BY qualified_at ASC, id ASC LIMIT :limit`,
        { replacements: { hold: payoutHoldDays, limit: options.batchSize ?? 500 }, type: QueryTypes.SELECT },
      );
      const summary = { checked: 0, completed: 0, rejected: 0, failed: 0 };
      options.onProgress?.({ phase: 'referral bonuses', done: 0, total: due.length });
      for (const { id } of due) {
        summary.checked += 1;
        try {
          const outcome = await decide(id);
          if (outcome === 'completed') summary.completed += 1;
          if (outcome === 'rejected') summary.rejected += 1;
        } catch (error) {
          summary.failed += 1;
          logger.error('deciding a referral bonus failed; it stays pending for the next run', { referralId: id, error });
        }
        options.onProgress?.({ phase: 'referral bonuses', done: summary.checked, total: due.length });
      }
      return summary;
    },
  };

  /**
   * One referral's decision, in one transaction with its row locked (a concurrent decider waits, then finds it no
   * longer pending). Rules, in order: no payout requested by the referred user during the hold; not the referrer's own
   * phone number or bank account; no earlier bonus of
   * this referrer for the same phone number or bank account number (current data of its completed referrals, and the
   * claims recorded when they completed, whose unique key settles parallel decisions). Passing, the bonus is
   * credited with its point_mutation row; failing, the referral is marked rejected and nothing is credited.
   */
  async function decide(referralId: number): Promise<'completed' | 'rejected' | 'none'> {
    return sequelize.transaction(async (transaction) => {
      const [referral] = await sequelize.query<{
        id: number;
        username: string;
        submitted_by: string;
        phone_number: string | null;
        payout_in_hold: boolean;
      }>(
        `SELECT rh.id, rh.username, rh.submitted_by, ui.phone_number,
                EXISTS (SELECT 1 FROM user_transaction ut
                         WHERE ut.username = rh.username AND ut.type = 'PAYOUT'
                           AND ut.created_at >= rh.qualified_at
                           AND ut.created_at < rh.qualified_at + make_interval(days => :hold)) AS payout_in_hold
           FROM referral_history rh LEFT JOIN user_info ui ON ui.username = rh.username
          WHERE rh.id = :id AND rh.status = 'pending' AND rh.qualified_at IS NOT NULL
            AND rh.qualified_at <= now() - make_interval(days => :hold)
            FOR UPDATE OF rh`,
        { replacements: { id: referralId, hold: payoutHoldDays }, type: QueryTypes.SELECT, transaction },
      );
      if (!referral) return 'none';
      const referred = referral.username;
      const referrer = referral.submitted_by;

      const reject = async (reason: RejectReason) => {
        await sequelize.query(`DELETE FROM referral_bonus_claim WHERE referral_id = :id`, { replacements: { id: referral.id }, transaction });
        await sequelize.query(`UPDATE referral_history SET status = 'rejected', rejected_reason = :reason WHERE id = :id`, {
          replacements: { id: referral.id, reason },
          transaction,
        });
        logger.info('referral bonus withheld', { referred, referrer, reason });
        return 'rejected' as const;
      };

      if (referral.payout_in_hold) return reject('PAYOUT_WITHIN_HOLD');

      const claims: Array<{ kind: FingerprintKind; fingerprint: string; reason: RejectReason }> = [];
      if (referral.phone_number && normalizeIdentifier('phone', referral.phone_number)) {
        claims.push({ kind: 'phone', fingerprint: fingerprinter.fingerprint('phone', referral.phone_number), reason: 'PHONE_ALREADY_REWARDED' });
      }
      for (const fingerprint of await deps.bankAccountFingerprints(referred, transaction)) {
        claims.push({ kind: 'bank_account', fingerprint, reason: 'BANK_ACCOUNT_ALREADY_REWARDED' });
      }

      // The referrer's own phone number or bank account: a second account of the referrer themselves.
      const [own] = await sequelize.query<{ phone_number: string | null }>(`SELECT phone_number FROM user_info WHERE username = :referrer`, {
        replacements: { referrer },
        type: QueryTypes.SELECT,
        transaction,
      });
      const ownClaims = new Set(await deps.bankAccountFingerprints(referrer, transaction));
      if (own?.phone_number && normalizeIdentifier('phone', own.phone_number)) ownClaims.add(fingerprinter.fingerprint('phone', own.phone_number));
      if (claims.some((c) => ownClaims.has(c.fingerprint))) return reject('SELF_REFERRAL');

      // Current data of the referrer's completed referrals (covers bonuses earned before claims were recorded, and
      // phone numbers or accounts those users have since added).
      const earlier = await sequelize.query<{ username: string; phone_number: string | null }>(
        `SELECT rh.username, ui.phone_number FROM referral_history rh LEFT JOIN user_info ui ON ui.username = rh.username
          WHERE rh.submitted_by = :referrer AND rh.status = 'completed' AND rh.id <> :id`,
        { replacements: { referrer, id: referral.id }, type: QueryTypes.SELECT, transaction },
      );
      const phoneClaim = claims.find((c) => c.kind === 'phone');
      if (phoneClaim && earlier.some((e) => e.phone_number && fingerprinter.fingerprint('phone', e.phone_number) === phoneClaim.fingerprint)) {
        return reject('PHONE_ALREADY_REWARDED');
      }
      const bankClaims = claims.filter((c) => c.kind === 'bank_account').map((c) => c.fingerprint);
      if (bankClaims.length && earlier.length) {
        const [shared] = await sequelize.query<{ n: number }>(
          `SELECT COUNT(*)::int AS n FROM bank_account WHERE username IN (:usernames) AND account_fingerprint IN (:fingerprints)`,
          { replacements: { usernames: earlier.map((e) => e.username), fingerprints: bankClaims }, type: QueryTypes.SELECT, transaction },
        );
        if ((shared?.n ?? 0) > 0) return reject('BANK_ACCOUNT_ALREADY_REWARDED');
      }

      claims.sort((a, b) => (a.kind + a.fingerprint).localeCompare(b.kind + b.fingerprint));
      // Claims (in one order, so parallel decisions cannot deadlock): a parallel decision for the same phone or account waits on the unique key, then finds it taken.
      for (const claim of claims) {
        const inserted = await sequelize.query<{ id: number }>(
          `INSERT INTO referral_bonus_claim (referrer, kind, fingerprint, referral_id) VALUES (:referrer, :kind, :fingerprint, :id)
           ON CONFLICT (referrer, kind, fingerprint) DO NOTHING RETURNING id`,
          { replacements: { referrer, kind: claim.kind, fingerprint: claim.fingerprint, id: referral.id }, type: QueryTypes.SELECT, transaction },
        );
        if (inserted.length === 0) return reject(claim.reason);
      }

      await sequelize.query(`UPDATE referral_history SET status = 'completed', completed_at = now() WHERE id = :id`, {
        replacements: { id: referral.id },
        transaction,
      });
      if (bonusPoints > 0) {
        const reference = referralBonusReference(referred);
        const inserted = await sequelize.query<{ id: number }>(
          `INSERT INTO point_mutation (username, type, amount, description, reference_id)
                VALUES (:referrer, 'CREDIT', :bonus, :description, :reference)
           ON CONFLICT (username, type, reference_id) WHERE reference_id IS NOT NULL DO NOTHING
             RETURNING id`,
          {
            replacements: { referrer, bonus: bonusPoints, description: `Referral bonus: ${referred}`, reference },
            type: QueryTypes.SELECT,
            transaction,
          },
        );
        if (inserted.length > 0) {
          await sequelize.query(
            `INSERT INTO user_balance (username, points) VALUES (:referrer, :bonus)
             ON CONFLICT (username) DO UPDATE SET points = user_balance.points + EXCLUDED.points, updated_at = now()`,
            { replacements: { referrer, bonus: bonusPoints }, transaction },
          );
        } else {
          logger.warn('referral completed but its bonus was already credited', { referred });
        }
      }
      return 'completed';
    });
  }

  return service;
}
