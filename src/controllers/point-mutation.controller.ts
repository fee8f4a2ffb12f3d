import type { Request, Response } from 'express';
import type { IdempotentRunner } from '../middleware/idempotent.js';
import type { RequestInput } from '../middleware/request-context.js';
import type { pointsHistoryQuery, redeemPointsBody } from '../schemas/point-mutation.schema.js';
import type { PointMutationService } from '../services/point-mutation.service.js';

export function createPointMutationController(points: PointMutationService) {
  return {
    async history({ query, principal }: RequestInput<'jwt', { query: typeof pointsHistoryQuery }>, _req: Request, res: Response) {
      res.json(await points.history(principal.username, query));
    },

    /** A retry with the same Idempotency-Key answers the first result without redeeming again. */
    async redeem({ body, principal, idempotent }: RequestInput<'jwt', { body: typeof redeemPointsBody }> & { idempotent: IdempotentRunner }) {
      const { username } = principal;
      await idempotent.inTransaction(async (t) => ({
        status: 200,
        body: { status: true, message: 'Points redeemed', ...(await points.redeem(username, body.points, t)) },
      }));
    },
  };
}
