import type { createFaqController } from '../controllers/faq.controller.js';
import { createFaqBody, faqIdParams, faqListQuery, faqDeletedResponse, faqListResponse, faqResponse, updateFaqBody } from '../schemas/faq.schema.js';
import { defineRoute, type RouteDeclaration } from './route.js';

export function faqRoutes(controller: ReturnType<typeof createFaqController>): RouteDeclaration[] {
  return [
    defineRoute({
      method: 'get',
      path: '/faq/list',
      auth: 'none',
      summary: 'Active FAQ entries by sort_order then id, optionally of one category',
      description: 'Anyone may call it. Lists the active FAQ entries, ordered by sort_order then id, optionally of one category. Changes nothing.',
      tags: ['FAQ'],
      schemas: { query: faqListQuery },
      response: { status: 200, schema: faqListResponse },
      handler: controller.list,
    }),
    defineRoute({
      method: 'post',
      path: '/faq',
      auth: 'basic',
      summary: 'Create an FAQ entry',
      description: 'An internal service (Basic API key). Creates an FAQ entry.',
      tags: ['FAQ'],
      schemas: { body: createFaqBody },
      response: { status: 201, schema: faqResponse },
      handler: controller.create,
    }),
    defineRoute({
      method: 'put',
      path: '/faq/:id',
      auth: 'basic',
      summary: 'Change an FAQ entry',
      description: 'An internal service (Basic API key). Changes the given fields of an FAQ entry.',
      tags: ['FAQ'],
      schemas: { body: updateFaqBody, params: faqIdParams },
      errors: ['FAQ_NOT_FOUND'],
      response: { status: 200, schema: faqResponse },
      handler: controller.update,
    }),
    defineRoute({
      method: 'delete',
      path: '/faq/:id',
      auth: 'basic',
      summary: 'Delete an FAQ entry',
      description: 'An internal service (Basic API key). Deletes an FAQ entry.',
      tags: ['FAQ'],
      schemas: { params: faqIdParams },
      errors: ['FAQ_NOT_FOUND'],
      response: { status: 200, schema: faqDeletedResponse },
      handler: controller.remove,
    }),
  ];
}
