import type { Request, Response } from 'express';
import type { RequestInput } from '../middleware/request-context.js';
import type { createMarketingOfferBody } from '../schemas/marketing-offer.schema.js';
import type { MarketingOfferService } from '../services/marketing-offer.service.js';

export function createMarketingOfferController(offers: MarketingOfferService) {
  return {
    async list({ principal }: RequestInput<'jwt'>, _req: Request, res: Response) {
      res.json(await offers.listFor(principal.username));
    },

    async create({ body }: RequestInput<'basic', { body: typeof createMarketingOfferBody }>, _req: Request, res: Response) {
      const offer = await offers.create(body);
      res.status(201).json({ status: true, message: 'Marketing offer created', offer });
    },
  };
}
