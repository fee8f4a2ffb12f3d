import { randomBytes } from 'node:crypto';

/** The server's environment: production mode, its own database and Redis db, Xendit answered by the local fake. */
export function serverEnvironment(port: number, xenditUrl: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    API_PORT: String(port),
    PS_DB: 'userstate_bench',
    REDIS_DB: '14',
    LOG_LEVEL: 'warn',
    SECRET_AUTH_CONFIG: `bench-${randomBytes(24).toString('hex')}`,
    ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    ENCRYPTION_CURRENT_KEY: 'bench',
    // Production refuses to start without SMTP; nothing in the bench sends mail.
    EMAIL_HOST: '127.0.0.1',
    EMAIL_PORT: '2525',
    EMAIL_FROM: 'UserState <bench@userstate.test>',
    XENDIT_API_URL: xenditUrl,
    XENDIT_SECRET_KEY: 'xnd_development_bench_only_secret_key',
    XENDIT_CALLBACK_TOKEN: 'bench-only-callback-token-0000000000',
    // The 2-hourly sync would fire mid-run on the hour; it is not what is measured.
    XENDIT_SYNC_ENABLED: 'false',
    FIREBASE_KEY_PATH: 'keystore/bench-has-no-firebase-key.json',
    MONGO_DB: '',
    // Only correct passwords are sent; raised so no lockout can ever mask a result.
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000000',
    LOGIN_MAX_FAILURES_PER_IP: '1000000',
  };
}

