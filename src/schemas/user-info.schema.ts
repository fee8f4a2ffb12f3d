import type { JsonSchema } from './json-schema.js';

/** Indonesian mobile numbers: +62 / 62 / 0, then 8, a non-zero digit and 6-11 more digits (the seed's format). */
export const PHONE_PATTERN = '^(\\+62|62|0)8[1-9][0-9]{6,11}$';

export const phoneNumberSchema = {
  type: 'string',
  pattern: PHONE_PATTERN,
  description: 'Indonesian mobile number, e.g. 628123456789, +628123456789 or 08123456789',
  example: '628123456789',
} as const;

/** A display name: 1-255 characters with at least one that is not a space. */
export const fullNameSchema = { type: 'string', minLength: 1, maxLength: 255, pattern: '\\S', example: 'John Doe' } as const;

/** Only what a user may change; balance, points, agent, username, email or referral_code are refused (400). */
export const updateProfileBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { full_name: fullNameSchema, phone_number: phoneNumberSchema },
} as const;

/** The multipart form of POST /user/update-profile-img, for the docs; multer reads the file itself (upload.ts). */
export const profileImageBody = {
  type: 'object',
  additionalProperties: false,
  properties: { profile_img: { type: 'string', contentMediaType: 'application/octet-stream', description: 'the image file' } },
} as const;

export const profileResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'username', 'full_name', 'email', 'email_verified', 'phone_number', 'profile_img', 'referral_code', 'balance', 'points'],
  properties: {
    status: { type: 'boolean', const: true },
    username: { type: 'string' },
    full_name: { type: 'string' },
    email: { type: ['string', 'null'], description: 'null after the account lost an unconfirmed address to its owner' },
    email_verified: { type: 'boolean', description: 'whether the owner confirmed the address (mailed link); only a confirmed one logs in' },
    phone_number: { type: ['string', 'null'] },
    profile_img: { type: ['string', 'null'], example: '/resources/user_profile_img/john_doe-7d1c….png' },
    referral_code: { type: 'string' },
    balance: { type: 'number', description: 'rupiah (NUMERIC(18,2) converted with Number())' },
    points: { type: 'integer' },
  },
};

export const profileImageResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'profile_img'],
  properties: { status: { type: 'boolean', const: true }, message: { type: 'string' }, profile_img: { type: 'string' } },
};

export const referralCodeResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'referral_code'],
  properties: { status: { type: 'boolean', const: true }, referral_code: { type: 'string' } },
};
