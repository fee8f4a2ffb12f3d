import type { createReferralController } from '../controllers/referral.controller.js';
import { referralHistoryResponse, referralStatsResponse } from '../schemas/referral.schema.js';
import { defineRoute, type RouteDeclaration } from './route.js';

export function referralRoutes(controller: ReturnType<typeof createReferralController>): RouteDeclaration[] {
  return [
    defineRoute({
      method: 'get',
      path: '/referral/history',
      auth: 'jwt',
      summary: 'Users the caller referred, newest first',
      description: "A logged-in user (Bearer JWT). Lists the users who signed up with the caller's referral code, newest first. Changes nothing.",
      tags: ['Referral'],
      response: { status: 200, schema: referralHistoryResponse },
      handler: controller.history,
    }),
    defineRoute({
      method: 'get',
      path: '/referral/stats',
      auth: 'jwt',
      summary: "The caller's referral counts and the bonus points earned",
      description: 'A logged-in user (Bearer JWT). Answers how many users the caller referred and the bonus points earned from them. Changes nothing.',
      tags: ['Referral'],
      response: { status: 200, schema: referralStatsResponse },
      handler: controller.stats,
    }),
  ];
}
