import type { MigrationFn } from '../migrations/index.js';

/**
 * Idempotency keys that belong to a money movement finished outside the key's transaction (a payout: debited with the
 * key, then sent to Xendit). resource_id names what the key's transaction made (our transaction id), so a retry whose
 * first request never stored its answer (a crash, a failed write) is answered from that row instead of moving money
 * again or waiting forever.
 */
export const up: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`ALTER TABLE idempotency_key ADD COLUMN resource_id VARCHAR(64);`);
};

export const down: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`ALTER TABLE idempotency_key DROP COLUMN IF EXISTS resource_id;`);
};
