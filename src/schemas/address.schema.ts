import type { JsonSchema } from './json-schema.js';
import { phoneNumberSchema } from './user-info.schema.js';

const nonBlank = <const M extends number, const E extends string>(maxLength: M, example: E) => ({ type: 'string', minLength: 1, maxLength, pattern: '\\S', example }) as const;

const addressProperties = {
  label: nonBlank(64, 'Home'),
  recipient_name: nonBlank(255, 'John Doe'),
  phone_number: phoneNumberSchema,
  address: nonBlank(1000, 'Jl. Example No. 123'),
  is_default: { type: 'boolean' },
} as const;

export const createAddressBody = {
  type: 'object',
  additionalProperties: false,
  required: ['label', 'recipient_name', 'phone_number', 'address'],
  properties: addressProperties,
} as const;

/** The seed's "same as create"; every field optional, at least one. */
export const updateAddressBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: addressProperties,
} as const;

/** PostgreSQL INTEGER ids: larger values are refused here instead of failing in the database. */
export const idSchema = { type: 'integer', minimum: 1, maximum: 2147483647 } as const;

export const addressIdParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: idSchema },
} as const;

export const setDefaultAddressBody = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: idSchema },
} as const;

export const addressSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'label', 'recipient_name', 'phone_number', 'address', 'is_default', 'created_at', 'updated_at'],
  properties: {
    id: { type: 'integer' },
    label: { type: 'string' },
    recipient_name: { type: 'string' },
    phone_number: { type: 'string' },
    address: { type: 'string' },
    is_default: { type: 'boolean' },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
};

export const addressListResponse: JsonSchema = { type: 'array', items: addressSchema };

export const addressResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'address'],
  properties: { status: { type: 'boolean', const: true }, message: { type: 'string' }, address: addressSchema },
};

export const addressDeletedResponse: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'default_address_id'],
  properties: { status: { type: 'boolean', const: true }, message: { type: 'string' }, default_address_id: { type: ['integer', 'null'] } },
};
