import type { Request, Response } from 'express';
import type { RequestInput } from '../middleware/request-context.js';
import type { setAgentBody } from '../schemas/sys-user.schema.js';
import type { AgentService } from '../services/agent.service.js';

/** Operator actions on users, for internal services (Basic auth). */
export function createSysUserController(agents: AgentService) {
  return {
    async setAgent({ body }: RequestInput<'basic', { body: typeof setAgentBody }>, _req: Request, res: Response) {
      const { username, agent } = body;
      const result = await agents.setAgent(username, agent);
      res.status(200).json({
        status: true,
        message: result.changed
          ? agent
            ? 'User is now an agent'
            : 'User is no longer an agent'
          : agent
            ? 'User was already an agent'
            : 'User was already not an agent',
        username: result.username,
        agent: result.agent,
        changed: result.changed,
        tokens_revoked: result.tokensRevoked,
      });
    },
  };
}
