import pg from 'pg';
import { Sequelize } from 'sequelize';
import type { Config } from '../../config/index.js';
import { AccountDeletion } from './account-deletion.model.js';
import { AddressList } from './address-list.model.js';
import { ApiKey } from './api-key.model.js';
import { BankAccount } from './bank-account.model.js';
import { BankChannel } from './bank-channel.model.js';
import { DeactivateReason } from './deactivate-reason.model.js';
import { Faq } from './faq.model.js';
import { Fcm } from './fcm.model.js';
import { IdempotencyKey } from './idempotency-key.model.js';
import { MarketingOffer } from './marketing-offer.model.js';
import { OtpTracker } from './otp-tracker.model.js';
import { PaymentType } from './payment-type.model.js';
import { PaymentAnomaly } from './payment-anomaly.model.js';
import { PointMutation } from './point-mutation.model.js';
import { ReferralHistory } from './referral-history.model.js';
import { UserBalance } from './user-balance.model.js';
import { UserInfo } from './user-info.model.js';
import { UserLogin } from './user-login.model.js';
import { SecurityEvent } from './security-event.model.js';
import { UserSession } from './user-session.model.js';
import { UserTransaction } from './user-transaction.model.js';
import { TokenDenylist } from './token-denylist.model.js';
import { TokenNotBefore } from './token-not-before.model.js';
import { VoucherRedemption } from './voucher-redemption.model.js';

// NUMERIC arrives as a string (exact); keep it that way. COUNT(*) (int8) becomes a number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export const models = {
  UserLogin,
  UserInfo,
  UserBalance,
  AddressList,
  PointMutation,
  ReferralHistory,
  MarketingOffer,
  Fcm,
  UserTransaction,
  VoucherRedemption,
  ApiKey,
  OtpTracker,
  BankAccount,
  BankChannel,
  PaymentType,
  DeactivateReason,
  IdempotencyKey,
  Faq,
  TokenDenylist,
  TokenNotBefore,
  PaymentAnomaly,
  UserSession,
  SecurityEvent,
  AccountDeletion,
};
export type Models = typeof models;

export interface Database {
  sequelize: Sequelize;
  models: Models;
}

/** Builds the Sequelize instance and initialises every model with the seed's relationships. Connects lazily. */
export function createDatabase(postgres: Config['postgres'], options: { logging?: (sql: string) => void } = {}): Database {
  const sequelize = new Sequelize(postgres.database, postgres.user, postgres.password, {
    host: postgres.host,
    port: postgres.port,
    dialect: postgres.dialect,
    logging: options.logging ?? false,
    pool: { max: postgres.poolMax, min: 0, acquire: 10_000, idle: 10_000 },
    dialectOptions: { connectionTimeoutMillis: 5_000 },
  });
  for (const model of Object.values(models)) model.initModel(sequelize);
  defineRelationships();
  return { sequelize, models };
}

let relationshipsDefined = false;
function defineRelationships(): void {
  if (relationshipsDefined) return;
  relationshipsDefined = true;
  const byUsername = { foreignKey: 'username', sourceKey: 'username' } as const;
  UserLogin.hasOne(UserInfo, byUsername);
  UserLogin.hasOne(UserBalance, byUsername);
  UserLogin.hasMany(AddressList, byUsername);
  UserLogin.hasMany(MarketingOffer, byUsername);
  UserLogin.hasMany(Fcm, byUsername);
  UserLogin.hasMany(UserTransaction, byUsername);
  UserLogin.hasMany(VoucherRedemption, byUsername);
  UserLogin.hasMany(BankAccount, byUsername);
  UserInfo.belongsTo(UserLogin, { foreignKey: 'username', targetKey: 'username' });
  UserInfo.belongsTo(UserBalance, { foreignKey: 'username', targetKey: 'username' });
  UserInfo.hasMany(ReferralHistory, { foreignKey: 'submitted_by', sourceKey: 'username', as: 'referrals' });
  ReferralHistory.belongsTo(UserInfo, { foreignKey: 'username', targetKey: 'username', as: 'referred' });
  ReferralHistory.belongsTo(UserInfo, { foreignKey: 'submitted_by', targetKey: 'username', as: 'referrer' });
}

/** Creates the target database when it does not exist yet (connects to the `postgres` maintenance database). */
export async function ensureDatabaseExists(postgres: Config['postgres']): Promise<boolean> {
  const client = new pg.Client({
    host: postgres.host,
    port: postgres.port,
    user: postgres.user,
    password: postgres.password,
    database: 'postgres',
    connectionTimeoutMillis: 5_000,
  });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [postgres.database]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE "${postgres.database}"`);
    } catch (error) {
      // Another instance created it between our check and our CREATE.
      if ((error as { code?: string }).code !== '42P04') throw error;
    }
    return true;
  } finally {
    await client.end();
  }
}

/** Runs `work` while holding a PostgreSQL advisory lock, so instances starting together migrate one at a time. */
export async function withMigrationLock<T>(postgres: Config['postgres'], work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...postgres, database: postgres.database, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(727001)');
    return await work();
  } finally {
    await client.query('SELECT pg_advisory_unlock(727001)').catch(() => undefined);
    await client.end();
  }
}
