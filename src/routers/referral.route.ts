import type { createReferralController } from '../controllers/referral.controller.js';
import { referralHistoryResponse, referralStatsResponse } from '../schemas/referral.schema.js';
import type { RouteDeclaration } from './route.js';

export function referralRoutes(controller: ReturnType<typeof createReferralController>): RouteDeclaration[] {
  return [
    {
      method: 'get',
      path: '/referral/history',
      auth: 'jwt',
      summary: 'Users the caller referred, newest first',
      tags: ['Referral'],
      response: { status: 200, schema: referralHistoryResponse },
      handler: controller.history,
    },
    {
      method: 'get',
      path: '/referral/stats',
      auth: 'jwt',
      summary: "The caller's referral counts and the bonus points earned",
      tags: ['Referral'],
      response: { status: 200, schema: referralStatsResponse },
      handler: controller.stats,
    },
  ];
}
