/**
 * A database as the original system left it: the seed's sixteen tables made by Sequelize `sync()` from models
 * defined the seed's way (underscored, created_at/updated_at, the seed's associations, no migrations table), filled
 * with realistic rows. Nothing of ours creates or touches it before the adoption.
 */
import argon2 from 'argon2';
import bcrypt from 'bcrypt';
import pg from 'pg';
import { DataTypes, QueryTypes, Sequelize } from 'sequelize';
import type { Config } from '../../config/index.js';

const { STRING, INTEGER, BOOLEAN, DATE, DECIMAL, TEXT } = DataTypes;

function defineOriginalModels(sequelize: Sequelize) {
  const withTimestamps = { underscored: true, freezeTableName: true, timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at' } as const;
  const createdOnly = { underscored: true, freezeTableName: true, timestamps: true, createdAt: 'created_at', updatedAt: false } as const;
  const noTimestamps = { underscored: true, freezeTableName: true, timestamps: false } as const;

  const UserLogin = sequelize.define('user_login', { username: { type: STRING, primaryKey: true }, pwd: STRING, disabled: BOOLEAN }, withTimestamps);
  const UserInfo = sequelize.define(
    'user_info',
    {
      id: { type: INTEGER, primaryKey: true, autoIncrement: true },
      username: STRING,
      full_name: STRING,
      email: { type: STRING, unique: true },
      phone_number: STRING,
      profile_img: STRING,
      agent: BOOLEAN,
      referral_code: STRING,
    },
    withTimestamps,
  );
  const UserBalance = sequelize.define('user_balance', { username: { type: STRING, primaryKey: true }, balance: DECIMAL, points: INTEGER }, withTimestamps);
  const AddressList = sequelize.define(
    'address_list',
    {
      id: { type: INTEGER, primaryKey: true, autoIncrement: true },
      username: STRING,
      label: STRING,
      recipient_name: STRING,
      phone_number: STRING,
      address: TEXT,
      is_default: BOOLEAN,
    },
    withTimestamps,
  );
  const PointMutation = sequelize.define(
    'point_mutation',
    { id: { type: INTEGER, primaryKey: true, autoIncrement: true }, username: STRING, type: STRING, amount: INTEGER, description: STRING, reference_id: STRING },
    createdOnly,
  );
  const ReferralHistory = sequelize.define(
    'referral_history',
    { id: { type: INTEGER, primaryKey: true, autoIncrement: true }, username: STRING, submitted_by: STRING, referral_code: STRING, status: STRING },
    createdOnly,
  );
  const MarketingOffer = sequelize.define(
    'marketing_offer',
    {
      id: { type: INTEGER, primaryKey: true, autoIncrement: true },
      username: STRING,
      title: STRING,
      description: TEXT,
      image_url: STRING,
      valid_until: DATE,
      is_active: BOOLEAN,
    },
    createdOnly,
  );
  const Fcm = sequelize.define('fcm', { id: { type: INTEGER, primaryKey: true, autoIncrement: true }, username: STRING, token: TEXT, device_type: STRING }, createdOnly);
  const UserTransaction = sequelize.define(
    'user_transaction',
    { id: { type: STRING, primaryKey: true }, username: STRING, type: STRING, amount: DECIMAL, status: STRING, payment_method: STRING, reference_id: STRING },
    createdOnly,
  );
  const VoucherRedemption = sequelize.define(
    'voucher_redemption',
    { id: { type: INTEGER, primaryKey: true, autoIncrement: true }, username: STRING, voucher_code: STRING, discount_amount: DECIMAL, redeemed_at: DATE },
    noTimestamps,
  );
  const ApiKey = sequelize.define('api_key', { holder: { type: STRING, primaryKey: true }, key: STRING, description: STRING }, createdOnly);
  const OtpTracker = sequelize.define(
    'otp_tracker',
    { id: { type: INTEGER, primaryKey: true, autoIncrement: true }, identifier: STRING, otp_type: STRING, count: INTEGER, last_request: DATE },
    noTimestamps,
  );
  const BankAccount = sequelize.define(
    'bank_account',
    { id: { type: INTEGER, primaryKey: true, autoIncrement: true }, username: STRING, bank_code: STRING, account_number: STRING, account_holder_name: STRING },
    withTimestamps,
  );
  const BankChannel = sequelize.define(
    'bank_channel',
    { id: { type: INTEGER, primaryKey: true, autoIncrement: true }, channel_code: STRING, bank_code: STRING, name: STRING, type: STRING, is_active: BOOLEAN },
    noTimestamps,
  );
  const PaymentType = sequelize.define(
    'payment_type',
    { id: { type: INTEGER, primaryKey: true, autoIncrement: true }, code: STRING, name: STRING, is_active: BOOLEAN },
    noTimestamps,
  );
  const DeactivateReason = sequelize.define('deactivate_reason', { id: { type: INTEGER, primaryKey: true, autoIncrement: true }, username: STRING, reason: STRING }, createdOnly);

  // The seed's relationships (user_login hasOne/hasMany …); point_mutation, referral_history and api_key have none.
  const byUsername = { foreignKey: 'username', sourceKey: 'username' } as const;
  UserLogin.hasOne(UserInfo, byUsername);
  UserLogin.hasOne(UserBalance, byUsername);
  UserLogin.hasMany(AddressList, byUsername);
  UserLogin.hasMany(MarketingOffer, byUsername);
  UserLogin.hasMany(Fcm, byUsername);
  UserLogin.hasMany(UserTransaction, byUsername);
  UserLogin.hasMany(VoucherRedemption, byUsername);
  return {
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
  };
}

export interface OriginalUser {
  username: string;
  password: string;
  /** What the user has in the original: the test checks the same after adoption. */
  balance: string;
  points: number;
}

export interface OriginalFixture {
  database: string;
  users: OriginalUser[];
  apiKey: { holder: string; key: string };
  /** The user whose balance is negative in the original (-5000). */
  negativeUser: string;
}

/** Drops and recreates `database`, syncs the original's models into it and fills them. */
export async function buildOriginalDatabase(postgres: Config['postgres'], database: string): Promise<OriginalFixture> {
  const admin = new pg.Client({ host: postgres.host, port: postgres.port, user: postgres.user, password: postgres.password, database: 'postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();

  const sequelize = new Sequelize(database, postgres.user, postgres.password, { host: postgres.host, port: postgres.port, dialect: 'postgres', logging: false });
  try {
    const m = defineOriginalModels(sequelize);
    await sequelize.sync();

    const users: OriginalUser[] = [
      { username: 'alice', password: 'alice-old-Pass1', balance: '150000.50', points: 120 },
      { username: 'bob_budi', password: 'bob-old-Pass2', balance: '0.00', points: 0 },
      { username: 'carol', password: 'carol-argon-Pass3', balance: '999.99', points: 30 },
      { username: 'dave', password: 'dave-old-Pass4', balance: '0.00', points: 5 },
      { username: 'erin', password: 'erin-old-Pass5', balance: '0.00', points: 0 },
    ];
    const hashes = [
      await bcrypt.hash(users[0]!.password, 10),
      await bcrypt.hash(users[1]!.password, 12),
      await argon2.hash(users[2]!.password),
      await bcrypt.hash(users[3]!.password, 10),
      (await bcrypt.hash(users[4]!.password, 10)).replace(/^\$2b\$/, '$2a$'),
    ];
    const created = new Date('2024-03-01T08:00:00Z');
    await m.UserLogin.bulkCreate(users.map((u, i) => ({ username: u.username, pwd: hashes[i], disabled: false, created_at: created, updated_at: created })));
    await m.UserInfo.bulkCreate([
      { username: 'alice', full_name: 'Alice Smith', email: 'Alice.Smith@Example.COM', phone_number: '081234567890', agent: true, referral_code: 'ALICE123' },
      { username: 'bob_budi', full_name: 'Budi Santoso', email: 'budi@example.com', phone_number: '6281311112222', agent: false, referral_code: 'BUDI0001' },
      { username: 'carol', full_name: 'Carol', email: 'carol@example.com', phone_number: '+62 813-3333-4444', agent: false, referral_code: 'CAROL777' },
      // Differs from budi's only in case: our unique index on lower(email) refuses it.
      { username: 'dave', full_name: 'Dave', email: 'BUDI@example.com', phone_number: null, agent: false, referral_code: 'DAVE0042' },
      { username: 'erin', full_name: 'Erin', email: 'erin@example.com', phone_number: '6285712345678', agent: false, referral_code: 'ERIN5555' },
    ]);
    // erin has no balance row (the original created them lazily); dave's balance went negative.
    await m.UserBalance.bulkCreate([
      { username: 'alice', balance: '150000.50', points: 120 },
      { username: 'bob_budi', balance: '0', points: 0 },
      { username: 'carol', balance: '999.99', points: 30 },
      { username: 'dave', balance: '-5000', points: 5 },
    ]);
    await m.AddressList.bulkCreate([
      { username: 'alice', label: 'Home', recipient_name: 'Alice Smith', phone_number: '+6281298765432', address: 'Jl. Merdeka 1, Jakarta', is_default: true },
      { username: 'alice', label: 'Office', recipient_name: 'Alice S.', phone_number: '6281298765433', address: 'Jl. Sudirman 10, Jakarta', is_default: false },
      { username: 'carol', label: 'Rumah', recipient_name: 'Carol', phone_number: '6281377778888', address: 'Jl. Braga 5, Bandung', is_default: true },
    ]);
    await m.PointMutation.bulkCreate([
      { username: 'alice', type: 'CREDIT', amount: 150, description: 'Referral bonus', reference_id: 'REF-carol' },
      { username: 'alice', type: 'DEBIT', amount: 30, description: 'Redeem points', reference_id: 'RDM-1' },
      { username: 'carol', type: 'CREDIT', amount: 30, description: 'Welcome', reference_id: null },
      // The user was deleted long ago; the row stayed.
      { username: 'ghost', type: 'CREDIT', amount: 10, description: 'Orphan', reference_id: null },
    ]);
    await m.ReferralHistory.bulkCreate([
      { username: 'carol', submitted_by: 'alice', referral_code: 'ALICE123', status: 'completed' },
      { username: 'bob_budi', submitted_by: 'alice', referral_code: 'ALICE123', status: 'pending' },
    ]);
    await m.MarketingOffer.bulkCreate([
      { username: null, title: 'Cashback 10%', description: 'For everyone', image_url: 'https://cdn.example.com/o1.png', valid_until: new Date('2030-01-01T00:00:00Z'), is_active: true },
      { username: 'alice', title: 'Just for you', description: null, image_url: null, valid_until: null, is_active: true },
    ]);
    await m.Fcm.bulkCreate([
      { username: 'alice', token: 'fcm-alice-iphone', device_type: 'iOS' },
      { username: 'carol', token: 'fcm-carol-pixel', device_type: 'Android' },
    ]);
    await m.UserTransaction.bulkCreate([
      { id: 'TRX-ORIG-0001', username: 'alice', type: 'TOPUP', amount: '200000.50', status: 'PAID', payment_method: 'BCA', reference_id: 'inv_orig_0001' },
      { id: 'TRX-ORIG-0002', username: 'alice', type: 'DECREASE', amount: '50000', status: 'SUCCESS', payment_method: null, reference_id: null },
      { id: 'TRX-ORIG-0003', username: 'carol', type: 'TOPUP', amount: '999.99', status: 'PAID', payment_method: 'OVO', reference_id: 'inv_orig_0003' },
      { id: 'TRX-ORIG-0004', username: 'bob_budi', type: 'topup', amount: '10000', status: 'expired', payment_method: null, reference_id: 'inv_orig_0004' },
    ]);
    await m.VoucherRedemption.bulkCreate([
      { username: 'alice', voucher_code: 'WELCOME10K', discount_amount: '10000', redeemed_at: new Date('2024-04-01T00:00:00Z') },
      { username: 'alice', voucher_code: 'WELCOME10K', discount_amount: '10000', redeemed_at: new Date('2024-05-01T00:00:00Z') },
      { username: 'carol', voucher_code: 'freeship', discount_amount: '15000.00', redeemed_at: new Date('2024-06-01T00:00:00Z') },
    ]);
    const apiKey = { holder: 'legacy-billing', key: 'legacy-billing-key-0123456789abcdef' };
    await m.ApiKey.create({ holder: apiKey.holder, key: await bcrypt.hash(apiKey.key, 10), description: 'billing service' });
    await m.OtpTracker.bulkCreate([{ identifier: '6281311112222', otp_type: 'SIGNUP', count: 2, last_request: new Date('2024-03-01T08:00:00Z') }]);
    await m.BankAccount.bulkCreate([{ username: 'alice', bank_code: 'BCA', account_number: '1234567890', account_holder_name: 'ALICE SMITH' }]);
    await m.BankChannel.bulkCreate([{ channel_code: 'ID_BCA', bank_code: 'BCA', name: 'BCA', type: 'DISBURSEMENT', is_active: true }]);
    await m.PaymentType.bulkCreate([{ code: 'BCA', name: 'BCA VA', is_active: true }]);
    await m.DeactivateReason.bulkCreate([{ username: 'erin', reason: 'Testing the app' }]);
    return { database, users, apiKey, negativeUser: 'dave' };
  } finally {
    await sequelize.close();
  }
}

/** Drops a database made by buildOriginalDatabase. */
export async function dropDatabase(postgres: Config['postgres'], database: string): Promise<void> {
  const admin = new pg.Client({ host: postgres.host, port: postgres.port, user: postgres.user, password: postgres.password, database: 'postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.end();
}

export function connect(config: Readonly<Config>, database: string): Sequelize {
  return new Sequelize(database, config.postgres.user, config.postgres.password, {
    host: config.postgres.host,
    port: config.postgres.port,
    dialect: 'postgres',
    logging: false,
    pool: { max: 2 },
  });
}

export async function rows<T extends object>(sequelize: Sequelize, sql: string, replacements: Record<string, unknown> = {}): Promise<T[]> {
  return sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements });
}

/** Every table of every user schema with its row count and a checksum of its rows. */
export async function snapshot(sequelize: Sequelize): Promise<Record<string, string>> {
  const tables = await rows<{ schema: string; name: string }>(
    sequelize,
    `SELECT schemaname AS schema, tablename AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
  );
  const result: Record<string, string> = {};
  for (const t of tables) {
    const [row] = await rows<{ sum: string }>(sequelize, `SELECT count(*)::text || ':' || COALESCE(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS sum FROM "${t.schema}"."${t.name}" x`);
    result[`${t.schema}.${t.name}`] = row!.sum;
  }
  return result;
}
