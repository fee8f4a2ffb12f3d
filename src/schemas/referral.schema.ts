import type { JsonSchema } from './json-schema.js';

export const referralHistoryResponse: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['username', 'referral_code', 'status', 'created_at', 'completed_at'],
    properties: {
      username: { type: 'string', description: 'the referred user' },
      referral_code: { type: 'string' },
      status: {
        type: 'string',
        enum: ['pending', 'completed', 'rejected'],
        description: 'rejected: no bonus (payout within the hold, or the phone number or bank account already earned one)',
      },
      created_at: { type: 'string', format: 'date-time' },
      completed_at: { type: ['string', 'null'], format: 'date-time' },
    },
  },
};

export const referralStatsResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'total_referrals', 'completed_referrals', 'pending_referrals', 'rejected_referrals', 'total_earned_points'],
  properties: {
    status: { type: 'boolean', const: true },
    total_referrals: { type: 'integer' },
    completed_referrals: { type: 'integer' },
    pending_referrals: { type: 'integer' },
    rejected_referrals: { type: 'integer', description: 'referrals a bonus rule withheld' },
    total_earned_points: { type: 'integer' },
  },
};
