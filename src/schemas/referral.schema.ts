import type { JsonSchema } from '../routers/route.js';

export const referralHistoryResponse: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      username: { type: 'string', description: 'the referred user' },
      referral_code: { type: 'string' },
      status: { type: 'string', enum: ['pending', 'completed'] },
      created_at: { type: 'string', format: 'date-time' },
      completed_at: { type: ['string', 'null'], format: 'date-time' },
    },
  },
};

export const referralStatsResponse: JsonSchema = {
  type: 'object',
  properties: {
    status: { type: 'boolean', const: true },
    total_referrals: { type: 'integer' },
    completed_referrals: { type: 'integer' },
    pending_referrals: { type: 'integer' },
    total_earned_points: { type: 'integer' },
  },
};
