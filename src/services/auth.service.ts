import jwt from 'jsonwebtoken';
import { QueryTypes, type Sequelize } from 'sequelize';
import { AppError, ForbiddenError } from '../errors/app-error.js';
import type { Models } from '../models/index.js';
import type { HashingCenter } from '../utilities/hashing-center.js';
import type { Logger } from '../utilities/logger.js';
import type { RateLimitService } from './rate-limit.service.js';
import type { RegistrationService } from './registration.service.js';
import type { IssuedToken, TokenService } from './token.service.js';

export type AuthService = ReturnType<typeof createAuthService>;

export interface LoginInput {
  /** Username or email. */
  identifier: string;
  password: string;
  ip: string;
}

export interface LoginResult extends IssuedToken {
  username: string;
  agent: boolean;
  jti: string;
}

interface AccountRow {
  username: string;
  pwd: string;
  disabled: boolean;
  agent: boolean | null;
}

const INVALID_CREDENTIAL = 'Invalid Credential';

/**
 * POST /auth (the seed's Local strategy): username OR email + password. Only a proved email logs in (an unproved
 * one may be anybody's; see email-verification.service.ts).
 *
 * - Unknown accounts and wrong passwords answer the same 422 "Invalid Credential", after the same amount of
 *   hashing work (a dummy verify), and count towards the same lockout, so neither the answer, its timing nor the
 *   lockout reveals whether an account exists.
 * - "Account is Disabled" and the pending sign-up 403s ("OTP Not Confirmed", "Account is Not Confirmed") are only
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
  logger: Logger;
}) {
  const { sequelize, models, hashing, tokens, limits, registration, logger } = deps;
  let dummyHash: Promise<string> | undefined;
  const burnHashingTime = async (password: string) => {
    dummyHash ??= hashing.hashPassword('dummy-password-for-constant-time');
    await hashing.verifyPassword(password, await dummyHash);
  };

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
      if (!current || !(await hashing.verifyPassword(password, current.pwd))) throw new AppError('UNPROCESSABLE', INVALID_CREDENTIAL);
      return current.pwd;
    }
    await tokens.invalidateUser(account.username);
    logger.info(`password hash of ${account.username} upgraded`);
    return pwd;
  }

  return {
    async login(input: LoginInput): Promise<LoginResult> {
      const identifier = input.identifier.trim();
      const account = await findAccount(identifier);
      // Unknown identifiers get a lockout counter of their own, so locking behaves the same for them.
      const accountKey = account ? account.username : `unknown:${identifier.toLowerCase()}`;
      await limits.assertLoginAllowed(accountKey, input.ip);

      if (!account) {
        const pending = await registration.findPending(identifier);
        if (pending && (await hashing.verifyPassword(input.password, pending.pwd))) {
          throw new ForbiddenError(pending.mode === 'OTP' ? 'OTP Not Confirmed' : 'Account is Not Confirmed');
        }
        if (!pending) await burnHashingTime(input.password);
        await limits.recordLoginFailure(accountKey, input.ip);
        throw new AppError('UNPROCESSABLE', INVALID_CREDENTIAL);
      }

      if (!(await hashing.verifyPassword(input.password, account.pwd))) {
        await limits.recordLoginFailure(accountKey, input.ip);
        throw new AppError('UNPROCESSABLE', INVALID_CREDENTIAL);
      }
      if (account.disabled) throw new ForbiddenError('Account is Disabled');
      await limits.clearLoginFailures(accountKey);
      const pwd = await upgradeHash(account, input.password);
      const agent = account.agent ?? false;
      const issued = tokens.issue(account.username, pwd, agent);
      const { jti } = jwt.decode(issued.token, { json: true }) as { jti: string };
      return { ...issued, username: account.username, agent, jti };
    },
  };
}
