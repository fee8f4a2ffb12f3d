import { generateDateCodedId } from '../../src/utilities/general.js';
import type { TestContext } from './server.js';
import { uniqueName } from './server.js';

export interface TestUser {
  username: string;
  email: string;
  password: string;
  referralCode: string;
  token: string;
  /** `Authorization` header value for this user. */
  auth: string;
}

/** A mobile number for a test user: distinct users get distinct numbers (the referral rules compare them). */
function uniquePhone(): string {
  return `62812${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

/**
 * Creates a confirmed user straight in the database (login, profile, balance) and signs a token for it with the
 * real token service. Use it to set up tests that are not about sign-up itself.
 */
export async function createUser(
  ctx: TestContext,
  options: {
    password?: string;
    agent?: boolean;
    balance?: string;
    points?: number;
    phone?: string;
    username?: string;
    /** Defaults to `${username}@example.test`. */
    email?: string;
    /** Whether the email is proved (default true). An unproved one may be shared by several accounts. */
    emailVerified?: boolean;
  } = {},
): Promise<TestUser> {
  const { models } = ctx.server.clients.db;
  const username = options.username ?? uniqueName('u');
  const password = options.password ?? 'Correct-Horse-9';
  const email = options.email ?? `${username}@example.test`;
  const referralCode = `R${username.replace(/[^a-z0-9]/gi, '').slice(-10).toUpperCase()}${Math.floor(Math.random() * 1e4)}`;
  const pwd = await ctx.server.services.hashing.hashPassword(password);
  await ctx.server.clients.db.sequelize.transaction(async (transaction) => {
    await models.UserLogin.create({ username, pwd }, { transaction });
    await models.UserInfo.create(
      {
        username,
        full_name: `Test ${username}`,
        email,
        email_verified: options.emailVerified ?? true,
        phone_number: options.phone ?? uniquePhone(),
        agent: options.agent ?? false,
        referral_code: referralCode,
      },
      { transaction },
    );
    await models.UserBalance.create({ username, balance: options.balance ?? '0', points: options.points ?? 0 }, { transaction });
    if (options.balance && options.balance !== '0') {
      // An opening ledger row, so SUM(balance_delta) equals the balance from the start.
      await models.UserTransaction.create(
        { id: generateDateCodedId('ADJ'), username, type: 'ADJUSTMENT', amount: options.balance, balance_delta: options.balance, status: 'SUCCESS', description: 'test opening balance' },
        { transaction },
      );
    }
  });
  const { token } = ctx.server.services.tokens.issue(username, pwd, options.agent ?? false);
  return { username, email, password, referralCode, token, auth: `Bearer ${token}` };
}

/** Creates an API key for an internal service and returns the Basic `Authorization` header value. */
export async function createServiceCredentials(ctx: TestContext, holder = uniqueName('svc')): Promise<{ holder: string; key: string; auth: string }> {
  const key = await ctx.server.services.apiKeys.create(holder, 'test service');
  return { holder, key, auth: `Basic ${Buffer.from(`${holder}:${key}`).toString('base64')}` };
}
