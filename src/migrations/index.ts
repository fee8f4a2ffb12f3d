import path from 'node:path';
import { readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug, type MigrationParams } from 'umzug';
import type { Logger } from '../utilities/logger.js';

export type MigrationFn = (params: MigrationParams<Sequelize>) => Promise<void>;

const MIGRATIONS_DIR = import.meta.dirname;
const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.(ts|js)$/;

/** Versioned schema changes: every file NNNN_name.ts in this folder, applied in name order and recorded in SequelizeMeta. */
export function createMigrator(sequelize: Sequelize, logger?: Logger): Umzug<Sequelize> {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => MIGRATION_FILE.test(f) && !f.endsWith('.d.ts'))
    .sort();
  return new Umzug<Sequelize>({
    migrations: files.map((file) => {
      const fullPath = path.join(MIGRATIONS_DIR, file);
      const name = file.replace(/\.(ts|js)$/, '');
      const load = async () => (await import(pathToFileURL(fullPath).href)) as { up: MigrationFn; down?: MigrationFn };
      return {
        name,
        up: async (params) => (await load()).up(params),
        down: async (params) => (await load()).down?.(params),
      };
    }),
    context: sequelize,
    storage: new SequelizeStorage({ sequelize }),
    logger: logger ? { info: (m) => logger.debug('migration', m), warn: (m) => logger.warn('migration', m), error: (m) => logger.error('migration', m), debug: () => undefined } : undefined,
  });
}

/** Applies pending migrations in one transaction-safe sequence; returns the names applied. */
export async function migrateUp(sequelize: Sequelize, logger?: Logger): Promise<string[]> {
  const applied = await createMigrator(sequelize, logger).up();
  return applied.map((m) => m.name);
}
