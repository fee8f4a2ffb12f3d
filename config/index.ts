/**
 * The only reader of process.env. The environment is validated once against a JSON schema (AJV coerces and
 * fills defaults), every bad variable is reported in one message, and the result is a frozen, typed object.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import dotenv from 'dotenv';
import cron from 'node-cron';
import proxyaddr from 'proxy-addr';

/** The folder holding package.json: the same from source (config/) and from the compiled dist/config/. */
export const PROJECT_ROOT = findProjectRoot(import.meta.dirname);

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, '..');
  }
}

type EnvType = 'string' | 'integer' | 'boolean';
type EnvSpec<T extends EnvType = EnvType> = { type: T; default?: unknown; doc: string } & Record<string, unknown>;

const str = (doc: string, extra: Record<string, unknown> = {}): EnvSpec<'string'> => ({ type: 'string', doc, ...extra });
const int = (doc: string, def: number, min = 0, max = Number.MAX_SAFE_INTEGER): EnvSpec<'integer'> => ({
  type: 'integer',
  doc,
  default: def,
  minimum: min,
  maximum: max,
});
const bool = (doc: string, def: boolean): EnvSpec<'boolean'> => ({ type: 'boolean', doc, default: def });

/** Every variable the service reads; `doc` feeds the error message and .env.example. */
export const ENV_SPEC = {
  NODE_ENV: str('development | test | production', { enum: ['development', 'test', 'production'], default: 'development' }),
  API_PORT: int('HTTP port', 33010, 0, 65535),
  ORIGIN_CORS: str('comma-separated allowed CORS origins', { default: 'http://localhost:3000' }),
  PUBLIC_URL: str('public base URL used in mailed links (http(s)://host[:port])', {
    pattern: '^https?://[^\\s/]+(/[^\\s]*)?$',
    default: 'http://localhost:33010',
  }),
  TRUST_PROXY: str('Express trust proxy setting (e.g. loopback, 1, false)', { default: 'loopback' }),
  JSON_BODY_LIMIT: str('max JSON body size (e.g. 100kb)', { pattern: '^[0-9]+(b|kb|mb)$', default: '100kb' }),
  SHUTDOWN_TIMEOUT_MS: int('max wait for in-flight requests on shutdown', 10000, 0),
  LOG_LEVEL: str('error | warn | info | debug', { enum: ['error', 'warn', 'info', 'debug', 'silent'], default: 'info' }),
  LOG_FORMAT: str('json | pretty: app log lines as JSON objects or readable text (default: json in production, pretty otherwise)', {
    enum: ['', 'json', 'pretty'],
    default: '',
  }),
  ACCESS_LOG: bool('write the morgan access log', true),
  PROFILE_CACHE_SECONDS: int('longest a GET /user/profile answer is served from memory (dropped at once on every write; 0: never cached)', 60, 0, 3600),
  METRICS_PORT: str('a separate port serving GET /metrics without auth (empty: off; /metrics on API_PORT needs an API key then)', {
    pattern: '^(|[0-9]{1,5})$',
    default: '',
  }),
  METRICS_HOST: str('interface METRICS_PORT listens on (0.0.0.0 to let a Prometheus on another host scrape it; firewall the port)', {
    default: '127.0.0.1',
    minLength: 1,
  }),
  LEDGER_CHECK_SECONDS: int('how often the ledger check (wallets whose balance differs from their ledger) runs for /metrics; 0: never', 300, 0, 86400),
  SOCKET_PEER_DIR: str('folder of the private sockets through which processes on one host pass Socket.io sessions to each other (default: <tmp>/userstate-api-<API_PORT>)', { default: '' }),

  PS_HOST: str('PostgreSQL host', { default: '127.0.0.1', minLength: 1 }),
  PS_USER: str('PostgreSQL user', { default: 'postgres', minLength: 1 }),
  PS_PASSWORD: str('PostgreSQL password', { default: '' }),
  PS_DB: str('PostgreSQL database (created if missing)', { default: 'userstate', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,62}$' }),
  PS_DIALECT: str('Sequelize dialect (postgres only)', { enum: ['postgres'], default: 'postgres' }),
  PS_PORT: int('PostgreSQL port', 5432, 1, 65535),
  PS_POOL_MAX: int('PostgreSQL pool size', 50, 1, 1000),

  MONGO_DB: str('MongoDB URI for gateway logs; empty turns them off', { default: '', pattern: '^(|mongodb(\\+srv)?://.+)$' }),

  REDIS_HOST: str('Redis host', { default: '127.0.0.1', minLength: 1 }),
  REDIS_PORT: int('Redis port', 6379, 1, 65535),
  REDIS_PASSWORD: str('Redis password (empty for none)', { default: '' }),
  REDIS_DB: int('Redis database number (tests use their own)', 0, 0, 15),

  SECRET_AUTH_CONFIG: str('server secret mixed into every JWT key (>= 32 chars in production)', {
    default: 'development-only-secret-change-me-000000',
    minLength: 1,
  }),
  SANDBOX_AUTH_CONFIG: str('sandbox key (kept from the seed)', { default: '' }),
  JWT_EXPIRES_IN: int('JWT lifetime in seconds', 86400, 60),
  PASSWORD_HASH_ALGORITHM: str('bcrypt | argon2id for new password hashes', { enum: ['bcrypt', 'argon2id'], default: 'bcrypt' }),
  BCRYPT_COST: int('bcrypt cost factor', 10, 4, 15),
  HASH_CONCURRENCY: int('max password hashes computed at once', 2, 1, 64),
  API_KEY_CACHE_SECONDS: int('how long a verified API key is remembered', 60, 0, 3600),
  REGISTRATION_TTL_SECONDS: int('how long a pending sign-up waits for verification', 86400, 60),
  RESET_TOKEN_TTL_SECONDS: int('password reset link lifetime', 1800, 60),
  SESSION_ABSOLUTE_LIFETIME_SECONDS: int('max session age since the password login; /extend never goes past it', 30 * 86400, 60),
  MONEY_COOLING_OFF_HOURS: int('hours after a password reset, an email or a phone change during which payouts and new bank accounts answer 423', 24, 0, 24 * 30),
  EXTEND_GRACE_SECONDS: int('how long the token /extend replaced keeps working, so requests in flight with it succeed', 30, 0, 300),
  LEGACY_TOKENS_UNTIL: str('until when tokens signed the original system\'s way are accepted (ISO 8601 instant); empty refuses them', { default: '' }),

  OTP_RESEND_GAP_SECONDS: int('min seconds between two OTP/link sends to one identifier', 60, 0),
  OTP_DAILY_CAP: int('max OTP/link sends per identifier per day', 10, 1),
  OTP_SENDS_PER_IP_PER_HOUR: int('max OTP/link sends per IP per hour', 30, 1),
  OTP_MAX_ATTEMPTS: int('wrong OTP attempts before the code is burned', 5, 1),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: int('failed logins per account before lockout', 5, 1),
  LOGIN_MAX_FAILURES_PER_IP: int('failed logins per IP before lockout', 50, 1),
  LOGIN_LOCKOUT_SECONDS: int('lockout length after too many failed logins', 900, 1),
  RESET_REQUESTS_PER_HOUR: int('password reset requests per email and per IP per hour', 5, 1),
  CHECK_EMAIL_PER_IP_PER_HOUR: int('POST /check/email lookups per IP per hour (it tells whether an email is registered)', 60, 1),
  BASIC_MAX_FAILURES_PER_IP: int('failed Basic (API key) attempts per IP per LOGIN_LOCKOUT_SECONDS', 20, 1),
  SMS_SENDS_PER_PREFIX_PER_HOUR: int('SMS sends per destination number prefix per hour (SMS pumping)', 20, 1),
  SMS_PREFIX_DIGITS: int('leading digits of the normalized number (62...) that form the SMS prefix', 8, 4, 15),

  XENDIT_SECRET_KEY: str('Xendit secret API key', { default: 'xnd_development_placeholder' }),
  XENDIT_PUBLIC_KEY: str('Xendit public key', { default: '' }),
  XENDIT_CALLBACK_TOKEN: str('Xendit x-callback-token', { default: 'development-callback-token' }),
  XENDIT_API_URL: str('Xendit API base URL', { default: 'https://api.xendit.co', pattern: '^https?://[^\\s]+$' }),
  XENDIT_TIMEOUT_MS: int('timeout for one Xendit call', 10000, 100),
  XENDIT_INVOICE_DURATION_SECONDS: int('invoice lifetime', 86400, 60),
  PAYMENT_MIN_AMOUNT: int('smallest checkout amount (IDR)', 10000, 1),
  PAYMENT_MAX_AMOUNT: int('largest checkout amount (IDR)', 50000000, 1),
  XENDIT_SYNC_ENABLED: bool('run the Xendit sync cron job', true),
  XENDIT_SYNC_CRON: str('cron schedule of the Xendit sync job', { default: '0 */2 * * *' }),
  CHECKOUT_PER_USER_PER_HOUR: int('max top-up invoices (POST /payment-checkout) one user may create per hour', 10, 1),
  SYS_CHECKOUT_PER_USER_PER_HOUR: int('max order invoices (POST /sys/payment-checkout) internal services may create for one user per hour', 60, 1),
  INVOICE_LIST_XENDIT_READS: int('max pending invoices one GET /invoice/list/xendit re-reads from Xendit (0: none)', 3, 0, 50),
  XENDIT_SYNC_LOCK_SECONDS: int('lease of the sync job lock; renewed every third of it while the job runs', 60, 1, 86400),

  API_URL_SUNSHINE: str('Sunshine API base URL (kept from the seed)', { default: '' }),
  API_URL_SMSVIRO: str('SMSViro API base URL', { default: '' }),
  SMSVIROTOKEN: str('SMSViro API key', { default: '' }),
  SMSVIRO_SENDER: str('SMSViro sender id', { default: 'UserState' }),
  SMS_TIMEOUT_MS: int('timeout for one SMS send', 5000, 100),

  EMAIL_HOST: str('SMTP host; empty writes mail to the log (not allowed in production)', { default: '' }),
  EMAIL_PORT: int('SMTP port', 465, 1, 65535),
  EMAIL_SECURE: { type: 'boolean' as const, doc: 'SMTP over TLS (default: true when EMAIL_PORT is 465)' },
  EMAIL_USER: str('SMTP user', { default: '' }),
  EMAIL_PASS: str('SMTP password', { default: '' }),
  EMAIL_FROM: str('From address of outgoing mail', { default: '' }),

  FIREBASE_KEY_PATH: str('Firebase service account JSON', { default: 'keystore/onmapss-main-key.json' }),

  UPLOAD_MAX_BYTES: int('max profile image size in bytes', 2 * 1024 * 1024, 1024),
  ADDRESS_MAX_PER_USER: int('max addresses per user', 20, 1),
  POINT_VALUE_IDR: int('rupiah credited per redeemed point', 100, 1),
  REFERRAL_BONUS_POINTS: int('points credited to a referrer when a referral completes', 50, 0),
  REFERRAL_LINK_BASE: str('base of referral links in QR codes (default PUBLIC_URL/signup)', { default: '' }),
  REFERRAL_PAYOUT_HOLD_DAYS: int('days after the qualifying top-up without a payout before a referral bonus is credited (0: at once)', 7, 0, 365),
  ACCOUNT_DELETION_GRACE_DAYS: int('days between POST /user/delete and the erasure of the account (cancellable until then)', 30, 0, 3650),
  ACCOUNT_ERASURE_ENABLED: bool('run the account erasure cron job', true),
  ACCOUNT_ERASURE_CRON: str('cron schedule of the account erasure job', { default: '30 3 * * *' }),
  LEDGER_RETENTION_YEARS: int('years the money records of an erased account are kept under its pseudonym (stated in mails and README; nothing deletes them automatically)', 10, 1, 100),
  EXPORTS_PER_USER_PER_DAY: int('GET /user/export calls one user may make per day', 3, 1, 1000),
  VOUCHER_FILE: str('voucher definitions (JSON), validated at boot', { default: 'config/voucher-ext.json', minLength: 1 }),

  ENCRYPTION_KEYS: str('comma-separated keyId:base64(32 bytes) keys for data at rest', {
    default: '',
    pattern: '^(|[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/=]{43,44}(,[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/=]{43,44})*)$',
  }),
  ENCRYPTION_CURRENT_KEY: str('id of the key new ciphertexts use (default: the first)', { default: '' }),
  FINGERPRINT_KEY: str('base64(32 bytes) HMAC key for comparing bank account numbers and phones without decrypting (default: derived from SECRET_AUTH_CONFIG); never change it once set', {
    default: '',
    pattern: '^(|[A-Za-z0-9+/=]{43,44})$',
  }),
  IDEMPOTENCY_LEASE_SECONDS: int('how long an Idempotency-Key claim without an answer counts as in progress (409) before a retry may take it over', 120, 1, 86400),
} satisfies Record<string, EnvSpec>;

/**
 * Secrets that have a development default, with the shortest value production accepts. In production each must be
 * set, at least that long, and not its development default (a forged PAID callback with the default callback token
 * would credit money nobody paid).
 */
export const SECRETS_WITH_DEVELOPMENT_DEFAULTS = {
  SECRET_AUTH_CONFIG: 32,
  XENDIT_SECRET_KEY: 20,
  XENDIT_CALLBACK_TOKEN: 20,
} as const satisfies Partial<Record<keyof typeof ENV_SPEC, number>>;

/** A full ISO 8601 date-time with a zone (`2027-01-02T10:00:00Z`, `…+07:00`) that names a real instant. */
function isIsoInstant(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value));
}

