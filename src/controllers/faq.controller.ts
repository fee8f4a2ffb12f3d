import type { Request, Response } from 'express';
import type { RequestInput } from '../middleware/request-context.js';
import type { createFaqBody, faqIdParams, faqListQuery, updateFaqBody } from '../schemas/faq.schema.js';
import type { FaqService } from '../services/faq.service.js';

export function createFaqController(faqs: FaqService) {
  return {
    async list({ query }: RequestInput<'none', { query: typeof faqListQuery }>, _req: Request, res: Response) {
      res.json(await faqs.list(query.category));
    },

    async create({ body }: RequestInput<'basic', { body: typeof createFaqBody }>, _req: Request, res: Response) {
      res.status(201).json({ status: true, message: 'FAQ created', faq: await faqs.create(body) });
    },

    async update({ body, params }: RequestInput<'basic', { body: typeof updateFaqBody; params: typeof faqIdParams }>, _req: Request, res: Response) {
      res.json({ status: true, message: 'FAQ updated', faq: await faqs.update(params.id, body) });
    },

    async remove({ params }: RequestInput<'basic', { params: typeof faqIdParams }>, _req: Request, res: Response) {
      await faqs.remove(params.id);
      res.json({ status: true, message: 'FAQ deleted' });
    },
  };
}
