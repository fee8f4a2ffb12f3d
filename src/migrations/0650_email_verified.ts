import type { MigrationFn } from '../migrations/index.js';

/**
 * An email is bound to an account only once its owner proved it (a mailed link or code).
 *
 * - email_verified: whether the address is proved. Unique only among proved addresses (partial index), so an
 *   unproved one reserves nothing and several accounts may hold the same unproved address.
 * - email may be NULL: an account whose unproved address was taken by the owner's confirmation loses it.
 * - Existing accounts: an OTP sign-up (a REGISTER send counted for the account's phone and none for its email)
 *   never proved its email and starts unverified; every other account (LINK sign-ups, accounts from before the
 *   send tracker) keeps its address as verified, as it behaved until now.
 */
export const up: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    ALTER TABLE user_info
      ADD COLUMN email_verified BOOLEAN NOT NULL DEFAULT FALSE,
      ALTER COLUMN email DROP NOT NULL;

    UPDATE user_info i SET email_verified = NOT (
      i.phone_number IS NOT NULL
      AND EXISTS (SELECT 1 FROM otp_tracker t WHERE t.otp_type = 'REGISTER' AND t.identifier = i.phone_number)
      AND NOT EXISTS (SELECT 1 FROM otp_tracker t WHERE t.otp_type = 'REGISTER' AND t.identifier = lower(i.email))
    );

    DROP INDEX user_info_email_lower_key;
    CREATE UNIQUE INDEX user_info_verified_email_lower_key ON user_info (lower(email)) WHERE email_verified;
    CREATE INDEX user_info_email_lower_idx ON user_info (lower(email));
  `);
};

export const down: MigrationFn = async ({ context: sequelize }) => {
  // Fails (and changes nothing) when two accounts now share an address or one has none: resolve those first.
  await sequelize.query(`
    DROP INDEX IF EXISTS user_info_email_lower_idx;
    DROP INDEX IF EXISTS user_info_verified_email_lower_key;
    CREATE UNIQUE INDEX user_info_email_lower_key ON user_info (lower(email));
    ALTER TABLE user_info ALTER COLUMN email SET NOT NULL, DROP COLUMN email_verified;
  `);
};
