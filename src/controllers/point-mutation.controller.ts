import type { Request, Response } from 'express';
import { sendIdempotent } from './idempotent-answer.js';
import type { RequestInput } from '../middleware/request-context.js';
import type { pointsHistoryQuery, redeemPointsBody } from '../schemas/point-mutation.schema.js';
import type { IdempotencyService } from '../services/idempotency.service.js';
import type { PointMutationService } from '../services/point-mutation.service.js';

export function createPointMutationController(points: PointMutationService, idempotency: IdempotencyService) {
  return {
    async history({ query, principal }: RequestInput<'jwt', { query: typeof pointsHistoryQuery }>, _req: Request, res: Response) {
      res.json(await points.history(principal.username, query));
    },

    /** A retry with the same Idempotency-Key answers the first result without redeeming again. */
    async redeem({ body, principal }: RequestInput<'jwt', { body: typeof redeemPointsBody }>, req: Request, res: Response) {
      const { username } = principal;
      const result = await idempotency.runInTransaction(
        { username, scope: 'points:redeem', key: req.get('Idempotency-Key'), request: body },
        async (t) => ({ status: 200, body: { status: true, message: 'Points redeemed', ...(await points.redeem(username, body.points, t)) } }),
      );
      sendIdempotent(res, result);
    },
  };
}
