import type { MigrationFn } from '../migrations/index.js';

/**
 * - user_transaction.submit_attempts: how many times a PAYOUT was sent to Xendit. Counted before each call, so a
 *   PENDING payout with attempts > 0 and no Xendit id is one whose outcome is unknown: it is looked up at Xendit,
 *   never refunded on a resubmission's refusal.
 * - payment_anomaly: what Xendit reported that contradicts a final local status (a payout SUCCEEDED or REVERSED after
 *   we marked it FAILED and refunded it; an invoice PAID after we marked it EXPIRED; a payout we cannot resolve).
 *   One row per (kind, transaction); `occurrences` counts the reports. Listed by `npm run cli -- payments:anomalies`.
 */
export const up: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    ALTER TABLE user_transaction ADD COLUMN submit_attempts INTEGER NOT NULL DEFAULT 0;

    CREATE TABLE payment_anomaly (
      id               SERIAL PRIMARY KEY,
      kind             VARCHAR(64)  NOT NULL,
      transaction_id   VARCHAR(64)  NOT NULL REFERENCES user_transaction(id) ON DELETE CASCADE,
      username         VARCHAR(64)  NOT NULL,
      local_status     VARCHAR(16)  NOT NULL,
      reported_status  VARCHAR(32)  NOT NULL,
      source           VARCHAR(32)  NOT NULL,
      detail           JSONB,
      occurrences      INTEGER      NOT NULL DEFAULT 1,
      first_seen_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
      last_seen_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
      UNIQUE (kind, transaction_id)
    );
  `);
};

export const down: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    DROP TABLE IF EXISTS payment_anomaly;
    ALTER TABLE user_transaction DROP COLUMN IF EXISTS submit_attempts;
  `);
};
