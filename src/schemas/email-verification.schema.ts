import type { JsonSchema } from './json-schema.js';

const email = { type: 'string', format: 'email', minLength: 3, maxLength: 254, example: 'john@example.com' } as const;
const opaqueToken = { type: 'string', minLength: 1, maxLength: 256, 'x-sensitive': true } as const;

export const confirmEmailBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { token: { ...opaqueToken, description: 'the mailed confirmation token (or ?token=)' } },
};

export const confirmEmailQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { token: opaqueToken },
};

export const confirmEmailResponse: JsonSchema = {
  type: 'object',
  properties: {
    status: { type: 'boolean', const: true },
    message: { type: 'string' },
    username: { type: 'string' },
    email: { type: 'string' },
  },
};

export const changeEmailBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['email'],
  properties: { email },
};

export const changeEmailResponse: JsonSchema = {
  type: 'object',
  properties: { status: { type: 'boolean', const: true }, message: { type: 'string' } },
};
