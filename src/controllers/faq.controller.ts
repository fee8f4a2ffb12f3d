import type { Request, Response } from 'express';
import { inputOf } from '../middleware/request-context.js';
import type { FaqInput, FaqService } from '../services/faq.service.js';

type IdParams = { id: number };

export function createFaqController(faqs: FaqService) {
  return {
    async list(_req: Request, res: Response) {
      const { query } = inputOf<Record<string, never>, { category?: string }>(res);
      res.json(await faqs.list(query.category));
    },

    async create(_req: Request, res: Response) {
      const { body } = inputOf<FaqInput>(res);
      res.status(201).json({ status: true, message: 'FAQ created', faq: await faqs.create(body) });
    },

    async update(_req: Request, res: Response) {
      const { body, params } = inputOf<Partial<FaqInput>, Record<string, never>, IdParams>(res);
      res.json({ status: true, message: 'FAQ updated', faq: await faqs.update(params.id, body) });
    },

    async remove(_req: Request, res: Response) {
      const { params } = inputOf<Record<string, never>, Record<string, never>, IdParams>(res);
      await faqs.remove(params.id);
      res.json({ status: true, message: 'FAQ deleted' });
    },
  };
}
