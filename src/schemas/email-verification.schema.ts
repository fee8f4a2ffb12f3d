import { email, opaqueToken, password } from './auth.schema.js';
import type { JsonSchema } from './json-schema.js';

export const confirmEmailBody = {
  type: 'object',
  additionalProperties: false,
  properties: { token: { ...opaqueToken, description: 'the mailed confirmation token (or ?token=)' } },
} as const;

export const confirmEmailQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { token: opaqueToken },
} as const;

export const confirmEmailResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'username', 'email'],
  properties: {
    status: { type: 'boolean', const: true },
    message: { type: 'string' },
    username: { type: 'string' },
    email: { type: 'string' },
  },
};

/**
 * Two shapes: {new_email, password} changes the account's email (the confirmed one included); {email} alone binds an
 * address to an account that has no confirmed one yet. The controller refuses a mix (400).
 */
export const changeEmailBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    new_email: { ...email, description: 'the address to change to (with password)' },
    password: { ...password, description: "the account's password (with new_email); checked against the login lockout" },
    email: { type: 'string', format: 'email', minLength: 3, maxLength: 254, description: 'alone: binds an address to an account without a confirmed one' },
  },
} as const;

export const cancelEmailChangeBody = {
  type: 'object',
  additionalProperties: false,
  properties: { token: { ...opaqueToken, description: 'the cancel token mailed to the old address (or ?token=)' } },
} as const;

export const cancelEmailChangeQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { token: opaqueToken },
} as const;

export const changeEmailResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message'],
  properties: { status: { type: 'boolean', const: true }, message: { type: 'string' } },
};
