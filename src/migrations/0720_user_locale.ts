import type { MigrationFn } from '../migrations/index.js';

/**
 * The language of an account (the `Accept-Language` of its sign-up request, `en` or `id`): mails and pushes sent
 * without a request (jobs, payment callbacks) use it. Existing accounts are English, the seed's language.
 */
export const up: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    ALTER TABLE user_info ADD COLUMN locale VARCHAR(8) NOT NULL DEFAULT 'en';
    ALTER TABLE user_info ADD CONSTRAINT user_info_locale_check CHECK (locale IN ('en', 'id'));
  `);
};

export const down: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query('ALTER TABLE user_info DROP COLUMN IF EXISTS locale;');
};
