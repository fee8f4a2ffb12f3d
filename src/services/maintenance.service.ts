import { QueryTypes, type Sequelize } from 'sequelize';
import { DecryptionError, type Encryptor } from '../utilities/encrypt.js';
import type { ProgressReport } from '../utilities/progress.js';

export interface BalanceSyncResult {
  /** user_balance rows created. */
  created: number;
  /** Of those, rows whose balance or points came from existing ledger rows (migrated data) rather than 0. */
  fromLedger: number;
  /** Users still without a balance row because their ledger nets negative (cannot be a balance): fix by hand. */
  skipped: string[];
}

export interface ReencryptResult {
  table: string;
  column: string;
  /** Rows whose value was already under the current key (untouched). */
  alreadyCurrent: number;
  /** Rows moved from an older key to the current one. */
  reencrypted: number;
  /** Legacy plaintext account numbers (not a ciphertext of this service, digits only) now encrypted. */
  encryptedPlaintext: number;
  /** Rows that could not be read (unknown key id, failed authentication, not a number): ids, left unchanged. */
  failed: Array<{ id: number; reason: string }>;
}

/** One encrypted column of one table. Add a line here when another column is encrypted at rest. */
interface EncryptedColumn {
  table: string;
  column: string;
  /** Plaintext values of the old system that may still sit unencrypted in this column. */
  legacyPlaintext?: RegExp;
}

export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { table: 'bank_account', column: 'account_number', legacyPlaintext: /^[0-9][0-9 -]{3,40}$/ },
];

const DEFAULT_BATCH_SIZE = 500;
const CIPHERTEXT_PREFIX = 'v1.';

export type MaintenanceService = ReturnType<typeof createMaintenanceService>;

