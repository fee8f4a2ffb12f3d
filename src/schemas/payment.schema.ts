/**
 * AJV schemas of the payment routes (checkout, callback, wallet, invoices, reference lists). The same objects feed
 * the OpenAPI document. Amounts are JSON numbers; the services turn them into exact decimals (at most 2 decimals).
 */
import type { JsonSchema } from './json-schema.js';

const amount = { type: 'number', exclusiveMinimum: 0, description: 'IDR, at most 2 decimals', example: 100000 } as const;
const description = { type: 'string', minLength: 1, maxLength: 255 } as const;
const channelName = { type: 'string', pattern: '^[A-Z][A-Z0-9_]{1,31}$' } as const;
/** Xendit's invoice id, or our transaction id (the invoice's external_id). */
const invoiceId = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9_-]+$',
  example: '65a1f0c2e4b0a1b2c3d4e5f6',
} as const;

const paymentMethod = {
  ...channelName,
  description: 'A channel (OVO, BCA, QRIS…) or a category (EWALLET, VIRTUAL_ACCOUNT, QR_CODE, RETAIL_OUTLET, CREDIT_CARD)',
} as const;
const ewalletType = { ...channelName, description: 'With payment_method EWALLET: the one e-wallet to offer (OVO, DANA…)' } as const;

export const checkoutBody = {
  type: 'object',
  additionalProperties: false,
  required: ['amount'],
  properties: {
    amount,
    description,
    payment_method: paymentMethod,
    ewallet_type: ewalletType,
  },
} as const;

export const systemCheckoutBody = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'amount'],
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 64 },
    amount,
    description,
    payment_method: paymentMethod,
    ewallet_type: ewalletType,
  },
} as const;

export const checkoutResponse: JsonSchema = {
  type: 'object',
  required: ['invoice_id', 'external_id', 'invoice_url', 'amount', 'currency', 'status', 'description', 'expiry_date'],
  properties: {
    invoice_id: { type: 'string' },
    external_id: { type: 'string' },
    invoice_url: { type: 'string' },
    amount: { type: 'number' },
    currency: { type: 'string' },
    status: { type: 'string', enum: ['PENDING'] },
    description: { type: 'string' },
    expiry_date: { type: 'string', format: 'date-time' },
  },
};

const str = { type: 'string' } as const;
const strOrNull: JsonSchema = { type: ['string', 'null'] };
const num = { type: 'number' } as const;

/**
 * Xendit's invoice callback (flat snake_case, see reference/xendit-node-7.md §3). Xendit adds fields over time and a
 * 400 would only make it retry for 24 h, so unknown fields are accepted (the route declares why); the fields we use
 * are typed, and the documented extras are listed.
 */
export const invoiceCallbackBody = {
  type: 'object',
  required: ['id', 'status'],
  additionalProperties: true,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 128 },
    external_id: { type: 'string', minLength: 1, maxLength: 255 },
    user_id: str,
    status: { type: 'string', minLength: 1, maxLength: 32 },
    merchant_name: str,
    amount: num,
    paid_amount: num,
    initial_amount: num,
    adjusted_received_amount: num,
    fees_paid_amount: num,
    currency: { type: 'string', minLength: 3, maxLength: 3 },
    payer_email: str,
    description: {},
    paid_at: str,
    created: str,
    updated: str,
    is_high: { type: 'boolean' },
    payment_method: str,
    payment_channel: str,
    payment_destination: str,
    payment_id: str,
    payment_details: {},
    bank_code: str,
    ewallet_type: str,
    credit_card_charge_id: str,
    success_redirect_url: str,
    failure_redirect_url: str,
    should_authenticate_credit_card: { type: 'boolean' },
    on_demand_link: str,
    recurring_payment_id: str,
    items: {},
    fees: {},
  },
} as const;

