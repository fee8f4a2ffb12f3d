/** AJV schemas of the session list and remote sign-out; the same objects feed the OpenAPI document. */
import type { JsonSchema } from './json-schema.js';

/** What GET /user/activity may list (security-activity.service.ts records them). */
export const SECURITY_EVENT_KINDS = [
  'login_succeeded',
  'login_failed',
  'lockout',
  'password_changed',
  'password_reset',
  'email_change_requested',
  'email_changed',
  'email_change_cancelled',
  'phone_change_requested',
  'phone_changed',
  'session_revoked',
  'deactivated',
  'deletion_requested',
  'bank_account_added',
  'payout_requested',
  'money_cooling_off',
] as const;

const statusTrue = { type: 'boolean', const: true } as const;

export const sessionIdParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid', description: 'a session id from GET /sessions' } },
} as const;

const session = {
  type: 'object',
  required: ['id', 'device', 'ip', 'created_at', 'last_seen_at', 'current'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    device: { type: 'string', description: 'the device_name sent at login, else its User-Agent', example: "Budi's Pixel 8" },
    ip: { type: 'string', example: '203.0.113.7' },
    created_at: { type: 'string', format: 'date-time', description: 'the password login that started it' },
    last_seen_at: { type: 'string', format: 'date-time', description: 'its login or its latest /extend' },
    current: { type: 'boolean', description: 'the session of the token presented' },
  },
} as const;

export const sessionListResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'sessions'],
  properties: { status: statusTrue, sessions: { type: 'array', items: session } },
};

export const sessionRevokedResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message'],
  properties: { status: statusTrue, message: { type: 'string' } },
};

export const sessionsRevokedResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'revoked'],
  properties: { status: statusTrue, message: { type: 'string' }, revoked: { type: 'integer', minimum: 0 } },
};

export const activityQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    page: { type: 'integer', minimum: 1, maximum: 100000, default: 1 },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  },
} as const;

export const activityResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'events', 'page', 'limit', 'has_more'],
  properties: {
    status: statusTrue,
    events: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'kind', 'ip', 'device', 'details', 'created_at'],
        properties: {
          id: { type: 'integer' },
          kind: {
            type: 'string',
            enum: [...SECURITY_EVENT_KINDS],
            description: 'what happened',
          },
          ip: { type: ['string', 'null'] },
          device: { type: ['string', 'null'], description: 'device_name or User-Agent of the request' },
          details: { type: 'object', description: 'e.g. session_id, new_device, the revoked session' },
          created_at: { type: 'string', format: 'date-time' },
        },
      },
    },
    page: { type: 'integer' },
    limit: { type: 'integer' },
    has_more: { type: 'boolean' },
  },
};
