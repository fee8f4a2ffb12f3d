import type { Sequelize } from 'sequelize';
import { AppError } from '../errors/app-error.js';
import type { Models } from '../models/index.js';

export interface AgentChange {
  username: string;
  agent: boolean;
  /** False when the user already had this status (nothing written). */
  changed: boolean;
  /** True when the user's existing tokens were revoked (every `agent: false` request). */
  tokensRevoked: boolean;
}

export type AgentService = ReturnType<typeof createAgentService>;

/**
 * Operators make a user an agent or not (user_info.agent, carried in the JWT's `agent` claim).
 *
 * The claim is read when a token is issued, so a change shows in the user's next token (login or /extend).
 * A promotion leaves existing tokens alone: they merely under-state the user's rights until the next token.
 * A demotion kills every existing token at once: an ex-agent's token that still says `agent: true` must not
 * keep working until it expires; the user signs in again and gets `agent: false`. Tokens are revoked on every
 * `agent: false` request, also when the flag was already off, so re-running a demotion whose revocation failed
 * (Redis down after the commit) completes it.
 */
export function createAgentService(deps: {
  sequelize: Sequelize;
  models: Models;
  tokens: { invalidateUser(username: string): Promise<void> };
}) {
  const { sequelize, models, tokens } = deps;
  return {
    async setAgent(username: string, agent: boolean): Promise<AgentChange> {
      const changed = await sequelize.transaction(async (transaction) => {
        const info = await models.UserInfo.findOne({
          where: { username },
          attributes: ['id', 'agent'],
          transaction,
          lock: transaction.LOCK.UPDATE,
        });
        if (!info) throw new AppError('USER_NOT_FOUND', 'User Not Found');
        if (info.agent === agent) return false;
        await models.UserInfo.update({ agent }, { where: { id: info.id }, transaction });
        return true;
      });
      const tokensRevoked = !agent;
      if (tokensRevoked) await tokens.invalidateUser(username);
      return { username, agent, changed, tokensRevoked };
    },
  };
}
