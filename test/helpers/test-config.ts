import { loadConfig, type Config } from '../../config/index.js';

/**
 * Test defaults: a database and Redis db of their own, fast bcrypt, quiet logs, no cron. The secrets are long enough
 * for production, so the deployment tests can run the built server with NODE_ENV=production on the same values.
 */
export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  PS_DB: process.env.TEST_PS_DB ?? 'userstate_test',
  PS_POOL_MAX: '20',
  REDIS_DB: process.env.TEST_REDIS_DB ?? '15',
  API_PORT: '0',
  ACCESS_LOG: 'false',
  LOG_LEVEL: 'silent',
  BCRYPT_COST: '4',
  XENDIT_SYNC_ENABLED: 'false',
  ACCOUNT_ERASURE_ENABLED: 'false',
  XENDIT_SECRET_KEY: 'xnd_development_test_secret_key',
  XENDIT_CALLBACK_TOKEN: 'test-callback-token-long-enough',
  SECRET_AUTH_CONFIG: 'test-secret-that-is-at-least-32-characters-long',
  EMAIL_HOST: '',
  API_URL_SMSVIRO: '',
  SHUTDOWN_TIMEOUT_MS: '3000',
  FIREBASE_KEY_PATH: 'keystore/does-not-exist-in-tests.json',
};

/** Builds a config from the machine's environment (for PS_HOST etc.), the test defaults and per-test overrides. */
export function testConfig(overrides: Record<string, string> = {}): Readonly<Config> {
  const base: Record<string, string | undefined> = {};
  for (const key of ['PS_HOST', 'PS_PORT', 'PS_USER', 'PS_PASSWORD', 'REDIS_HOST', 'REDIS_PORT', 'REDIS_PASSWORD', 'MONGO_DB']) {
    if (process.env[key] !== undefined) base[key] = process.env[key];
  }
  return loadConfig({ ...base, ...TEST_ENV, ...overrides });
}
