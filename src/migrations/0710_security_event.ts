import type { MigrationFn } from '../migrations/index.js';

/**
 * The security activity of each user: append-only events (a login, a failed one, a password change, a session
 * revoked, a payout requested…) with time, address and device. Rows are never changed (a trigger refuses any update
 * but the username rename an erasure cascades); they go only with the account's erasure.
 */
export const up: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE TABLE security_event (
      id          BIGSERIAL     PRIMARY KEY,
      username    VARCHAR(64)   NOT NULL REFERENCES user_login (username) ON UPDATE CASCADE ON DELETE CASCADE,
      kind        VARCHAR(40)   NOT NULL,
      ip          VARCHAR(64),
      device      VARCHAR(200),
      details     JSONB         NOT NULL DEFAULT '{}'::jsonb,
      created_at  TIMESTAMPTZ   NOT NULL DEFAULT now()
    );
    CREATE INDEX security_event_user_idx ON security_event (username, id DESC);
    CREATE FUNCTION security_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (NEW.id, NEW.kind, NEW.ip, NEW.device, NEW.details, NEW.created_at) IS DISTINCT FROM
         (OLD.id, OLD.kind, OLD.ip, OLD.device, OLD.details, OLD.created_at) THEN
        RAISE EXCEPTION 'security_event is append-only';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER security_event_append_only BEFORE UPDATE ON security_event
      FOR EACH ROW EXECUTE FUNCTION security_event_append_only();
  `);
};

export const down: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query('DROP TABLE IF EXISTS security_event; DROP FUNCTION IF EXISTS security_event_append_only();');
};
