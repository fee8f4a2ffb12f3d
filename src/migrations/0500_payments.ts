import type { MigrationFn } from '../migrations/index.js';

/**
 * Payments: what a payout row needs beside the invoice columns of user_transaction.
 *
 * - bank_account_id: the destination a PAYOUT row was sent to (kept, or nulled if the account row is ever removed).
 * - destination_mask: "BCA ****1234", a snapshot for listings; never the full number.
 * - failure_code: Xendit's failure code of a FAILED payout (INSUFFICIENT_BALANCE, INVALID_DESTINATION, ...).
 * - related_id: a compensating row points at the row it compensates (PAYOUT_REFUND → its PAYOUT). The unique index
 *   makes "a payout is refunded at most once" a database guarantee, beside the conditional status flip.
 */
export const up: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    ALTER TABLE user_transaction
      ADD COLUMN bank_account_id  INTEGER REFERENCES bank_account(id) ON DELETE SET NULL,
      ADD COLUMN destination_mask VARCHAR(64),
      ADD COLUMN failure_code     VARCHAR(64),
      ADD COLUMN related_id       VARCHAR(64) REFERENCES user_transaction(id) ON DELETE CASCADE;

    CREATE UNIQUE INDEX user_transaction_refund_once ON user_transaction (related_id) WHERE type = 'PAYOUT_REFUND';
    CREATE INDEX user_transaction_pending_sync_idx ON user_transaction (created_at) WHERE status = 'PENDING';
  `);
};

export const down: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    DROP INDEX IF EXISTS user_transaction_pending_sync_idx;
    DROP INDEX IF EXISTS user_transaction_refund_once;
    ALTER TABLE user_transaction
      DROP COLUMN IF EXISTS related_id,
      DROP COLUMN IF EXISTS failure_code,
      DROP COLUMN IF EXISTS destination_mask,
      DROP COLUMN IF EXISTS bank_account_id;
  `);
};
