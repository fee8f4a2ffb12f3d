import type { JsonSchema } from './json-schema.js';
import { phoneNumberSchema } from './user-info.schema.js';

const nonBlank = (maxLength: number, example: string): JsonSchema => ({ type: 'string', minLength: 1, maxLength, pattern: '\\S', example });

const addressProperties = {
  label: nonBlank(64, 'Home'),
  recipient_name: nonBlank(255, 'John Doe'),
  phone_number: phoneNumberSchema,
  address: nonBlank(1000, 'Jl. Example No. 123'),
  is_default: { type: 'boolean' },
};

export const createAddressBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['label', 'recipient_name', 'phone_number', 'address'],
  properties: addressProperties,
};

/** The seed's "same as create"; every field optional, at least one. */
export const updateAddressBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: addressProperties,
};

/** PostgreSQL INTEGER ids: larger values are refused here instead of failing in the database. */
export const idSchema: JsonSchema = { type: 'integer', minimum: 1, maximum: 2147483647 };

export const addressIdParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: idSchema },
};

export const setDefaultAddressBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: idSchema },
};

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
