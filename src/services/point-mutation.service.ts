import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { AppError } from '../errors/app-error.js';
import type { Models } from '../models/index.js';
import { formatRupiah, generateDateCodedId } from '../utilities/general.js';

export interface PointHistoryItem {
  id: number;
  type: 'CREDIT' | 'DEBIT';
  amount: number;
  description: string | null;
  created_at: Date;
}

export interface RedeemResult {
  transaction_id: string;
  points_redeemed: number;
  /** Rupiah credited (Number of the exact NUMERIC string). */
  amount: number;
  balance: number;
  points: number;
}

export type PointMutationService = ReturnType<typeof createPointMutationService>;

/** Points: the history and redeeming points into balance at config.wallet.pointValueIdr rupiah per point. */
export function createPointMutationService(deps: { sequelize: Sequelize; models: Models; pointValueIdr: number }) {
  const { sequelize, models, pointValueIdr } = deps;

  return {
    /** Newest first. */
    async history(username: string, page: { limit: number; offset: number }): Promise<PointHistoryItem[]> {
      const rows = await models.PointMutation.findAll({
        where: { username },
        attributes: ['id', 'type', 'amount', 'description', 'created_at'],
        order: [
          ['created_at', 'DESC'],
          ['id', 'DESC'],
        ],
        limit: page.limit,
        offset: page.offset,
      });
      return rows.map((r) => ({ id: r.id, type: r.type, amount: r.amount, description: r.description, created_at: r.created_at }));
    },

    /**
     * One transaction: the conditional UPDATE takes the points only if there are enough (so two concurrent redeems
     * of the last points let exactly one through), then the point_mutation DEBIT and the user_transaction ledger row.
     * With an Idempotency-Key it runs in `t`, the transaction that also records the key's answer.
     */
    async redeem(username: string, points: number, t?: Transaction): Promise<RedeemResult> {
      // Exact integer rupiah: BigInt, never float arithmetic on money.
      const idr = (BigInt(points) * BigInt(pointValueIdr)).toString();
      const transactionId = generateDateCodedId('PNT');
      const description = `Redeemed ${points} points for ${formatRupiah(idr)}`;
      const inTransaction = <R>(fn: (transaction: Transaction) => Promise<R>) => (t ? fn(t) : sequelize.transaction(fn));
      return inTransaction(async (transaction) => {
        const rows = await sequelize.query<{ balance: string; points: number }>(
          `UPDATE user_balance
              SET points = points - :points, balance = balance + CAST(:idr AS NUMERIC), updated_at = now()
            WHERE username = :username AND points >= :points
        RETURNING balance, points`,
          { replacements: { points, idr, username }, type: QueryTypes.SELECT, transaction },
        );
        const after = rows[0];
        if (!after) throw new AppError('INSUFFICIENT_POINTS');
        await models.PointMutation.create(
          { username, type: 'DEBIT', amount: points, description, reference_id: `redeem:${transactionId}` },
          { transaction },
        );
        await models.UserTransaction.create(
          {
            id: transactionId,
            username,
            type: 'POINT_REDEEM',
            amount: idr,
            balance_delta: idr,
            status: 'SUCCESS',
            payment_method: 'POINTS',
            description,
            paid_at: new Date(),
          },
          { transaction },
        );
        return {
          transaction_id: transactionId,
          points_redeemed: points,
          amount: Number(idr),
          balance: Number(after.balance),
          points: after.points,
        };
      });
    },
  };
}
