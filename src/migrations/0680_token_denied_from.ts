import type { MigrationFn } from '../migrations/index.js';

/**
 * A revocation may start later than it is written: the token /extend replaced keeps working for a short grace.
 * `denied_from` is when the entry starts refusing; rows written before this column existed refuse at once.
 */
export const up: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    ALTER TABLE token_denylist ADD COLUMN denied_from TIMESTAMPTZ NOT NULL DEFAULT now();
    ALTER TABLE token_denylist ALTER COLUMN jti TYPE VARCHAR(80);
  `);
};

export const down: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query('ALTER TABLE token_denylist DROP COLUMN IF EXISTS denied_from;');
};
