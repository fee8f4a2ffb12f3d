import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { QueryTypes, type Sequelize } from 'sequelize';
import { ConfigError, readJsonFile } from '../../config/index.js';
import { AppError } from '../errors/app-error.js';
import type { Models } from '../models/index.js';
import { voucherFileSchema } from '../schemas/voucher.schema.js';
import { toDecimalString } from '../utilities/general.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export interface Voucher {
  code: string;
  /** Exact decimal string, e.g. "10000.00". */
  discount_amount: string;
  valid_from: Date;
  valid_until: Date;
  quota: number;
  per_user_limit: number;
  description: string;
}

interface VoucherFileEntry {
  code: string;
  discount_amount: string | number;
  valid_from: string;
  valid_until: string;
  quota: number;
  per_user_limit: number;
  description?: string;
}

const validateVoucherFile = (() => {
  const ajv = addFormats(new Ajv({ allErrors: true, useDefaults: true, strict: true }));
  ajv.addKeyword({ keyword: 'example' });
  return ajv.compile<{ vouchers: VoucherFileEntry[] }>(voucherFileSchema);
})();

/**
 * Reads and validates the voucher definitions (config/voucher-ext.json, or VOUCHER_FILE). Any problem throws one
 * ConfigError naming the file and every bad entry, so the server refuses to start instead of misbehaving later.
 * Codes are matched case-insensitively (stored upper-case).
 */
export function loadVoucherCatalog(file: string): ReadonlyMap<string, Voucher> {
  const fail = (problems: string[]) => new ConfigError(problems.map((p) => `VOUCHER_FILE (${file}): ${p}`));
  let raw: unknown;
  try {
    raw = readJsonFile(file);
  } catch (error) {
    throw fail([`cannot be read as JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  if (!validateVoucherFile(raw)) {
    throw fail((validateVoucherFile.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`));
  }
  const catalog = new Map<string, Voucher>();
  const problems: string[] = [];
  raw.vouchers.forEach((entry, i) => {
    const code = entry.code.toUpperCase();
    const validFrom = new Date(entry.valid_from);
    const validUntil = new Date(entry.valid_until);
    if (catalog.has(code)) problems.push(`/vouchers/${i} code ${code} is defined twice`);
    if (validFrom.getTime() >= validUntil.getTime()) problems.push(`/vouchers/${i} (${code}) valid_from must be before valid_until`);
    catalog.set(code, {
      code,
      discount_amount: toDecimalString(entry.discount_amount),
      valid_from: validFrom,
      valid_until: validUntil,
      quota: entry.quota,
      per_user_limit: entry.per_user_limit,
      description: entry.description ?? '',
    });
  });
  if (problems.length > 0) throw fail(problems);
  return catalog;
}

export interface RedemptionResult {
  username: string;
  voucher_code: string;
  discount_amount: number;
  redemption_no: number;
  redeemed_at: Date;
}

export type VoucherService = ReturnType<typeof createVoucherService>;

/** Voucher redemptions. The catalog is loaded when the service is built, so an invalid file stops the boot. */
export function createVoucherService(deps: { sequelize: Sequelize; models: Models; voucherFile: string }) {
  const { sequelize, models } = deps;
  const catalog = loadVoucherCatalog(deps.voucherFile);

  const findVoucher = (code: string): Voucher => {
    const voucher = catalog.get(code.toUpperCase());
    if (!voucher) throw new AppError('VOUCHER_NOT_FOUND');
    return voucher;
  };

  return {
    /**
     * Records one redemption. Redemptions of one voucher are serialised with a transaction-scoped advisory lock on
     * its code, so the count-then-insert holds the total quota and the per-user limit under concurrency.
     */
    async redeem(username: string, voucherCode: string, now = new Date()): Promise<RedemptionResult> {
      const voucher = findVoucher(voucherCode);
      if (now.getTime() < voucher.valid_from.getTime()) {
        throw new AppError('VOUCHER_NOT_YET_VALID', `Voucher is not valid yet (valid from ${voucher.valid_from.toISOString()})`);
      }
      if (now.getTime() > voucher.valid_until.getTime()) {
        throw new AppError('VOUCHER_EXPIRED', `Voucher has expired (valid until ${voucher.valid_until.toISOString()})`);
      }
      const user = await models.UserLogin.findOne({ where: { username }, attributes: ['username'] });
      if (!user) throw new AppError('USER_NOT_FOUND');

      return sequelize.transaction(async (transaction) => {
        await sequelize.query('SELECT pg_advisory_xact_lock(hashtext(:key))', {
          replacements: { key: `voucher:${voucher.code}` },
          type: QueryTypes.SELECT,
          transaction,
        });
        const [counts] = await sequelize.query<{ total: number; mine: number }>(
          `SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE username = :username) AS mine
             FROM voucher_redemption WHERE voucher_code = :code`,
          { replacements: { username, code: voucher.code }, type: QueryTypes.SELECT, transaction },
        );
        const mine = counts?.mine ?? 0;
        if (mine >= voucher.per_user_limit) throw new AppError('VOUCHER_ALREADY_REDEEMED');
        if ((counts?.total ?? 0) >= voucher.quota) throw new AppError('VOUCHER_QUOTA_EXHAUSTED');
        const row = await models.VoucherRedemption.create(
          { username, voucher_code: voucher.code, redemption_no: mine + 1, discount_amount: voucher.discount_amount },
          { transaction },
        );
        return {
          username,
          voucher_code: voucher.code,
          discount_amount: Number(voucher.discount_amount),
          redemption_no: row.redemption_no,
          redeemed_at: row.redeemed_at,
        };
      });
    },

    /** Whether `username` redeemed the voucher (the latest redemption's time when they did). */
    async check(
      username: string,
      voucherCode: string,
    ): Promise<{ voucher_code: string; redeemed: boolean; redeemed_at?: Date; redemption_count: number }> {
      const code = voucherCode.toUpperCase();
      const rows = await models.VoucherRedemption.findAll({
        where: { username, voucher_code: code },
        attributes: ['redeemed_at'],
        order: [['redeemed_at', 'DESC']],
      });
      if (rows.length === 0 && !catalog.has(code)) throw new AppError('VOUCHER_NOT_FOUND');
      const latest = rows[0];
      return latest
        ? { voucher_code: code, redeemed: true, redeemed_at: latest.redeemed_at, redemption_count: rows.length }
        : { voucher_code: code, redeemed: false, redemption_count: 0 };
    },

    /** The loaded definitions (read-only), e.g. for an admin listing. */
    catalog,
  };
}
