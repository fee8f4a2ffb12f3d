import type { JsonSchema } from './json-schema.js';
import { idSchema } from './address.schema.js';

const categorySchema = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', example: 'payment' } as const;

const faqProperties = {
  category: categorySchema,
  question: { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' },
  answer: { type: 'string', minLength: 1, maxLength: 10000, pattern: '\\S' },
  sort_order: { type: 'integer', minimum: -1000000, maximum: 1000000 },
  is_active: { type: 'boolean' },
} as const;

export const faqListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { category: categorySchema },
} as const;

export const createFaqBody = {
  type: 'object',
  additionalProperties: false,
  required: ['question', 'answer'],
  properties: faqProperties,
} as const;

export const updateFaqBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: faqProperties,
} as const;

export const faqIdParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: idSchema },
} as const;

const faqSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'category', 'question', 'answer', 'sort_order', 'is_active'],
  properties: {
    id: { type: 'integer' },
    category: { type: 'string' },
    question: { type: 'string' },
    answer: { type: 'string' },
    sort_order: { type: 'integer' },
    is_active: { type: 'boolean' },
  },
};

export const faqListResponse: JsonSchema = { type: 'array', items: faqSchema };

export const faqResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'faq'],
  properties: { status: { type: 'boolean', const: true }, message: { type: 'string' }, faq: faqSchema },
};

export const faqDeletedResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message'],
  properties: { status: { type: 'boolean', const: true }, message: { type: 'string' } },
};
