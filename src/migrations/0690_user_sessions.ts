import type { MigrationFn } from '../migrations/index.js';

/**
 * Sessions: one row per password login, named by the `sid` its tokens carry. FCM tokens remember the session they
 * were registered from, so revoking the session stops pushes to that device.
 */
export const up: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE TABLE user_session (
      id            UUID          PRIMARY KEY,
      username      VARCHAR(64)   NOT NULL REFERENCES user_login (username) ON UPDATE CASCADE ON DELETE CASCADE,
      device        VARCHAR(200)  NOT NULL,
      ip            VARCHAR(64)   NOT NULL,
      created_at    TIMESTAMPTZ   NOT NULL DEFAULT now(),
      last_seen_at  TIMESTAMPTZ   NOT NULL DEFAULT now(),
      revoked_at    TIMESTAMPTZ
    );
    CREATE INDEX user_session_live_idx ON user_session (username, created_at DESC) WHERE revoked_at IS NULL;
    ALTER TABLE fcm ADD COLUMN session_id UUID;
    CREATE INDEX fcm_session_id_idx ON fcm (session_id) WHERE session_id IS NOT NULL;
  `);
};

export const down: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query('ALTER TABLE fcm DROP COLUMN IF EXISTS session_id; DROP TABLE IF EXISTS user_session;');
};
