/**
 * The bench's own data: a fresh database and Redis db, then users, wallets, PENDING top-up invoices and an API key
 * written straight into PostgreSQL (sign-up over HTTP would cost a bcrypt hash and an OTP per user). Passwords are
 * hashed and tokens signed with the app's own hashing center and token service, so the server accepts them as its own.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Config } from '../../config/index.js';
import type { Sequelize } from 'sequelize';
import type { Models } from '../../src/models/index.js';
import { createTokenService } from '../../src/services/token.service.js';
import { createHashingCenter } from '../../src/utilities/hashing-center.js';

export const PASSWORD = 'Bench-Password-1';
export const OPENING_BALANCE = 1_000_000;
export const WALLET_BALANCE = 100_000_000;
export const INVOICE_AMOUNT = 10_000;

export interface BenchUser {
  username: string;
  token: string;
  /** `Authorization` header */
  auth: string;
  /** reference_id (Xendit invoice id) and id (our external_id) of this user's two PENDING top-ups */
  invoices: Array<{ id: string; externalId: string }>;
}

export interface Seeded {
  users: BenchUser[];
  wallet: BenchUser;
  service: { holder: string; auth: string };
}

const pgConfig = (config: Config, database: string): pg.ClientConfig => ({
  host: config.postgres.host,
  port: config.postgres.port,
  user: config.postgres.user,
  password: config.postgres.password,
  database,
});

/** Drops the bench database (the server recreates and migrates it at start) and empties the bench Redis db. */
export async function resetStores(config: Config): Promise<void> {
  if (!/bench/.test(config.postgres.database)) throw new Error(`refusing to drop "${config.postgres.database}": not a bench database`);
  const admin = new pg.Client(pgConfig(config, 'postgres'));
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${config.postgres.database}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  const redis = new Redis({ host: config.redis.host, port: config.redis.port, password: config.redis.password ?? undefined, db: config.redis.db, lazyConnect: true });
  await redis.connect();
  await redis.flushdb();
  redis.disconnect();
}

/** Seeds `count` users (each with a wallet and two PENDING top-ups), one contended wallet and one API key. */
export async function seed(config: Config, count: number): Promise<Seeded> {
  const hashing = createHashingCenter(config.auth);
  // issue() signs with the user's derived key only; it touches neither Redis nor the models (the stub takes the
  // service's reconnect listener).
  const tokens = createTokenService({ auth: config.auth, redis: { on: () => undefined } as unknown as Redis, models: null as unknown as Models, sequelize: null as unknown as Sequelize });
  const pwd = await hashing.hashPassword(PASSWORD);
  const apiKey = randomBytes(32).toString('base64url');
  const apiKeyHash = await hashing.hashApiKey(apiKey);

  const client = new pg.Client(pgConfig(config, config.postgres.database));
  await client.connect();
  try {
    await client.query('BEGIN');
    const users = `SELECT i, 'bench_u' || i AS username FROM generate_series(0, $1::int) AS i`;
    // User 0 is the contended wallet of B5; 1..count are everyone else.
    await client.query(`INSERT INTO user_login (username, pwd) SELECT username, $2 FROM (${users}) u`, [count, pwd]);
    await client.query(
      `INSERT INTO user_info (username, full_name, email, email_verified, phone_number, referral_code)
         SELECT username, 'Bench User ' || i, username || '@bench.test', TRUE, '62812' || lpad(i::text, 7, '0'), 'BENCH' || i FROM (${users}) u`,
      [count],
    );
    await client.query(
      `INSERT INTO user_balance (username, balance, points) SELECT username, CASE WHEN i = 0 THEN $2::numeric ELSE $3::numeric END, 0 FROM (${users}) u`,
      [count, WALLET_BALANCE, OPENING_BALANCE],
    );
    // Opening ledger rows, so SUM(balance_delta) = balance from the start.
    await client.query(
      `INSERT INTO user_transaction (id, username, type, amount, balance_delta, status, description)
         SELECT 'BENCHADJ-' || i, username, 'ADJUSTMENT', b, b, 'SUCCESS', 'bench opening balance'
           FROM (SELECT i, username, CASE WHEN i = 0 THEN $2::numeric ELSE $3::numeric END AS b FROM (${users}) u) x`,
      [count, WALLET_BALANCE, OPENING_BALANCE],
    );
    await client.query(
      `INSERT INTO user_transaction (id, username, type, amount, balance_delta, status, reference_id, description, currency, expiry_date)
         SELECT 'BENCHINV-' || n || '-' || i, username, 'TOPUP', $2::numeric, 0, 'PENDING', 'xinv_bench_' || n || '_' || i, 'bench top-up', 'IDR',
                now() + interval '1 day'
           FROM (${users}) u CROSS JOIN generate_series(0, 1) AS n WHERE i > 0`,
      [count, INVOICE_AMOUNT],
    );
    await client.query(`INSERT INTO api_key (holder, key, description) VALUES ('bench-svc', $1, 'bench')`, [apiKeyHash]);
    await client.query('COMMIT');
  } finally {
    await client.end();
  }

  const make = (i: number): BenchUser => {
    const username = `bench_u${i}`;
    const { token } = tokens.issue(username, pwd, false);
    const invoices = [0, 1].map((n) => ({ id: `xinv_bench_${n}_${i}`, externalId: `BENCHINV-${n}-${i}` }));
    return { username, token, auth: `Bearer ${token}`, invoices };
  };
  return {
    users: Array.from({ length: count }, (_, k) => make(k + 1)),
    wallet: make(0),
    service: { holder: 'bench-svc', auth: `Basic ${Buffer.from(`bench-svc:${apiKey}`).toString('base64')}` },
  };
}

/** One query against the bench database (checks after a scenario). */
export async function queryBench<T extends pg.QueryResultRow>(config: Config, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client(pgConfig(config, config.postgres.database));
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
