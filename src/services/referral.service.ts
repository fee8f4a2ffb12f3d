import { QueryTypes, type Sequelize } from 'sequelize';
import type { Models } from '../models/index.js';
import type { Logger } from '../utilities/logger.js';

export interface ReferralHistoryItem {
  username: string;
  referral_code: string;
  status: 'pending' | 'completed';
  created_at: Date;
  completed_at: Date | null;
}

export interface ReferralStats {
  total_referrals: number;
  completed_referrals: number;
  pending_referrals: number;
  total_earned_points: number;
}

export type ReferralService = ReturnType<typeof createReferralService>;

/** reference_id of the bonus a referrer earns for `referredUsername`; the unique index makes it once per referral. */
export const referralBonusReference = (referredUsername: string) => `referral:${referredUsername}`;

/**
 * Referrals as seen by the referrer, and their completion. Sign-up creates the pending referral_history row (and
 * refuses self-referral, as does the table's CHECK); payments call completeReferral when a top-up is paid.
 */
export function createReferralService(deps: { sequelize: Sequelize; models: Models; bonusPoints: number; logger: Logger }) {
  const { sequelize, models, bonusPoints, logger } = deps;

  return {
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
      const [counts] = await sequelize.query<{ total: number; completed: number; pending: number }>(
        `SELECT COUNT(*) AS total,
                COUNT(*) FILTER (WHERE status = 'completed') AS completed,
                COUNT(*) FILTER (WHERE status = 'pending') AS pending
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
        total_earned_points: earned?.points ?? 0,
      };
    },

    /**
     * Called by the payments work after a top-up of `referredUsername` is paid. Idempotent and safe under
     * concurrency: the conditional UPDATE … WHERE status = 'pending' lets exactly one caller complete the referral
     * (a concurrent one waits on the row lock and then finds nothing pending), and in the same transaction the
     * referrer is credited config.wallet.referralBonusPoints with a point_mutation CREDIT `referral:<username>`
     * (the point_mutation_reference_once index would refuse a second one). Returns completed:false when nothing
     * was pending.
     */
    async completeReferral(referredUsername: string): Promise<{ completed: boolean }> {
      return sequelize.transaction(async (transaction) => {
        const completed = await sequelize.query<{ submitted_by: string }>(
          `UPDATE referral_history SET status = 'completed', completed_at = now()
            WHERE username = :referred AND status = 'pending'
        RETURNING submitted_by`,
          { replacements: { referred: referredUsername }, type: QueryTypes.SELECT, transaction },
        );
        const referrer = completed[0]?.submitted_by;
        if (referrer === undefined) return { completed: false };
        if (bonusPoints > 0) {
          const reference = referralBonusReference(referredUsername);
          const inserted = await sequelize.query<{ id: number }>(
            `INSERT INTO point_mutation (username, type, amount, description, reference_id)
                  VALUES (:referrer, 'CREDIT', :bonus, :description, :reference)
             ON CONFLICT (username, type, reference_id) WHERE reference_id IS NOT NULL DO NOTHING
               RETURNING id`,
            {
              replacements: { referrer, bonus: bonusPoints, description: `Referral bonus: ${referredUsername}`, reference },
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
            logger.warn('referral completed but its bonus was already credited', { referred: referredUsername });
          }
        }
        return { completed: true };
      });
    },
  };
}
