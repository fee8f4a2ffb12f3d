import type { Request, Response } from 'express';
import { inputOf, userOf } from '../middleware/request-context.js';
import type { IdempotencyService } from '../services/idempotency.service.js';
import type { PointMutationService } from '../services/point-mutation.service.js';

export function createPointMutationController(points: PointMutationService, idempotency: IdempotencyService) {
  return {
    async history(_req: Request, res: Response) {
      const { query } = inputOf<Record<string, never>, { limit: number; offset: number }>(res);
      res.json(await points.history(userOf(res).username, query));
    },

    /** A retry with the same Idempotency-Key answers the first result without redeeming again. */
    async redeem(req: Request, res: Response) {
      const { username } = userOf(res);
      const { body } = inputOf<{ points: number }>(res);
      const result = await idempotency.runInTransaction(
        { username, scope: 'points:redeem', key: req.get('Idempotency-Key'), request: body },
        async (t) => ({ status: 200, body: { status: true, message: 'Points redeemed', ...(await points.redeem(username, body.points, t)) } }),
      );
      if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.status(result.status).json(result.body);
    },
  };
}
