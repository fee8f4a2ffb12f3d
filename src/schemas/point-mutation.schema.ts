import type { JsonSchema } from './json-schema.js';

export const pointsHistoryQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    offset: { type: 'integer', minimum: 0, maximum: 1000000, default: 0 },
  },
} as const;

export const redeemPointsBody = {
  type: 'object',
  additionalProperties: false,
  required: ['points'],
  properties: { points: { type: 'integer', minimum: 1, maximum: 2147483647, example: 100 } },
} as const;

export const pointsHistoryResponse: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['id', 'type', 'amount', 'description', 'created_at'],
    properties: {
      id: { type: 'integer' },
      type: { type: 'string', enum: ['CREDIT', 'DEBIT'] },
      amount: { type: 'integer' },
      description: { type: ['string', 'null'] },
      created_at: { type: 'string', format: 'date-time' },
    },
  },
};

export const redeemPointsResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'transaction_id', 'points_redeemed', 'amount', 'balance', 'points'],
  properties: {
    status: { type: 'boolean', const: true },
    message: { type: 'string' },
    transaction_id: { type: 'string' },
    points_redeemed: { type: 'integer' },
    amount: { type: 'number', description: 'rupiah credited to the balance' },
    balance: { type: 'number' },
    points: { type: 'integer' },
  },
};
