export const setAgentBody = {
  type: 'object',
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 64 },
    agent: { type: 'boolean' },
  },
  required: ['username', 'agent'],
  additionalProperties: false,
} as const;
