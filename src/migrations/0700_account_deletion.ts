import type { MigrationFn } from '../migrations/index.js';

/**
 * Account deletion with a grace period, then erasure.
 *
 * - account_deletion: one pending row per account asking to be deleted (the unique partial index); `scheduled_for` is
 *   when the erasure job may erase it. `cancel_token_hash` is the SHA-256 of the cancel token (the token itself is
 *   never stored). Cancelling deletes the row; erasing keeps it under the pseudonym with `erased_at` set and the
 *   reason and token hash cleared (a record that the erasure happened, nothing about the person).
 * - erased_username: HMAC fingerprints (FINGERPRINT_KEY) of the usernames of erased accounts, so a username is never
 *   handed to somebody else (impersonation) while the username itself is not kept.
 */
export const up: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE TABLE account_deletion (
      id                 SERIAL PRIMARY KEY,
      username           VARCHAR(64)  NOT NULL REFERENCES user_login(username) ON UPDATE CASCADE ON DELETE CASCADE,
      reason             VARCHAR(500),
      cancel_token_hash  CHAR(64),
      requested_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
      scheduled_for      TIMESTAMPTZ  NOT NULL,
      erased_at          TIMESTAMPTZ
    );
    CREATE UNIQUE INDEX account_deletion_pending_once ON account_deletion (username) WHERE erased_at IS NULL;
    CREATE UNIQUE INDEX account_deletion_cancel_token_key ON account_deletion (cancel_token_hash) WHERE cancel_token_hash IS NOT NULL;
    CREATE INDEX account_deletion_due_idx ON account_deletion (scheduled_for) WHERE erased_at IS NULL;

    CREATE TABLE erased_username (
      fingerprint  VARCHAR(64) PRIMARY KEY,
      erased_at    TIMESTAMPTZ NOT NULL DEFAULT now()
    );
  `);
};

export const down: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query('DROP TABLE IF EXISTS erased_username; DROP TABLE IF EXISTS account_deletion;');
};
