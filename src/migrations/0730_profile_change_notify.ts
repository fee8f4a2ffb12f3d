import type { MigrationFn } from '../migrations/index.js';

/**
 * Every committed write to what GET /user/profile shows (user_info, user_balance) notifies
 * `userstate_profile_changed` with the username ('*' for a TRUNCATE), so every instance drops its cached profile
 * whichever code, instance or operator wrote it (src/models/change-feed.ts). NOTIFY is delivered at commit only.
 */
export const up: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE OR REPLACE FUNCTION notify_profile_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('userstate_profile_changed', '*');
        RETURN NULL;
      END IF;
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pg_notify('userstate_profile_changed', OLD.username);
      END IF;
      IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.username IS DISTINCT FROM OLD.username) THEN
        PERFORM pg_notify('userstate_profile_changed', NEW.username);
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER user_info_profile_changed AFTER INSERT OR UPDATE OR DELETE ON user_info
      FOR EACH ROW EXECUTE FUNCTION notify_profile_changed();
    CREATE TRIGGER user_info_profile_truncated AFTER TRUNCATE ON user_info
      FOR EACH STATEMENT EXECUTE FUNCTION notify_profile_changed();
    CREATE TRIGGER user_balance_profile_changed AFTER INSERT OR UPDATE OR DELETE ON user_balance
      FOR EACH ROW EXECUTE FUNCTION notify_profile_changed();
    CREATE TRIGGER user_balance_profile_truncated AFTER TRUNCATE ON user_balance
      FOR EACH STATEMENT EXECUTE FUNCTION notify_profile_changed();
  `);
};

export const down: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    DROP TRIGGER IF EXISTS user_info_profile_changed ON user_info;
    DROP TRIGGER IF EXISTS user_info_profile_truncated ON user_info;
    DROP TRIGGER IF EXISTS user_balance_profile_changed ON user_balance;
    DROP TRIGGER IF EXISTS user_balance_profile_truncated ON user_balance;
    DROP FUNCTION IF EXISTS notify_profile_changed();
  `);
};
