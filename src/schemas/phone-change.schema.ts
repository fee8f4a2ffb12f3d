import { password } from './auth.schema.js';
import type { JsonSchema } from './json-schema.js';


export const changePhoneBody = {
  type: 'object',
  additionalProperties: false,
  required: ['new_phone', 'password'],
  properties: {
    new_phone: { type: 'string', minLength: 1, maxLength: 20, description: '62…, 0… or +62… (stored as 62…)', example: '628123456789' },
    password: { ...password, description: "the account's password; checked against the login lockout" },
  },
} as const;

export const changePhoneResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'expires_in'],
  properties: { status: { type: 'boolean', const: true }, message: { type: 'string' }, expires_in: { type: 'integer', description: 'seconds the code stays valid' } },
};

export const verifyPhoneBody = {
  type: 'object',
  additionalProperties: false,
  required: ['otp'],
  properties: { otp: { type: 'string', pattern: '^[0-9]{6}$', description: 'the 6-digit code texted to the new number', 'x-sensitive': true } },
} as const;

export const verifyPhoneResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'phone_number'],
  properties: { status: { type: 'boolean', const: true }, message: { type: 'string' }, phone_number: { type: 'string' } },
};
