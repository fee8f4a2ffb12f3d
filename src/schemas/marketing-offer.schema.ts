import type { JsonSchema } from './json-schema.js';

export const createMarketingOfferBody = {
  type: 'object',
  additionalProperties: false,
  required: ['title'],
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 255, pattern: '\\S', example: 'New Year Sale' },
    description: { type: 'string', maxLength: 5000, example: 'Special discount' },
    image_url: {
      type: 'string',
      maxLength: 1024,
      pattern: '^(https?://[^\\s]+|/[^\\s]*)$',
      description: 'an absolute http(s) URL or a path on this server',
      example: '/images/offer.jpg',
    },
    valid_until: {
      type: 'string',
      anyOf: [{ format: 'date' }, { format: 'date-time' }],
      description: 'a date (the offer ends at 23:59:59 UTC that day) or a date-time with a time zone',
      example: '2027-12-31',
    },
    is_active: { type: 'boolean', default: true },
    username: { type: 'string', minLength: 1, maxLength: 64, description: 'target user; omit for an offer shown to everyone' },
  },
} as const;

const offerSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'title', 'description', 'image_url', 'valid_until', 'is_active', 'created_at'],
  properties: {
    id: { type: 'integer' },
    title: { type: 'string' },
    description: { type: ['string', 'null'] },
    image_url: { type: ['string', 'null'] },
    valid_until: { type: ['string', 'null'], format: 'date-time' },
    is_active: { type: 'boolean' },
    created_at: { type: 'string', format: 'date-time' },
  },
};

export const marketingOfferListResponse: JsonSchema = { type: 'array', items: offerSchema };

export const marketingOfferCreatedResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'offer'],
  properties: {
    status: { type: 'boolean', const: true },
    message: { type: 'string' },
    offer: {
      ...offerSchema,
      required: [...(offerSchema.required as string[]), 'username'],
      properties: { ...(offerSchema.properties as object), username: { type: ['string', 'null'] } },
    },
  },
};
