/**
 * AJV schemas of the authentication endpoints; the same objects feed the OpenAPI document.
 * Passwords are bounded loosely here (1-256 characters, so nothing huge reaches bcrypt); the password policy in
 * password.service.ts then says which rule failed (8-72 UTF-8 bytes, not the username or email).
 */
import type { JsonSchema } from './json-schema.js';

/** A password as bodies carry it: bounded loosely (the policy in password.service.ts says which rule failed). */
export const password = { type: 'string', minLength: 1, maxLength: 256, 'x-sensitive': true } as const;
export const email = { type: 'string', format: 'email', minLength: 3, maxLength: 254, example: 'john@example.com' } as const;
export const opaqueToken = { type: 'string', minLength: 1, maxLength: 256, 'x-sensitive': true } as const;

export const loginBody = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 254, description: 'username or email', example: 'john_doe' },
    password,
    device_name: { type: 'string', minLength: 1, maxLength: 100, description: 'names the session in GET /sessions (default: the User-Agent)', example: "Budi's Pixel 8" },
  },
} as const;

export const signUpBody = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password', 'email', 'full_name'],
  properties: {
    username: { type: 'string', pattern: '^[A-Za-z0-9_.-]{3,40}$', description: '3-40 letters, digits, _ . - (stored lowercase)', example: 'john_doe' },
    password,
    email,
    full_name: { type: 'string', minLength: 1, maxLength: 255, pattern: '\\S', example: 'John Doe' },
    phone_number: { type: 'string', maxLength: 20, description: 'required for mode OTP; 62…, 0… or +62…', example: '628123456789' },
    referral_code: { type: 'string', minLength: 1, maxLength: 32, example: 'JOHN1234' },
    mode: { type: 'string', enum: ['LINK', 'OTP'], default: 'LINK' },
  },
} as const;

export const checkEmailBody = {
  type: 'object',
  additionalProperties: false,
  required: ['email'],
  properties: { email },
} as const;

export const verifySignUpBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    otp: { type: 'string', pattern: '^[0-9]{6}$', description: 'the 6-digit SMS code (OTP mode)', 'x-sensitive': true },
    token: { ...opaqueToken, description: 'the mailed link token (LINK mode), or the registration token' },
  },
} as const;

export const tokenQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { token: opaqueToken },
} as const;

export const resendOtpBody = {
  type: 'object',
  additionalProperties: false,
  properties: { token: { ...opaqueToken, description: 'the registration token (or send it as Bearer)' } },
} as const;

export const requestResetBody = {
  type: 'object',
  additionalProperties: false,
  required: ['email'],
  properties: { email },
} as const;

export const resetPasswordBody = {
  type: 'object',
  additionalProperties: false,
  required: ['password'],
  properties: { password, token: { ...opaqueToken, description: 'the mailed reset token (or ?token=)' } },
} as const;

export const updatePasswordBody = {
  type: 'object',
  additionalProperties: false,
  required: ['old_password', 'new_password'],
  properties: { old_password: password, new_password: password },
} as const;

export const deactivateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S', example: 'No longer needed' } },
} as const;

const message = { type: 'string' } as const;
const statusTrue = { type: 'boolean', const: true } as const;

export const loginResponse: JsonSchema = {
  type: 'object',
  required: ['token', 'agent', 'expires_at'],
  properties: { token: { type: 'string' }, agent: { type: 'boolean' }, expires_at: { type: 'string', format: 'date-time' } },
};

export const signUpResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'registration_token', 'token', 'mode', 'expires_in'],
  properties: {
    status: statusTrue,
    message,
    registration_token: { type: 'string' },
    token: { type: 'string', description: 'the same value as registration_token (the name the original system answered)' },
    mode: { type: 'string', enum: ['LINK', 'OTP'] },
    expires_in: { type: 'integer', description: 'seconds until the pending sign-up expires' },
  },
};

export const statusMessageResponse: JsonSchema = { type: 'object', required: ['status', 'message'], properties: { status: statusTrue, message } };

export const checkEmailResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'registered', 'message'],
  properties: { status: statusTrue, registered: { type: 'boolean' }, message },
};

export const verifySignUpResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'username'],
  properties: { status: statusTrue, message, username: { type: 'string' } },
};

export const verifyTokenResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'user', 'agent'],
  properties: { status: statusTrue, user: { type: 'string' }, agent: { type: 'boolean' } },
};

export const tokenResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'token', 'agent', 'expires_at'],
  properties: { status: statusTrue, message, token: { type: 'string' }, agent: { type: 'boolean' }, expires_at: { type: 'string', format: 'date-time' } },
};

export const whoamiResponse: JsonSchema = { type: 'object', required: ['status', 'holder'], properties: { status: statusTrue, holder: { type: 'string' } } };
