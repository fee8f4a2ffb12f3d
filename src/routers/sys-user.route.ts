import type { createSysUserController } from '../controllers/sys-user.controller.js';
import { setAgentBody } from '../schemas/sys-user.schema.js';
import { defineRoute, type RouteDeclaration } from './route.js';

export function sysUserRoutes(controller: ReturnType<typeof createSysUserController>): RouteDeclaration[] {
  return [
    defineRoute({
      method: 'post',
      path: '/sys/user/agent',
      auth: 'basic',
      summary:
        "Make a user an agent or not (user_info.agent). Shows in the user's next token; turning it off also revokes the user's existing tokens",
      description: "An internal service (Basic API key). Sets or clears a user's agent flag; it shows in the user's next token, and clearing it also revokes the user's existing tokens.",
      tags: ['System'],
      schemas: { body: setAgentBody },
      response: {
        status: 200,
        schema: {
          type: 'object',
          required: ['status', 'message', 'username', 'agent', 'changed', 'tokens_revoked'],
          properties: {
            status: { type: 'boolean' },
            message: { type: 'string' },
            username: { type: 'string' },
            agent: { type: 'boolean' },
            changed: { type: 'boolean', description: 'false when the user already had this status' },
            tokens_revoked: { type: 'boolean', description: "true when the user's existing tokens were revoked (agent: false)" },
          },
        },
      },
      errors: ['USER_NOT_FOUND'],
      handler: controller.setAgent,
    }),
  ];
}
