import type { Request, Response } from 'express';
import { inputOf } from '../middleware/request-context.js';
import type { AgentService } from '../services/agent.service.js';

export interface SetAgentBody {
  username: string;
  agent: boolean;
}

/** Operator actions on users, for internal services (Basic auth). */
export function createSysUserController(agents: AgentService) {
  return {
    async setAgent(_req: Request, res: Response) {
      const { username, agent } = inputOf<SetAgentBody>(res).body;
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
