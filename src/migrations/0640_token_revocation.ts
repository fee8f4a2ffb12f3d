import type { MigrationFn } from '../migrations/index.js';

/**
 * Revocation state, kept in PostgreSQL as the authority (Redis holds a fast copy that is rebuilt when found empty):
 * tokens logged out before their expiry, and per user the instant before which every token is refused.
 */
export const up: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE TABLE token_denylist (
      jti         VARCHAR(64)  PRIMARY KEY,
      username    VARCHAR(64)  NOT NULL,
      expires_at  TIMESTAMPTZ  NOT NULL,
      created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
    );
    CREATE INDEX token_denylist_expires_at_idx ON token_denylist (expires_at);
    CREATE TABLE token_not_before (
      username       VARCHAR(64)  PRIMARY KEY,
      not_before_ms  BIGINT       NOT NULL CHECK (not_before_ms >= 0),
      updated_at     TIMESTAMPTZ  NOT NULL DEFAULT now()
    );
    CREATE INDEX token_not_before_ms_idx ON token_not_before (not_before_ms);
  `);
};

export const down: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query('DROP TABLE IF EXISTS token_not_before; DROP TABLE IF EXISTS token_denylist;');
};
