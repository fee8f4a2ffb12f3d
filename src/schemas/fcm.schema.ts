import type { JsonSchema } from './json-schema.js';

const tokenSchema = { type: 'string', minLength: 1, maxLength: 4096, pattern: '^[^\\s]+$', example: 'fcm_device_token…' } as const;

export const registerFcmBody = {
  type: 'object',
  additionalProperties: false,
  required: ['token', 'device_type'],
  properties: {
    token: tokenSchema,
    // The seed's clients send "iOS" / "Android"; any case is accepted and stored lower-case (see fcm.service.ts).
    device_type: {
      type: 'string',
      pattern: '^([Aa][Nn][Dd][Rr][Oo][Ii][Dd]|[Ii][Oo][Ss]|[Ww][Ee][Bb])$',
      description: 'android, ios or web, in any case ("iOS", "Android"); stored lower-case',
      example: 'android',
    },
  },
} as const;

export const deleteFcmTokenQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['token'],
  properties: { token: tokenSchema },
} as const;

/** FCM refuses data keys it reserves for itself (the whole message would fail), so they are refused here. */
export const sendPushBody = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'title', 'body'],
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 64 },
    title: { type: 'string', minLength: 1, maxLength: 255, pattern: '\\S' },
    body: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' },
    data: {
      type: 'object',
      maxProperties: 20,
      propertyNames: { minLength: 1, maxLength: 64, pattern: '^(?!(from|notification|message_type)$)(?!(google|gcm)\\.)[A-Za-z0-9_.-]+$' },
      additionalProperties: { type: 'string', maxLength: 1000 },
      example: { offer_id: '123' },
    },
  },
} as const;

export const fcmMessageResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message'],
  properties: { status: { type: 'boolean', const: true }, message: { type: 'string' } },
};

export const sendPushResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'success_count', 'failure_count', 'removed_tokens'],
  properties: {
    status: { type: 'boolean', const: true },
    message: { type: 'string' },
    success_count: { type: 'integer' },
    failure_count: { type: 'integer' },
    removed_tokens: { type: 'integer', description: 'tokens FCM reported invalid, now deleted' },
  },
};