type RawEnv = { [K in keyof typeof ENV_SPEC]: (typeof ENV_SPEC)[K]['type'] extends 'string' ? string : (typeof ENV_SPEC)[K]['type'] extends 'boolean' ? boolean : number };

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface Config {
  env: 'development' | 'test' | 'production';
  isProduction: boolean;
  /** Secrets left at their development default (development and test only: production refuses them). */
  developmentDefaultsInUse: string[];
  server: {
    port: number;
    corsOrigins: string[];
    publicUrl: string;
    trustProxy: string | number | boolean;
    jsonBodyLimit: string;
    shutdownTimeoutMs: number;
    logLevel: 'error' | 'warn' | 'info' | 'debug' | 'silent';
    logFormat: 'json' | 'pretty';
    accessLog: boolean;
    socketPeerDir: string;
  };
  postgres: { host: string; user: string; password: string; database: string; dialect: 'postgres'; port: number; poolMax: number };
  mongo: { uri: string | null };
  redis: { host: string; port: number; password: string | null; db: number };
  auth: {
    secret: string;
    sandboxKey: string;
    jwtExpiresInSeconds: number;
    passwordHashAlgorithm: 'bcrypt' | 'argon2id';
    bcryptCost: number;
    hashConcurrency: number;
    apiKeyCacheSeconds: number;
    registrationTtlSeconds: number;
    resetTokenTtlSeconds: number;
    sessionAbsoluteLifetimeSeconds: number;
    extendGraceSeconds: number;
    moneyCoolingOffHours: number;
    /** Tokens signed the original system's way are accepted before this instant (ms); null refuses them. */
    legacyTokensUntilMs: number | null;
  };
  limits: {
    otpResendGapSeconds: number;
    otpDailyCap: number;
    otpSendsPerIpPerHour: number;
    otpMaxAttempts: number;
    loginMaxFailuresPerAccount: number;
    loginMaxFailuresPerIp: number;
    loginLockoutSeconds: number;
    resetRequestsPerHour: number;
    checkEmailPerIpPerHour: number;
    basicMaxFailuresPerIp: number;
    smsSendsPerPrefixPerHour: number;
    smsPrefixDigits: number;
    exportsPerUserPerDay: number;
  };
  xendit: {
    secretKey: string;
    publicKey: string;
    callbackToken: string;
    apiUrl: string;
    timeoutMs: number;
    invoiceDurationSeconds: number;
    minAmount: number;
    maxAmount: number;
    syncEnabled: boolean;
    syncCron: string;
    syncLockSeconds: number;
  };
  budgets: { checkoutPerUserPerHour: number; sysCheckoutPerUserPerHour: number; invoiceListXenditReads: number };
  sunshine: { apiUrl: string };
  sms: { apiUrl: string; token: string; sender: string; timeoutMs: number };
  email: { host: string | null; port: number; secure: boolean; user: string; pass: string; from: string };
  firebase: { keyPath: string };
  upload: { maxBytes: number; profileImageDir: string };
  wallet: { pointValueIdr: number; referralBonusPoints: number; addressMaxPerUser: number };
  referral: { linkBase: string; payoutHoldDays: number };
  fingerprint: { key: Buffer };
  encryption: { keys: Array<{ id: string; key: Buffer }>; currentKeyId: string };
  voucherFile: string;
  accounts: { deletionGraceDays: number; erasureEnabled: boolean; erasureCron: string; ledgerRetentionYears: number };
  idempotency: { leaseSeconds: number };
  metrics: { port: number | null; host: string; ledgerCheckSeconds: number };
  profileCache: { maxAgeMs: number; maxEntries: number };
}

