import type { JsonSchema } from './json-schema.js';

const voucherCodeSchema = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', example: 'WELCOME10K' } as const;

export const redeemVoucherBody = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'voucher_code'],
  properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, voucher_code: voucherCodeSchema },
} as const;

export const checkVoucherQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['voucher_code'],
  properties: { voucher_code: voucherCodeSchema },
} as const;

export const redeemVoucherResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'username', 'voucher_code', 'discount_amount', 'redemption_no', 'redeemed_at'],
  properties: {
    status: { type: 'boolean', const: true },
    message: { type: 'string' },
    username: { type: 'string' },
    voucher_code: { type: 'string' },
    discount_amount: { type: 'number' },
    redemption_no: { type: 'integer' },
    redeemed_at: { type: 'string', format: 'date-time' },
  },
};

export const checkVoucherResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'voucher_code', 'redeemed', 'redemption_count'],
  properties: {
    status: { type: 'boolean', const: true },
    voucher_code: { type: 'string' },
    redeemed: { type: 'boolean' },
    redeemed_at: { type: 'string', format: 'date-time', description: 'the latest redemption, when redeemed' },
    redemption_count: { type: 'integer' },
  },
};

/** The shape of config/voucher-ext.json (VOUCHER_FILE), checked when the server starts. */
export const voucherFileSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['vouchers'],
  properties: {
    vouchers: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'discount_amount', 'valid_from', 'valid_until', 'quota'],
        properties: {
          code: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' },
          discount_amount: {
            anyOf: [
              { type: 'string', pattern: '^(0|[1-9][0-9]{0,15})(\\.[0-9]{1,2})?$' },
              { type: 'integer', minimum: 0, maximum: 1e15 },
            ],
          },
          valid_from: { type: 'string', format: 'date-time' },
          valid_until: { type: 'string', format: 'date-time' },
          quota: { type: 'integer', minimum: 1, maximum: 2147483647 },
          per_user_limit: { type: 'integer', minimum: 1, maximum: 1000, default: 1 },
          description: { type: 'string', maxLength: 1000 },
        },
      },
    },
  },
};