/** Operator tasks run from the CLI: data repairs after a migration from the old system, key rotation. */
export function createMaintenanceService(deps: { sequelize: Sequelize; encryptor: Encryptor; currentKeyId: string }) {
  const { sequelize, encryptor, currentKeyId } = deps;

  return {
    /**
     * The seed's syncInitBalance: every user_login without a user_balance row gets one. Its balance is the sum of
     * the user's ledger (user_transaction.balance_delta, so SUM(balance_delta) = balance holds) and its points the
     * net of point_mutation, both 0 for a user without history. Idempotent: a second run creates nothing.
     */
    async syncInitBalance(options: { batchSize?: number; onProgress?: ProgressReport } = {}): Promise<BalanceSyncResult> {
      const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
      return sequelize.transaction(async (transaction) => {
        const missingUsers = await sequelize.query<{ username: string }>(
          `SELECT l.username FROM user_login l
            WHERE NOT EXISTS (SELECT 1 FROM user_balance b WHERE b.username = l.username)
            ORDER BY l.username`,
          { type: QueryTypes.SELECT, transaction },
        );
        const phase = 'user_balance';
        options.onProgress?.({ phase, done: 0, total: missingUsers.length });
        const rows: Array<{ username: string; balance: string; points: number }> = [];
        for (let start = 0; start < missingUsers.length; start += batchSize) {
          const usernames = missingUsers.slice(start, start + batchSize).map((row) => row.username);
          const inserted = await sequelize.query<{ username: string; balance: string; points: number }>(
            `WITH missing AS (
               SELECT l.username,
                      COALESCE((SELECT SUM(t.balance_delta) FROM user_transaction t WHERE t.username = l.username), 0) AS balance,
                      COALESCE((SELECT SUM(CASE WHEN p.type = 'CREDIT' THEN p.amount ELSE -p.amount END)
                                  FROM point_mutation p WHERE p.username = l.username), 0) AS points
                 FROM user_login l
                WHERE l.username IN (:usernames)
                  AND NOT EXISTS (SELECT 1 FROM user_balance b WHERE b.username = l.username)
             )
             INSERT INTO user_balance (username, balance, points, created_at, updated_at)
             SELECT username, balance, points, now(), now() FROM missing WHERE balance >= 0 AND points >= 0
             ON CONFLICT (username) DO NOTHING
             RETURNING username, balance, points`,
            { type: QueryTypes.SELECT, transaction, replacements: { usernames } },
          );
          rows.push(...inserted);
          options.onProgress?.({ phase, done: Math.min(start + batchSize, missingUsers.length), total: missingUsers.length });
        }
        const skipped = await sequelize.query<{ username: string }>(
          `SELECT l.username FROM user_login l
            WHERE NOT EXISTS (SELECT 1 FROM user_balance b WHERE b.username = l.username)
            ORDER BY l.username`,
          { type: QueryTypes.SELECT, transaction },
        );
        const fromLedger = rows.filter((row) => Number(row.balance) !== 0 || Number(row.points) !== 0).length;
        return { created: rows.length, fromLedger, skipped: skipped.map((row) => row.username) };
      });
    },

    /**
     * Re-encrypts every encrypted column value that is not under the current key (ENCRYPTION_CURRENT_KEY), in
     * batches of `batchSize` rows, one transaction per batch with the rows locked, so a concurrent edit waits
     * instead of being overwritten. Rows that cannot be decrypted are reported and left as they are.
     */
    async reencryptAll(options: { batchSize?: number; onProgress?: ProgressReport } = {}): Promise<ReencryptResult[]> {
      const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
      const results: ReencryptResult[] = [];
      for (const target of ENCRYPTED_COLUMNS) results.push(await reencryptColumn(target, batchSize, options.onProgress));
      return results;
    },
  };

  async function reencryptColumn(target: EncryptedColumn, batchSize: number, onProgress?: ProgressReport): Promise<ReencryptResult> {
    const { table, column } = target;
    const result: ReencryptResult = { table, column, alreadyCurrent: 0, reencrypted: 0, encryptedPlaintext: 0, failed: [] };
    const currentPrefix = `${CIPHERTEXT_PREFIX}${currentKeyId}.`;
    const [counted] = await sequelize.query<{ count: number }>(
      `SELECT COUNT(*) AS count FROM ${table} WHERE left(${column}, :length) = :prefix`,
      { type: QueryTypes.SELECT, replacements: { length: currentPrefix.length, prefix: currentPrefix } },
    );
    result.alreadyCurrent = counted?.count ?? 0;
    const [pending] = await sequelize.query<{ count: string }>(
      `SELECT COUNT(*) AS count FROM ${table} WHERE left(${column}, :length) <> :prefix`,
      { type: QueryTypes.SELECT, replacements: { length: currentPrefix.length, prefix: currentPrefix } },
    );
    const phase = `${table}.${column}`;
    // Rows written meanwhile may add a few: the total is the count when the job began.
    const total = Number(pending?.count ?? 0);
    let done = 0;
    onProgress?.({ phase, done, total });

    let afterId = 0;
    for (;;) {
      const batchSeen = await sequelize.transaction(async (transaction) => {
        const rows = await sequelize.query<{ id: number; value: string }>(
          `SELECT id, ${column} AS value FROM ${table}
            WHERE id > :afterId AND left(${column}, :length) <> :prefix
            ORDER BY id LIMIT :limit FOR UPDATE`,
          {
            type: QueryTypes.SELECT,
            transaction,
            replacements: { afterId, length: currentPrefix.length, prefix: currentPrefix, limit: batchSize },
          },
        );
        for (const row of rows) {
          afterId = row.id;
          const next = reencryptValue(target, row.value);
          if ('reason' in next) {
            result.failed.push({ id: row.id, reason: next.reason });
            continue;
          }
          await sequelize.query(`UPDATE ${table} SET ${column} = :value WHERE id = :id`, {
            transaction,
            replacements: { value: next.ciphertext, id: row.id },
          });
          if (next.wasPlaintext) result.encryptedPlaintext += 1;
          else result.reencrypted += 1;
        }
        return rows.length;
      });
      done += batchSeen;
      onProgress?.({ phase, done, total: Math.max(total, done) });
      if (batchSeen < batchSize) break;
    }
    return result;
  }

  function reencryptValue(target: EncryptedColumn, value: string): { ciphertext: string; wasPlaintext: boolean } | { reason: string } {
    if (!value.startsWith(CIPHERTEXT_PREFIX)) {
      if (target.legacyPlaintext?.test(value)) return { ciphertext: encryptor.encrypt(value), wasPlaintext: true };
      return { reason: 'not a ciphertext of this service' };
    }
    try {
      return { ciphertext: encryptor.encrypt(encryptor.decrypt(value)), wasPlaintext: false };
    } catch (error) {
      if (error instanceof DecryptionError) return { reason: error.message };
      throw error;
    }
  }
}
