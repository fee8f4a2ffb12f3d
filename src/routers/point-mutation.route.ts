import type { createPointMutationController } from '../controllers/point-mutation.controller.js';
import { pointsHistoryQuery, pointsHistoryResponse, redeemPointsBody, redeemPointsResponse } from '../schemas/point-mutation.schema.js';
import { defineRoute, type RouteDeclaration } from './route.js';

export function pointMutationRoutes(controller: ReturnType<typeof createPointMutationController>): RouteDeclaration[] {
  return [
    defineRoute({
      method: 'get',
      path: '/points/history',
      auth: 'jwt',
      summary: "The caller's point mutations, newest first (limit 1-100, default 20; offset)",
      description: "A logged-in user (Bearer JWT). Pages through the caller's point mutations (earned, redeemed, bonuses), newest first. Changes nothing.",
      tags: ['Points'],
      schemas: { query: pointsHistoryQuery },
      response: { status: 200, schema: pointsHistoryResponse },
      handler: controller.history,
    }),
    defineRoute({
      method: 'post',
      path: '/points/redeem',
      auth: 'jwt',
      summary: 'Convert points to balance at POINT_VALUE_IDR rupiah per point',
      description: 'A logged-in user (Bearer JWT). Converts points to wallet balance at POINT_VALUE_IDR rupiah per point in one transaction (points debited, balance credited, both ledgers written). Honours Idempotency-Key.',
      tags: ['Points'],
      schemas: { body: redeemPointsBody },
      idempotency: { scope: 'points:redeem' },
      headers: [{ name: 'Idempotency-Key', description: 'a retry with the same key answers the first result without redeeming again' }],
      errors: ['INSUFFICIENT_POINTS'],
      response: { status: 200, schema: redeemPointsResponse },
      handler: controller.redeem,
    }),
  ];
}
