import type { Request, Response } from 'express';
import { inputOf, userOf } from '../middleware/request-context.js';
import type { CreateOfferInput, MarketingOfferService } from '../services/marketing-offer.service.js';

export function createMarketingOfferController(offers: MarketingOfferService) {
  return {
    async list(_req: Request, res: Response) {
      res.json(await offers.listFor(userOf(res).username));
    },

    async create(_req: Request, res: Response) {
      const { body } = inputOf<CreateOfferInput>(res);
      const offer = await offers.create(body);
      res.status(201).json({ status: true, message: 'Marketing offer created', offer });
    },
  };
}
