import type { createMarketingOfferController } from '../controllers/marketing-offer.controller.js';
import { createMarketingOfferBody, marketingOfferCreatedResponse, marketingOfferListResponse } from '../schemas/marketing-offer.schema.js';
import { defineRoute, type RouteDeclaration } from './route.js';

export function marketingOfferRoutes(controller: ReturnType<typeof createMarketingOfferController>): RouteDeclaration[] {
  return [
    defineRoute({
      method: 'get',
      path: '/marketing-offer/list',
      auth: 'jwt',
      summary: 'Active, unexpired offers for everyone or for the caller, newest first',
      description: 'A logged-in user (Bearer JWT). Lists the active, unexpired marketing offers meant for everyone or for the caller, newest first. Changes nothing.',
      tags: ['Marketing'],
      response: { status: 200, schema: marketingOfferListResponse },
      handler: controller.list,
    }),
    defineRoute({
      method: 'post',
      path: '/marketing-offer',
      auth: 'basic',
      summary: 'Create a marketing offer (optionally for one user)',
      description: 'An internal service (Basic API key). Creates a marketing offer, for every user or for one username, shown by /marketing-offer/list until it expires.',
      tags: ['Marketing'],
      schemas: { body: createMarketingOfferBody },
      errors: ['USER_NOT_FOUND'],
      response: { status: 201, schema: marketingOfferCreatedResponse },
      handler: controller.create,
    }),
  ];
}
