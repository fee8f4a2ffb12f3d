import type { Request, Response } from 'express';
import { userOf } from '../middleware/request-context.js';
import type { ReferralService } from '../services/referral.service.js';

export function createReferralController(referrals: ReferralService) {
  return {
    async history(_req: Request, res: Response) {
      res.json(await referrals.history(userOf(res).username));
    },

    async stats(_req: Request, res: Response) {
      res.json({ status: true, ...(await referrals.stats(userOf(res).username)) });
    },
  };
}
