import type { MigrationFn } from '../migrations/index.js';

/**
 * Device types are stored lower-case ('android' | 'ios' | 'web'). Rows written by the original system ("iOS",
 * "Android") take that form; anything else is left as it is.
 */
export const up: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    UPDATE fcm SET device_type = lower(device_type)
     WHERE device_type <> lower(device_type) AND lower(device_type) IN ('android', 'ios', 'web');
  `);
};

export const down: MigrationFn = async () => {
  // The original spellings are not kept; nothing to undo.
};
