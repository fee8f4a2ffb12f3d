import type { MigrationFn } from '../migrations/index.js';

/**
 * Who earns a referral bonus.
 *
 * - bank_account.account_fingerprint: HMAC-SHA256 (FINGERPRINT_KEY) of the account number, so two accounts can be
 *   compared without decrypting either. Rows written before this migration are filled in by the sync job.
 * - referral_history.qualified_at / qualifying_transaction_id: the referred user's first paid top-up, which starts
 *   the REFERRAL_PAYOUT_HOLD_DAYS hold; rejected_reason and the new status 'rejected' record a bonus withheld.
 * - referral_bonus_claim: one row per (referrer, phone or bank account fingerprint) that has earned a bonus. The
 *   unique key makes "at most once per phone number and per bank account number" hold under concurrency, and the row
 *   outlives the referred account (referral_id is only nulled when that account is deleted).
 */
export const up: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    ALTER TABLE bank_account ADD COLUMN account_fingerprint VARCHAR(64);
    CREATE INDEX bank_account_fingerprint_idx ON bank_account (account_fingerprint);

    ALTER TABLE referral_history
      ADD COLUMN qualified_at              TIMESTAMPTZ,
      ADD COLUMN qualifying_transaction_id VARCHAR(64),
      ADD COLUMN rejected_reason           VARCHAR(32);
    ALTER TABLE referral_history DROP CONSTRAINT referral_history_status_check;
    ALTER TABLE referral_history ADD CONSTRAINT referral_history_status_check CHECK (status IN ('pending', 'completed', 'rejected'));
    CREATE INDEX referral_history_due_idx ON referral_history (qualified_at) WHERE status = 'pending' AND qualified_at IS NOT NULL;

    CREATE TABLE referral_bonus_claim (
      id           SERIAL PRIMARY KEY,
      referrer     VARCHAR(64) NOT NULL REFERENCES user_login(username) ON UPDATE CASCADE ON DELETE CASCADE,
      kind         VARCHAR(16) NOT NULL CHECK (kind IN ('phone', 'bank_account')),
      fingerprint  VARCHAR(64) NOT NULL,
      referral_id  INTEGER REFERENCES referral_history(id) ON DELETE SET NULL,
      created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
      UNIQUE (referrer, kind, fingerprint)
    );
  `);
};

export const down: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    DROP TABLE IF EXISTS referral_bonus_claim;
    DROP INDEX IF EXISTS referral_history_due_idx;
    UPDATE referral_history SET status = 'pending' WHERE status = 'rejected';
    ALTER TABLE referral_history DROP CONSTRAINT referral_history_status_check;
    ALTER TABLE referral_history ADD CONSTRAINT referral_history_status_check CHECK (status IN ('pending', 'completed'));
    ALTER TABLE referral_history
      DROP COLUMN IF EXISTS rejected_reason,
      DROP COLUMN IF EXISTS qualifying_transaction_id,
      DROP COLUMN IF EXISTS qualified_at;
    DROP INDEX IF EXISTS bank_account_fingerprint_idx;
    ALTER TABLE bank_account DROP COLUMN IF EXISTS account_fingerprint;
  `);
};
