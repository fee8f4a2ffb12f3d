import { QueryTypes, type Sequelize } from 'sequelize';
import { AppError } from '../errors/app-error.js';
import type { Models } from '../models/index.js';
import { bcryptCostOf, type HashingCenter } from '../utilities/hashing-center.js';
import type { Logger } from '../utilities/logger.js';
import type { RateLimitService } from './rate-limit.service.js';
import type { DeviceSessionService } from './device-session.service.js';
import type { SecurityActivityService } from './security-activity.service.js';
import type { RegistrationService } from './registration.service.js';
import type { IssuedToken, TokenService } from './token.service.js';
import type { LoginOutcome, Metrics } from './metrics.service.js';

export type AuthService = ReturnType<typeof createAuthService>;

export interface LoginInput {
  /** Username or email. */
  identifier: string;
  password: string;
  ip: string;
  /** The `device_name` the client sent, if any; else the session is named by the User-Agent. */
  device?: string;
  userAgent?: string;
}

export interface LoginResult extends IssuedToken {
  username: string;
  agent: boolean;
  jti: string;
  sid: string;
}

interface AccountRow {
  username: string;
  pwd: string;
  disabled: boolean;
  agent: boolean | null;
}

const SLOWEST_COST_REFRESH_MS = 10 * 60_000;

/**
 * POST /auth (the seed's Local strategy): username OR email + password. Only a proved email logs in (an unproved
 * one may be anybody's; see email-verification.service.ts).
 *
 * - Unknown accounts and wrong passwords answer the same 422 "Invalid Credential", after the same time (a dummy
 *   verify, and every failure lasts as long as a compare at the costliest stored hash cost), and count towards the
 *   same lockout, so neither the answer, its timing nor the lockout reveals whether an account exists.
 * - The attempt is reserved against the lockout before any hash is checked, so parallel guesses cannot overrun it.
 * - "Account is Disabled", "Account is scheduled for deletion" (with its cancel_token) and the pending sign-up 403s ("OTP Not Confirmed", "Account is Not Confirmed") are only
 *   answered when the password is right.
 * - A hash made with an older algorithm or cost is upgraded on success; the returned token is signed with the new
 *   hash (older tokens of the user die with the old hash: the JWT key is derived from it).
 */