/** Loads .env (real environment variables win) and returns the merged environment. */
export function readEnvironment(envFile = path.join(PROJECT_ROOT, '.env')): NodeJS.ProcessEnv {
  dotenv.config({ path: envFile, quiet: true });
  return process.env;
}

const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, strict: false });
const validateEnv = ajv.compile({
  type: 'object',
  properties: Object.fromEntries(Object.entries(ENV_SPEC).map(([k, { doc: _doc, ...schema }]) => [k, schema])),
});

function describeProblem(error: ErrorObject): string {
  const name = error.instancePath.replace(/^\//, '');
  const spec = ENV_SPEC[name as keyof typeof ENV_SPEC];
  return `${name}: ${error.message ?? 'is invalid'}${spec ? ` (expected ${spec.doc})` : ''}`;
}

/** Validates the given environment and returns the frozen config, or throws one ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ENV_SPEC)) {
    const value = env[key];
    // An empty variable means "not set" (a copied .env.example leaves many empty).
    if (value !== undefined && value.trim() !== '') raw[key] = value.trim();
  }
  const problems: string[] = [];
  if (!validateEnv(raw)) problems.push(...(validateEnv.errors ?? []).map(describeProblem));
  const e = raw as RawEnv;
  const isProduction = e.NODE_ENV === 'production';

  const developmentDefaultsInUse: string[] = [];
  for (const [name, minLength] of Object.entries(SECRETS_WITH_DEVELOPMENT_DEFAULTS) as Array<[keyof typeof SECRETS_WITH_DEVELOPMENT_DEFAULTS, number]>) {
    const rawValue = raw[name];
    const value = typeof rawValue === 'string' ? rawValue : '';
    const isDefault = value === '' || value === ENV_SPEC[name].default;
    if (isDefault) developmentDefaultsInUse.push(name);
    if (isProduction && (isDefault || value.length < minLength)) {
      problems.push(`${name}: must be set to at least ${minLength} characters in production, not its development default`);
    }
  }
  if (e.METRICS_PORT !== '' && Number(e.METRICS_PORT) > 65535) problems.push('METRICS_PORT: must be a port number (0-65535) or empty');
  if (isProduction && !e.EMAIL_HOST) problems.push('EMAIL_HOST: must be set in production (mail cannot go to the log)');
  if (e.IDEMPOTENCY_LEASE_SECONDS * 1000 <= 3 * e.XENDIT_TIMEOUT_MS) {
    problems.push('IDEMPOTENCY_LEASE_SECONDS: must outlast a checkout\'s Xendit calls (more than 3 × XENDIT_TIMEOUT_MS)');
  }
  if (typeof e.LEGACY_TOKENS_UNTIL === 'string' && e.LEGACY_TOKENS_UNTIL && !isIsoInstant(e.LEGACY_TOKENS_UNTIL)) {
    problems.push('LEGACY_TOKENS_UNTIL: is not a valid ISO 8601 instant (expected e.g. 2027-01-02T10:00:00Z)');
  }
  if (typeof e.XENDIT_SYNC_CRON === 'string' && !cron.validate(e.XENDIT_SYNC_CRON)) {
    problems.push('XENDIT_SYNC_CRON: is not a valid cron expression (expected e.g. "0 */2 * * *")');
  }
  if (typeof e.ACCOUNT_ERASURE_CRON === 'string' && !cron.validate(e.ACCOUNT_ERASURE_CRON)) {
    problems.push('ACCOUNT_ERASURE_CRON: is not a valid cron expression (expected e.g. "30 3 * * *")');
  }
  if (typeof e.TRUST_PROXY === 'string' && typeof parseTrustProxy(e.TRUST_PROXY) === 'string') {
    try {
      proxyaddr.compile(trustedAddresses(e.TRUST_PROXY));
    } catch (error) {
      problems.push(`TRUST_PROXY: ${(error as Error).message} (expected true, false, a hop count, or addresses/subnets such as "loopback, 10.0.0.0/8")`);
    }
  }
  if (Number(e.PAYMENT_MIN_AMOUNT) > Number(e.PAYMENT_MAX_AMOUNT)) {
    problems.push('PAYMENT_MIN_AMOUNT: must not exceed PAYMENT_MAX_AMOUNT');
  }
  const encryption = parseEncryptionKeys(String(e.ENCRYPTION_KEYS ?? ''), String(e.ENCRYPTION_CURRENT_KEY ?? ''), isProduction, String(e.SECRET_AUTH_CONFIG ?? ''), problems);
  const fingerprintKey = parseFingerprintKey(String(e.FINGERPRINT_KEY ?? ''), String(e.SECRET_AUTH_CONFIG ?? ''), problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const resolveFromRoot = (p: string) => (path.isAbsolute(p) ? p : path.join(PROJECT_ROOT, p));
  const config: Config = {
    env: e.NODE_ENV as Config['env'],
    isProduction,
    developmentDefaultsInUse,
    server: {
      port: e.API_PORT,
      corsOrigins: e.ORIGIN_CORS.split(',').map((o) => o.trim()).filter(Boolean),
      publicUrl: e.PUBLIC_URL.replace(/\/+$/, ''),
      trustProxy: parseTrustProxy(e.TRUST_PROXY),
      jsonBodyLimit: e.JSON_BODY_LIMIT,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      logLevel: e.LOG_LEVEL as Config['server']['logLevel'],
      logFormat: (e.LOG_FORMAT || (isProduction ? 'json' : 'pretty')) as Config['server']['logFormat'],
      accessLog: e.ACCESS_LOG,
      socketPeerDir: e.SOCKET_PEER_DIR || path.join(os.tmpdir(), `userstate-api-${e.API_PORT}`),
    },
    postgres: {
      host: e.PS_HOST,
      user: e.PS_USER,
      password: e.PS_PASSWORD,
      database: e.PS_DB,
      dialect: 'postgres',
      port: e.PS_PORT,
      poolMax: e.PS_POOL_MAX,
    },
    mongo: { uri: e.MONGO_DB || null },
    redis: { host: e.REDIS_HOST, port: e.REDIS_PORT, password: e.REDIS_PASSWORD || null, db: e.REDIS_DB },
    auth: {
      secret: e.SECRET_AUTH_CONFIG,
      sandboxKey: e.SANDBOX_AUTH_CONFIG,
      jwtExpiresInSeconds: e.JWT_EXPIRES_IN,
      passwordHashAlgorithm: e.PASSWORD_HASH_ALGORITHM as Config['auth']['passwordHashAlgorithm'],
      bcryptCost: e.BCRYPT_COST,
      hashConcurrency: e.HASH_CONCURRENCY,
      apiKeyCacheSeconds: e.API_KEY_CACHE_SECONDS,
      registrationTtlSeconds: e.REGISTRATION_TTL_SECONDS,
      resetTokenTtlSeconds: e.RESET_TOKEN_TTL_SECONDS,
      sessionAbsoluteLifetimeSeconds: e.SESSION_ABSOLUTE_LIFETIME_SECONDS,
      extendGraceSeconds: e.EXTEND_GRACE_SECONDS,
      moneyCoolingOffHours: e.MONEY_COOLING_OFF_HOURS,
      legacyTokensUntilMs: e.LEGACY_TOKENS_UNTIL ? Date.parse(e.LEGACY_TOKENS_UNTIL) : null,
    },
    limits: {
      otpResendGapSeconds: e.OTP_RESEND_GAP_SECONDS,
      otpDailyCap: e.OTP_DAILY_CAP,
      otpSendsPerIpPerHour: e.OTP_SENDS_PER_IP_PER_HOUR,
      otpMaxAttempts: e.OTP_MAX_ATTEMPTS,
      loginMaxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      loginMaxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
      loginLockoutSeconds: e.LOGIN_LOCKOUT_SECONDS,
      resetRequestsPerHour: e.RESET_REQUESTS_PER_HOUR,
      checkEmailPerIpPerHour: e.CHECK_EMAIL_PER_IP_PER_HOUR,
      basicMaxFailuresPerIp: e.BASIC_MAX_FAILURES_PER_IP,
      smsSendsPerPrefixPerHour: e.SMS_SENDS_PER_PREFIX_PER_HOUR,
      smsPrefixDigits: e.SMS_PREFIX_DIGITS,
      exportsPerUserPerDay: e.EXPORTS_PER_USER_PER_DAY,
    },
    xendit: {
      secretKey: e.XENDIT_SECRET_KEY,
      publicKey: e.XENDIT_PUBLIC_KEY,
      callbackToken: e.XENDIT_CALLBACK_TOKEN,
      apiUrl: e.XENDIT_API_URL.replace(/\/+$/, ''),
      timeoutMs: e.XENDIT_TIMEOUT_MS,
      invoiceDurationSeconds: e.XENDIT_INVOICE_DURATION_SECONDS,
      minAmount: e.PAYMENT_MIN_AMOUNT,
      maxAmount: e.PAYMENT_MAX_AMOUNT,
      syncEnabled: e.XENDIT_SYNC_ENABLED,
      syncCron: e.XENDIT_SYNC_CRON,
      syncLockSeconds: e.XENDIT_SYNC_LOCK_SECONDS,
    },
    budgets: {
      checkoutPerUserPerHour: e.CHECKOUT_PER_USER_PER_HOUR,
      sysCheckoutPerUserPerHour: e.SYS_CHECKOUT_PER_USER_PER_HOUR,
      invoiceListXenditReads: e.INVOICE_LIST_XENDIT_READS,
    },
    sunshine: { apiUrl: e.API_URL_SUNSHINE },
    sms: { apiUrl: e.API_URL_SMSVIRO.replace(/\/+$/, ''), token: e.SMSVIROTOKEN, sender: e.SMSVIRO_SENDER, timeoutMs: e.SMS_TIMEOUT_MS },
    email: {
      host: e.EMAIL_HOST || null,
      port: e.EMAIL_PORT,
      secure: typeof e.EMAIL_SECURE === 'boolean' ? e.EMAIL_SECURE : e.EMAIL_PORT === 465,
      user: e.EMAIL_USER,
      pass: e.EMAIL_PASS,
      from: e.EMAIL_FROM || e.EMAIL_USER || 'UserState <noreply@localhost>',
    },
    firebase: { keyPath: resolveFromRoot(e.FIREBASE_KEY_PATH) },
    upload: { maxBytes: e.UPLOAD_MAX_BYTES, profileImageDir: path.join(PROJECT_ROOT, 'resources', 'user_profile_img') },
    wallet: {
      pointValueIdr: e.POINT_VALUE_IDR,
      referralBonusPoints: e.REFERRAL_BONUS_POINTS,
      addressMaxPerUser: e.ADDRESS_MAX_PER_USER,
    },
    referral: {
      linkBase: (e.REFERRAL_LINK_BASE || `${e.PUBLIC_URL.replace(/\/+$/, '')}/signup`).replace(/\/+$/, ''),
      payoutHoldDays: e.REFERRAL_PAYOUT_HOLD_DAYS,
    },
    fingerprint: { key: fingerprintKey },
    encryption,
    voucherFile: resolveFromRoot(e.VOUCHER_FILE),
    accounts: {
      deletionGraceDays: e.ACCOUNT_DELETION_GRACE_DAYS,
      erasureEnabled: e.ACCOUNT_ERASURE_ENABLED,
      erasureCron: e.ACCOUNT_ERASURE_CRON,
      ledgerRetentionYears: e.LEDGER_RETENTION_YEARS,
    },
    idempotency: { leaseSeconds: e.IDEMPOTENCY_LEASE_SECONDS },
    metrics: {
      port: e.METRICS_PORT === '' ? null : Number(e.METRICS_PORT),
      host: e.METRICS_HOST,
      ledgerCheckSeconds: e.LEDGER_CHECK_SECONDS,
    },
    profileCache: { maxAgeMs: e.PROFILE_CACHE_SECONDS * 1000, maxEntries: 50_000 },
  };
  return deepFreeze(config);
}

