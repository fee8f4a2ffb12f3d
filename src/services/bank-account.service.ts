/**
 * A user's payout destinations. The account number is stored encrypted (utilities/encrypt) with its last 4 digits
 * beside it; answers and logs only ever show the mask ("****1234"). Decryption happens in the payout service,
 * right before the number is handed to Xendit.
 */
import { Op, QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { AppError, ValidationError } from '../errors/app-error.js';
import type { Models } from '../models/index.js';
import type { BankAccount } from '../models/bank-account.model.js';
import type { Encryptor } from '../utilities/encrypt.js';
import type { Fingerprinter } from '../utilities/fingerprint.js';

const MAX_ACCOUNTS_PER_USER = 10;

export type BankAccountService = ReturnType<typeof createBankAccountService>;

export interface DisbursementTarget {
  account: BankAccount;
  channelCode: string;
}

export function createBankAccountService(deps: { sequelize: Sequelize; models: Models; encryptor: Encryptor; fingerprinter: Fingerprinter }) {
  const { models, encryptor, fingerprinter } = deps;
  const fingerprintOf = (accountNumber: string) => fingerprinter.fingerprint('bank_account', accountNumber);

  const describe = (row: BankAccount, bankName?: string) => ({
    id: row.id,
    bank_code: row.bank_code,
    bank_name: bankName ?? null,
    // Same shape as maskAccountNumber ("****1234"), from the stored last 4 digits: nothing is decrypted to list.
    account_number: `****${row.account_number_last4}`,
    account_holder_name: row.account_holder_name,
    created_at: row.created_at.toISOString(),
  });

  async function disbursementChannel(bankCode: string, transaction?: Transaction) {
    return models.BankChannel.findOne({ where: { type: 'DISBURSEMENT', bank_code: bankCode, is_active: true }, ...(transaction ? { transaction } : {}) });
  }

  async function list(username: string) {
    const rows = await models.BankAccount.findAll({
      where: { username },
      order: [
        ['created_at', 'DESC'],
        ['id', 'DESC'],
      ],
    });
    const channels = await models.BankChannel.findAll({ where: { type: 'DISBURSEMENT' }, attributes: ['bank_code', 'name'] });
    const names = new Map(channels.map((c) => [c.bank_code, c.name]));
    return rows.map((row) => describe(row, names.get(row.bank_code)));
  }

  async function create(username: string, input: { bank_code: string; account_number: string; account_holder_name: string }) {
    const channel = await disbursementChannel(input.bank_code);
    if (!channel)
      throw new ValidationError([{ field: 'bank_code', message: 'is not a supported disbursement bank (see POST /bank/list)' }]);
    const holder = input.account_holder_name.trim().replace(/\s+/g, ' ');
    if (holder.length === 0) throw new ValidationError([{ field: 'account_holder_name', message: 'must not be blank' }]);
    const last4 = input.account_number.slice(-4);

    const existing = await models.BankAccount.findAll({ where: { username } });
    if (existing.length >= MAX_ACCOUNTS_PER_USER) throw new AppError('BANK_ACCOUNT_LIMIT_REACHED', `At most ${MAX_ACCOUNTS_PER_USER} bank accounts per user`);
    const duplicate = existing.some(
      (row) =>
        row.bank_code === input.bank_code &&
        row.account_number_last4 === last4 &&
        encryptor.decrypt(row.account_number) === input.account_number,
    );
    if (duplicate) throw new AppError('BANK_ACCOUNT_ALREADY_REGISTERED');

    const row = await models.BankAccount.create({
      username,
      bank_code: input.bank_code,
      account_number: encryptor.encrypt(input.account_number),
      account_number_last4: last4,
      account_fingerprint: fingerprintOf(input.account_number),
      account_holder_name: holder,
    });
    return describe(row, channel.name);
  }

  /** Stores the fingerprint of rows written before fingerprints existed (decrypting each once). */
  async function fillFingerprints(rows: BankAccount[], transaction?: Transaction): Promise<void> {
    for (const row of rows) {
      if (row.account_fingerprint) continue;
      const fingerprint = fingerprintOf(encryptor.decrypt(row.account_number));
      await models.BankAccount.update(
        { account_fingerprint: fingerprint },
        { where: { id: row.id, account_fingerprint: null }, ...(transaction ? { transaction } : {}) },
      );
      row.account_fingerprint = fingerprint;
    }
  }

  /** The distinct fingerprints of a user's bank accounts (for the referral rules). */
  async function fingerprintsOf(username: string, transaction?: Transaction): Promise<string[]> {
    // In id order, so concurrent callers filling the same rows lock them in the same order.
    const rows = await models.BankAccount.findAll({ where: { username }, order: [['id', 'ASC']], ...(transaction ? { transaction } : {}) });
    await fillFingerprints(rows, transaction);
    return [...new Set(rows.map((row) => row.account_fingerprint).filter((f): f is string => typeof f === 'string'))];
  }

  /**
   * The sync job's step: fingerprints for older rows that have none, in batches. A row that cannot be decrypted is
   * skipped (the re-encrypt CLI reports those). Returns how many were filled.
   */
  async function fillMissingFingerprints(batchSize = 200): Promise<number> {
    let filled = 0;
    for (let afterId = 0; ; ) {
      const rows = await models.BankAccount.findAll({
        where: { account_fingerprint: null, id: { [Op.gt]: afterId } },
        order: [['id', 'ASC']],
        limit: batchSize,
      });
      if (rows.length === 0) return filled;
      for (const row of rows) {
        try {
          await fillFingerprints([row]);
          filled += 1;
        } catch {
          // Left for the operator: encryption:reencrypt lists rows it cannot decrypt.
        }
      }
      afterId = rows.at(-1)?.id ?? afterId;
    }
  }

  async function remove(username: string, id: number) {
    const row = await models.BankAccount.findOne({ where: { id, username } });
    if (!row) throw new AppError('BANK_ACCOUNT_NOT_FOUND');
    const [busy] = await deps.sequelize.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM user_transaction WHERE bank_account_id = :id AND type = 'PAYOUT' AND status = 'PENDING'`,
      { replacements: { id }, type: QueryTypes.SELECT },
    );
    if ((busy?.n ?? 0) > 0) throw new AppError('BANK_ACCOUNT_IN_USE');
    await row.destroy();
    return { id, deleted: true };
  }

  /**
   * The caller's own account and its Xendit channel code, for a payout. Another user's account is "not found".
   * Read in `transaction` when given (the payout's debit transaction: no second pool connection while it is open).
   */
  async function getDisbursementTarget(username: string, id: number, transaction?: Transaction): Promise<DisbursementTarget> {
    const account = await models.BankAccount.findOne({ where: { id, username }, ...(transaction ? { transaction } : {}) });
    if (!account) throw new AppError('BANK_ACCOUNT_NOT_FOUND');
    const channel = await disbursementChannel(account.bank_code, transaction);
    if (!channel) throw new ValidationError([{ field: 'bank_account_id', message: 'the bank of this account no longer accepts payouts' }]);
    return { account, channelCode: channel.channel_code };
  }

  return {
    list,
    create,
    remove,
    getDisbursementTarget,
    fingerprintsOf,
    fillMissingFingerprints,
    decryptAccountNumber: (account: BankAccount) => encryptor.decrypt(account.account_number),
  };
}
