import type { MigrationFn } from '../migrations/index.js';

/** FAQ entries: the seed names a faq controller without endpoints; public list, Basic-auth create/update/delete. */
export const up: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE TABLE faq (
      id          SERIAL PRIMARY KEY,
      category    VARCHAR(64)  NOT NULL DEFAULT 'general',
      question    VARCHAR(500) NOT NULL,
      answer      TEXT         NOT NULL,
      sort_order  INTEGER      NOT NULL DEFAULT 0,
      is_active   BOOLEAN      NOT NULL DEFAULT TRUE,
      created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
      updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
    );
    CREATE INDEX faq_category_order_idx ON faq (category, sort_order, id);
  `);
};

export const down: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query('DROP TABLE IF EXISTS faq;');
};