/** The entries of a TRUST_PROXY address list ("loopback, 10.0.0.0/8"), as proxy-addr compiles them. */
export function trustedAddresses(list: string): string[] {
  return list.split(',').map((entry) => entry.trim());
}

function parseTrustProxy(value: string): string | number | boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

function parseEncryptionKeys(
  list: string,
  currentId: string,
  isProduction: boolean,
  secret: string,
  problems: string[],
): Config['encryption'] {
  if (!list) {
    if (isProduction) problems.push('ENCRYPTION_KEYS: must be set in production (keyId:base64 of 32 random bytes)');
    else if (currentId && currentId !== 'dev') problems.push(`ENCRYPTION_CURRENT_KEY: "${currentId}" is set but ENCRYPTION_KEYS is empty`);
    // Development and tests: a key derived from the auth secret, so a fresh checkout runs. Never used in production.
    return { keys: [{ id: 'dev', key: createHash('sha256').update(`encryption:${secret}`).digest() }], currentKeyId: 'dev' };
  }
  const keys = list.split(',').map((entry) => {
    const [id = '', b64 = ''] = entry.split(':');
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) problems.push(`ENCRYPTION_KEYS: key "${id}" must be 32 bytes of base64`);
    return { id, key };
  });
  const duplicates = keys.map((k) => k.id).filter((id, index, ids) => ids.indexOf(id) !== index);
  if (duplicates.length > 0) problems.push(`ENCRYPTION_KEYS: key id "${duplicates[0]}" is listed twice`);
  const current = currentId || keys[0]?.id || '';
  if (!keys.some((k) => k.id === current)) problems.push(`ENCRYPTION_CURRENT_KEY: "${current}" is not one of ENCRYPTION_KEYS`);
  return { keys, currentKeyId: current };
}

/** FINGERPRINT_KEY, or (when empty) a key derived from the auth secret, so a fresh checkout runs. */
function parseFingerprintKey(value: string, secret: string, problems: string[]): Buffer {
  if (!value) return createHash('sha256').update(`fingerprint:${secret}`).digest();
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) problems.push('FINGERPRINT_KEY: must be 32 bytes of base64');
  return key;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Reads a JSON file relative to the project root (used for config/voucher-ext.json). */
export function readJsonFile(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}
