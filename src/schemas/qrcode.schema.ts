export const invoiceQrQuery = {
  type: 'object',
  properties: { invoice_id: { type: 'string', minLength: 1, maxLength: 128, description: 'Xendit invoice id' } },
  required: ['invoice_id'],
  additionalProperties: false,
} as const;