export const callbackResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'outcome'],
  properties: {
    status: { type: 'boolean' },
    message: { type: 'string', enum: ['processed', 'ignored', 'rejected'] },
    outcome: { type: 'string' },
  },
};

export const balanceResponse: JsonSchema = {
  type: 'object',
  required: ['balance', 'points'],
  properties: { balance: { type: 'number', example: 50000 }, points: { type: 'integer', example: 150 } },
};

export const decreaseBody = {
  type: 'object',
  additionalProperties: false,
  required: ['amount', 'description'],
  properties: { amount, description },
} as const;

export const decreaseResponse: JsonSchema = {
  type: 'object',
  required: ['transaction_id', 'amount', 'description', 'balance'],
  properties: { transaction_id: { type: 'string' }, amount: num, description: str, balance: num },
};

export const invoiceIdQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['invoice_id'],
  properties: { invoice_id: invoiceId },
} as const;

export const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 50, default: 20 },
    offset: { type: 'integer', minimum: 0, maximum: 100000, default: 0 },
  },
} as const;

export const cancelInvoiceBody = {
  type: 'object',
  additionalProperties: false,
  required: ['invoice_id'],
  properties: { invoice_id: invoiceId },
} as const;

export const publicInvoiceResponse: JsonSchema = {
  type: 'object',
  required: ['invoice_id', 'status', 'amount', 'currency', 'description', 'invoice_url', 'expiry_date'],
  properties: {
    invoice_id: str,
    status: { type: 'string', enum: ['PENDING', 'PAID', 'SETTLED', 'EXPIRED'] },
    amount: num,
    currency: str,
    description: strOrNull,
    invoice_url: strOrNull,
    expiry_date: strOrNull,
  },
};

const ownInvoice: JsonSchema = {
  type: 'object',
  required: [
    'invoice_id',
    'external_id',
    'type',
    'status',
    'amount',
    'currency',
    'description',
    'invoice_url',
    'expiry_date',
    'paid_at',
    'payment_method',
    'payment_channel',
    'created_at',
  ],
  properties: {
    invoice_id: strOrNull,
    external_id: str,
    type: { type: 'string', enum: ['TOPUP', 'CHECKOUT'] },
    status: str,
    amount: num,
    currency: str,
    description: strOrNull,
    invoice_url: strOrNull,
    expiry_date: strOrNull,
    paid_at: strOrNull,
    payment_method: strOrNull,
    payment_channel: strOrNull,
    created_at: strOrNull,
  },
};

export const ownInvoiceResponse: JsonSchema = {
  ...ownInvoice,
  required: [...(ownInvoice.required as string[]), 'xendit_status'],
  properties: { ...(ownInvoice.properties as object), xendit_status: str },
};

export const invoiceListResponse: JsonSchema = {
  type: 'object',
  required: ['invoices', 'limit', 'offset'],
  properties: { invoices: { type: 'array', items: ownInvoice }, limit: { type: 'integer' }, offset: { type: 'integer' } },
};

export const cancelInvoiceResponse: JsonSchema = {
  type: 'object',
  required: ['invoice_id', 'status'],
  properties: { invoice_id: str, status: { type: 'string', enum: ['EXPIRED'] } },
};

export const bankListBody = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: { type: { type: 'string', enum: ['DISBURSEMENT', 'PAYMENT'] } },
} as const;

export const bankListResponse: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['bank_code', 'channel_code', 'name', 'category', 'type'],
    properties: { bank_code: str, channel_code: str, name: str, category: str, type: str },
  },
};

export const paymentTypeListResponse: JsonSchema = {
  type: 'array',
  items: { type: 'object', required: ['code', 'name', 'category'], properties: { code: str, name: str, category: str } },
};

/** Totals over invoices, payouts and due referral bonuses. */
export const syncResponse: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['checked', 'updated', 'failed'],
  properties: {
    checked: { type: 'integer' },
    updated: { type: 'integer' },
    failed: { type: 'integer' },
  },
};
