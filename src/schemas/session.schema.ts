/** AJV schemas of the session list and remote sign-out; the same objects feed the OpenAPI document. */
import type { JsonSchema } from '../routers/route.js';

const statusTrue = { type: 'boolean', const: true } as const;

export const sessionIdParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid', description: 'a session id from GET /sessions' } },
};

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
