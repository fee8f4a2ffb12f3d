import type { Sequelize } from 'sequelize';
import { AppError } from '../errors/app-error.js';
import type { Models } from '../models/index.js';
import type { DeviceSessionService } from './device-session.service.js';
import type { ClientInfo, SecurityActivityService } from './security-activity.service.js';
import type { TokenService } from './token.service.js';

export type SessionService = ReturnType<typeof createSessionService>;

/** What the JWT layer established about the caller. */
export interface SessionPrincipal {
  username: string;
  agent: boolean;
  jti: string;
  /** The session the token belongs to (null for tokens of the original system or issued before sessions). */
  sid: string | null;
  exp: number;
  /** The verified bearer token (its `auth_time` bounds /extend). */
  token: string;
}

/** /extend, /logout, /verify and /deactivate: the life of an access token after login. */
export function createSessionService(deps: {
  sequelize: Sequelize;
  models: Models;
  tokens: TokenService;
  deviceSessions: DeviceSessionService;
  activity: SecurityActivityService;
  extendGraceSeconds: number;
}) {
  const { sequelize, models, tokens, deviceSessions } = deps;

  async function loadAccount(username: string): Promise<{ pwd: string; agent: boolean }> {
    const login = await models.UserLogin.findByPk(username, { attributes: ['pwd'], raw: true });
    if (!login) throw new AppError('ACCOUNT_NOT_FOUND');
    const info = await models.UserInfo.findOne({ where: { username }, attributes: ['agent'], raw: true });
    return { pwd: login.pwd, agent: info?.agent ?? false };
  }

  return {
    /**
     * A fresh token of the same session (new jti, new expiry, agent re-read from user_info). The presented token is
     * revoked after a short grace (EXTEND_GRACE_SECONDS), so requests in flight with it still succeed while extending
     * rotates the session instead of multiplying live tokens; it can be extended only once. The session keeps the
     * time of its password login: past the absolute lifetime (SESSION_ABSOLUTE_LIFETIME_SECONDS) /extend answers 401
     * and the user signs in again, and no extended token outlives it. A token of the original system is exchanged
     * for one of ours, in a new session.
     */
    async extend(caller: SessionPrincipal): Promise<{ token: string; exp: number; agent: boolean }> {
      const account = await loadAccount(caller.username);
      const issued = tokens.issue(caller.username, account.pwd, account.agent, { authTime: tokens.authTimeOf(caller.token), sessionId: caller.sid });
      // Of concurrent /extend calls with one token, only the one that revokes it gets a new token.
      const revoked = await tokens.revoke(caller.jti, caller.exp, caller.username, { graceSeconds: deps.extendGraceSeconds });
      if (!revoked) throw new AppError('TOKEN_REVOKED');
      if (caller.sid) await deviceSessions.touch(caller.sid);
      return { ...issued, agent: account.agent };
    },

    /**
     * The presented token and every other token of its session (the one /extend replaced, still in its grace, or
     * the one it issued) stop working at once, on every instance.
     */
    async logout(caller: SessionPrincipal): Promise<void> {
      await tokens.revoke(caller.jti, caller.exp, caller.username);
      if (!caller.sid) return;
      await tokens.revokeSession(caller.sid, caller.username, tokens.authTimeOf(caller.token));
      await deviceSessions.ended(caller.username, caller.sid);
    },

    /** Records why, disables the account (one transaction), then kills every token of the user. */
    async deactivate(caller: SessionPrincipal, reason: string, client: ClientInfo = {}): Promise<void> {
      await sequelize.transaction(async (transaction) => {
        const [updated] = await models.UserLogin.update({ disabled: true }, { where: { username: caller.username }, transaction });
        if (!updated) throw new AppError('ACCOUNT_NOT_FOUND');
        await models.DeactivateReason.create({ username: caller.username, reason: reason.trim() }, { transaction });
      });
      await tokens.invalidateUser(caller.username);
      await deps.activity.record(caller.username, 'deactivated', client);
    },
  };
}
