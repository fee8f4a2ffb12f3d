import type { JsonSchema } from './json-schema.js';

const statusTrue = { type: 'boolean', const: true } as const;
const message = { type: 'string' } as const;
const text = { type: 'string' } as const;
const nullableText = { type: ['string', 'null'] } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;
const money = { type: 'string', pattern: '^-?[0-9]+\\.[0-9]{2}$', description: 'rupiah, exact (NUMERIC as a string)' } as const;
const id = { type: 'integer' } as const;

const rows = (properties: Record<string, unknown>): JsonSchema => ({
  type: 'array',
  items: { type: 'object', additionalProperties: false, required: Object.keys(properties), properties },
});

export const deleteAccountBody = {
  type: 'object',
  additionalProperties: false,
  required: ['password'],
  properties: {
    password: { type: 'string', minLength: 1, maxLength: 256, description: 'the current password' },
    reason: { type: 'string', maxLength: 500, description: 'why the account is deleted (optional; erased with the account)' },
  },
} as const;

export const deleteAccountResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'scheduled_for', 'cancel_token'],
  properties: {
    status: statusTrue,
    message,
    scheduled_for: { ...dateTime, description: 'when the erasure job may erase the account (ACCOUNT_DELETION_GRACE_DAYS after the request)' },
    cancel_token: { type: 'string', description: 'POST /user/delete/cancel {cancel_token} restores the account until then (also mailed, and answered by a login with the right password)' },
  },
};

export const cancelDeletionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['cancel_token'],
  properties: { cancel_token: { type: 'string', minLength: 1, maxLength: 128, description: 'the token POST /user/delete, its mail or the 403 of POST /auth answered' } },
} as const;

export const statusMessageResponse: JsonSchema = { type: 'object', required: ['status', 'message'], properties: { status: statusTrue, message } };

const ledgerRow = {
  id: text,
  type: text,
  amount: money,
  balance_delta: money,
  status: text,
  payment_method: nullableText,
  reference_id: nullableText,
  description: nullableText,
  currency: text,
  invoice_url: nullableText,
  expiry_date: nullableDateTime,
  paid_at: nullableDateTime,
  destination_mask: { ...nullableText, description: 'payout destination, e.g. "BCA ****1234" (never the full number)' },
  failure_code: nullableText,
  created_at: dateTime,
  updated_at: dateTime,
};
const referralRow = { referral_code: text, status: text, created_at: dateTime, completed_at: nullableDateTime };

/** GET /user/export: everything held about the caller. No hash, token, OTP, API key or full account number. */
export const dataExportResponse: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'generated_at', 'account', 'profile', 'wallet', 'addresses', 'ledger', 'invoices', 'payouts', 'points_history', 'referrals', 'voucher_redemptions', 'bank_accounts', 'fcm_devices', 'marketing_offers', 'sessions', 'security'],
  properties: {
    status: statusTrue,
    generated_at: dateTime,
    account: {
      type: 'object',
      additionalProperties: false,
      required: ['username', 'disabled', 'created_at'],
      properties: { username: text, disabled: { type: 'boolean' }, created_at: dateTime },
    },
    profile: {
      type: 'object',
      additionalProperties: false,
      required: ['full_name', 'email', 'email_verified', 'phone_number', 'profile_img', 'referral_code', 'agent', 'locale', 'created_at', 'updated_at'],
      properties: {
        full_name: text,
        email: nullableText,
        email_verified: { type: 'boolean' },
        phone_number: nullableText,
        profile_img: nullableText,
        referral_code: text,
        agent: { type: 'boolean' },
        locale: { type: 'string', enum: ['en', 'id'], description: 'the language of mails and pushes (that of the sign-up request)' },
        created_at: dateTime,
        updated_at: dateTime,
      },
    },
    wallet: { type: 'object', additionalProperties: false, required: ['balance', 'points'], properties: { balance: money, points: { type: 'integer' } } },
    addresses: rows({ id, label: text, recipient_name: text, phone_number: text, address: text, is_default: { type: 'boolean' }, created_at: dateTime, updated_at: dateTime }),
    ledger: { ...rows(ledgerRow), description: 'every wallet movement (SUM(balance_delta) = wallet.balance)' },
    invoices: { ...rows(ledgerRow), description: 'the ledger rows that are Xendit invoices (top-ups and orders)' },
    payouts: { ...rows(ledgerRow), description: 'the ledger rows that are payouts' },
    points_history: rows({ id, type: text, amount: { type: 'integer' }, description: nullableText, reference_id: nullableText, created_at: dateTime }),
    referrals: {
      type: 'object',
      additionalProperties: false,
      required: ['referred_by', 'referred'],
      properties: {
        referred_by: {
          type: ['object', 'null'],
          additionalProperties: false,
          required: ['referrer', ...Object.keys(referralRow)],
          properties: { referrer: text, ...referralRow },
        },
        referred: rows({ username: text, ...referralRow }),
      },
    },
    voucher_redemptions: rows({ id, voucher_code: text, redemption_no: { type: 'integer' }, discount_amount: money, redeemed_at: dateTime }),
    bank_accounts: rows({ id, bank_code: text, account_number_masked: { type: 'string', example: '****1234' }, account_holder_name: text, created_at: dateTime }),
    fcm_devices: { ...rows({ id, device_type: text, created_at: dateTime }), description: 'registered devices (their push tokens are not exported)' },
    marketing_offers: rows({ id, title: text, description: nullableText, image_url: nullableText, valid_until: nullableDateTime, is_active: { type: 'boolean' }, created_at: dateTime }),
    sessions: {
      ...rows({ id: text, device: text, ip: text, created_at: dateTime, last_seen_at: dateTime, revoked_at: nullableDateTime }),
      description: 'every session a password login started (live and ended), newest first',
    },
    security: {
      type: 'object',
      additionalProperties: false,
      required: ['signed_out_everywhere_at', 'logged_out_sessions', 'deactivations', 'activity'],
      properties: {
        signed_out_everywhere_at: { ...nullableDateTime, description: 'the last time every token was revoked (password change, reset, deactivation)' },
        logged_out_sessions: rows({ created_at: dateTime, expires_at: dateTime }),
        deactivations: rows({ reason: text, created_at: dateTime }),
        activity: { ...rows({ kind: text, ip: nullableText, device: nullableText, details: { type: 'object' }, created_at: dateTime }), description: 'the security activity, newest first (as GET /user/activity)' },
      },
    },
  },
};