export function createAuthService(deps: {
  sequelize: Sequelize;
  models: Models;
  hashing: HashingCenter;
  tokens: TokenService;
  limits: RateLimitService;
  registration: RegistrationService;
  deviceSessions: DeviceSessionService;
  activity: SecurityActivityService;
  logger: Logger;
  /** An account awaiting deletion (account-deletion.service.ts): its cancel token, answered with the 403. */
  pendingDeletionOf?: (username: string) => Promise<{ scheduled_for: Date; cancel_token: string } | null>;
  metrics?: Pick<Metrics, 'logins'>;
}) {
  const { sequelize, models, hashing, tokens, limits, registration, deviceSessions, activity, logger } = deps;
  /**
   * The costliest bcrypt cost among stored password hashes (migrated accounts may keep an older, higher cost until
   * their next login): a failed login lasts as long as a compare at that cost, whatever the account. Read from
   * user_login at most every SLOWEST_COST_REFRESH_MS, raised at once when a login meets a costlier hash.
   */
  let slowest: { cost: number; at: number } | undefined;
  async function slowestStoredCost(seen?: string): Promise<number> {
    if (!slowest || Date.now() - slowest.at > SLOWEST_COST_REFRESH_MS) {
      const [row] = await sequelize.query<{ cost: number | null }>(
        `SELECT max(substring(pwd from 5 for 2)::int) AS cost FROM user_login WHERE pwd ~ '^.2[aby].[0-9]{2}.'`,
        { type: QueryTypes.SELECT },
      );
      slowest = { cost: row?.cost ?? 0, at: Date.now() };
    }
    const cost = seen === undefined ? null : bcryptCostOf(seen);
    if (cost !== null && cost > slowest.cost) slowest = { ...slowest, cost };
    return slowest.cost;
  }

  async function findAccount(identifier: string): Promise<AccountRow | null> {
    const rows = await sequelize.query<AccountRow>(
      `SELECT l.username, l.pwd, l.disabled, i.agent
         FROM user_login l LEFT JOIN user_info i ON i.username = l.username
        WHERE l.username = :raw OR l.username = :lowered
           OR l.username = (SELECT username FROM user_info WHERE lower(email) = :lowered AND email_verified LIMIT 1)
        ORDER BY (l.username = :raw) DESC, (l.username = :lowered) DESC
        LIMIT 1`,
      { replacements: { raw: identifier, lowered: identifier.toLowerCase() }, type: QueryTypes.SELECT },
    );
    return rows[0] ?? null;
  }

  /** Upgrades the stored hash when the configured algorithm or cost changed; returns the hash now stored. */
  async function upgradeHash(account: AccountRow, password: string): Promise<string> {
    if (!hashing.needsRehash(account.pwd)) return account.pwd;
    const pwd = await hashing.hashPassword(password);
    // Conditional: a password change that landed meanwhile wins.
    const [updated] = await models.UserLogin.update({ pwd }, { where: { username: account.username, pwd: account.pwd } });
    if (updated === 0) {
      const current = await models.UserLogin.findByPk(account.username, { attributes: ['pwd'], raw: true });
      if (!current || !(await hashing.verifyPassword(password, current.pwd))) throw new AppError('INVALID_CREDENTIAL');
      return current.pwd;
    }
    await tokens.invalidateUser(account.username);
    logger.info(`password hash of ${account.username} upgraded`);
    return pwd;
  }

  /** Counts the login by the outcome `attempt` leaves in `outcome.value` (error unless it says otherwise). */
  async function counted<T>(attempt: (outcome: { value: LoginOutcome }) => Promise<T>): Promise<T> {
    const outcome: { value: LoginOutcome } = { value: 'error' };
    try {
      return await attempt(outcome);
    } finally {
      deps.metrics?.logins.inc({ outcome: outcome.value });
    }
  }

  return {
    login: (input: LoginInput): Promise<LoginResult> => counted(async (outcome) => {
      const identifier = input.identifier.trim();
      const account = await findAccount(identifier);
      // Unknown identifiers get a lockout counter of their own, so locking behaves the same for them.
      const accountKey = account ? account.username : `unknown:${identifier.toLowerCase()}`;
      // Reserved before any hashing: a parallel burst gets no more password checks than the limits allow.
      const attempt = await limits.reserveLoginAttempt(accountKey, input.ip).catch((error: unknown) => {
        if (error instanceof AppError && error.status === 429) outcome.value = 'locked';
        throw error;
      });

      let right: boolean;
      let pending: Awaited<ReturnType<RegistrationService['findPending']>> = null;
      try {
        if (account) {
          right = await hashing.verifyEvenly(input.password, account.pwd, await slowestStoredCost(account.pwd));
        } else {
          pending = await registration.findPending(identifier);
          right = pending
            ? await hashing.verifyEvenly(input.password, pending.pwd, await slowestStoredCost(pending.pwd))
            : await hashing.verifyEvenly(input.password, null, await slowestStoredCost());
        }
      } catch (error) {
        await attempt.abandon();
        throw error;
      }
      const client = { ip: input.ip, device: input.device ?? input.userAgent ?? null };
      if (!right) {
        outcome.value = 'invalid_credentials';
        const { accountLocked } = await attempt.failed();
        if (account) {
          await activity.record(account.username, 'login_failed', client);
          if (accountLocked) await activity.record(account.username, 'lockout', client);
        }
        throw new AppError('INVALID_CREDENTIAL');
      }
      await attempt.succeeded();
      if (!account) {
        outcome.value = 'not_confirmed';
        throw new AppError(pending?.mode === 'OTP' ? 'OTP_NOT_CONFIRMED' : 'ACCOUNT_NOT_CONFIRMED');
      }

      if (account.disabled) {
        outcome.value = 'disabled';
        // Only with the right password, like every other 403 here: a wrong one does not reveal the deletion.
        const deletion = await deps.pendingDeletionOf?.(account.username);
        if (deletion) {
          throw new AppError('ACCOUNT_DELETION_SCHEDULED', undefined, {
            fields: { cancel_token: deletion.cancel_token, deletion_scheduled_for: deletion.scheduled_for.toISOString() },
          });
        }
        throw new AppError('ACCOUNT_DISABLED');
      }
      const pwd = await upgradeHash(account, input.password);
      const agent = account.agent ?? false;
      const { id: sessionId, device } = await deviceSessions.start(account.username, { device: input.device, userAgent: input.userAgent, ip: input.ip });
      const issued = tokens.issue(account.username, pwd, agent, { sessionId });
      const newDevice = await activity.isNewDevice(account.username, device, sessionId);
      await activity.record(account.username, 'login_succeeded', { ip: input.ip, device }, { session_id: sessionId, new_device: newDevice });
      outcome.value = 'success';
      return { ...issued, username: account.username, agent, sid: sessionId };
    }),
  };
}
