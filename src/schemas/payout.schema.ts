/** AJV schemas of the bank-account and payout routes. Account numbers are write-only: answers carry the mask only. */
import type { JsonSchema } from './json-schema.js';

const str = { type: 'string' } as const;
const strOrNull: JsonSchema = { type: ['string', 'null'] };
const num = { type: 'number' } as const;

export const bankAccountBody = {
  type: 'object',
  additionalProperties: false,
  required: ['bank_code', 'account_number', 'account_holder_name'],
  properties: {
    bank_code: {
      type: 'string',
      pattern: '^[A-Z][A-Z0-9_]{1,31}$',
      description: 'A DISBURSEMENT bank_code from POST /bank/list',
      example: 'BCA',
    },
    account_number: {
      type: 'string',
      pattern: '^[0-9]{5,20}$',
      description: 'Digits only; stored encrypted, answered masked',
      'x-sensitive': true,
    },
    account_holder_name: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' },
  },
} as const;

const bankAccount: JsonSchema = {
  type: 'object',
  required: ['id', 'bank_code', 'bank_name', 'account_number', 'account_holder_name', 'created_at'],
  properties: {
    id: { type: 'integer' },
    bank_code: str,
    bank_name: strOrNull,
    account_number: { type: 'string', description: 'Masked: ****1234', example: '****1234' },
    account_holder_name: str,
    created_at: str,
  },
};

export const bankAccountResponse = bankAccount;
export const bankAccountListResponse: JsonSchema = { type: 'array', items: bankAccount };

export const idParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, maximum: 2147483647 } },
} as const;

export const deletedResponse: JsonSchema = {
  type: 'object',
  required: ['id', 'deleted'],
  properties: { id: { type: 'integer' }, deleted: { type: 'boolean' } },
};

export const payoutBody = {
  type: 'object',
  additionalProperties: false,
  required: ['amount', 'bank_account_id'],
  properties: {
    amount: { type: 'number', exclusiveMinimum: 0, description: 'IDR, at most 2 decimals', example: 50000 },
    bank_account_id: { type: 'integer', minimum: 1, maximum: 2147483647 },
    description: { type: 'string', minLength: 1, maxLength: 255 },
  },
} as const;

const payout: JsonSchema = {
  type: 'object',
  required: [
    'payout_id',
    'xendit_payout_id',
    'amount',
    'status',
    'failure_code',
    'bank_account_id',
    'channel_code',
    'destination',
    'description',
    'created_at',
    'updated_at',
  ],
  properties: {
    payout_id: str,
    xendit_payout_id: strOrNull,
    amount: num,
    status: { type: 'string', enum: ['PENDING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'REVERSED'] },
    failure_code: strOrNull,
    bank_account_id: { type: ['integer', 'null'] },
    channel_code: strOrNull,
    destination: { type: ['string', 'null'], example: 'BCA ****1234' },
    description: strOrNull,
    created_at: str,
    updated_at: str,
  },
};

export const payoutResponse: JsonSchema = {
  ...payout,
  required: [...(payout.required as string[]), 'balance'],
  properties: { ...(payout.properties as object), balance: num },
};

export const payoutListResponse: JsonSchema = {
  type: 'object',
  required: ['payouts', 'limit', 'offset'],
  properties: { payouts: { type: 'array', items: payout }, limit: { type: 'integer' }, offset: { type: 'integer' } },
};

/**
 * Xendit's payout v2 webhook envelope (reference/xendit-node-7.md §4). Like the invoice callback it accepts fields
 * Xendit may add; the ones we read are typed.
 */
export const payoutCallbackBody = {
  type: 'object',
  required: ['event', 'data'],
  additionalProperties: true,
  properties: {
    event: { type: 'string', minLength: 1, maxLength: 64 },
    business_id: str,
    created: str,
    data: {
      type: 'object',
      additionalProperties: true,
      required: ['id'],
      properties: {
        id: { type: 'string', minLength: 1, maxLength: 128 },
        reference_id: { type: 'string', minLength: 1, maxLength: 128 },
        status: { type: 'string', minLength: 1, maxLength: 32 },
        failure_code: { type: 'string', maxLength: 64 },
        amount: num,
        currency: str,
        channel_code: str,
        description: {},
        channel_properties: { type: 'object' },
        created: str,
        updated: str,
        estimated_arrival_time: str,
        business_id: str,
        metadata: {},
      },
    },
  },
} as const;

export const payoutCallbackResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'outcome'],
  properties: { status: { type: 'boolean' }, message: { type: 'string', enum: ['processed', 'ignored'] }, outcome: str },
};
