import type { Request, Response } from 'express';
import type { RequestInput } from '../middleware/request-context.js';
import type { ReferralService } from '../services/referral.service.js';

export function createReferralController(referrals: ReferralService) {
  return {
    async history({ principal }: RequestInput<'jwt'>, _req: Request, res: Response) {
      res.json(await referrals.history(principal.username));
    },

    async stats({ principal }: RequestInput<'jwt'>, _req: Request, res: Response) {
      res.json({ status: true, ...(await referrals.stats(principal.username)) });
    },
  };
}
