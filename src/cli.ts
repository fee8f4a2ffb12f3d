/**
 * The operator CLI: `npm run cli -- <command> [args]`. Each command works against the configured database,
 * says what it changed, and exits non-zero on bad usage or failure.
 */
import { ConfigError, loadConfig, readEnvironment, type Config } from '../config/index.js';
import { createRedis } from './models/redis.js';
import { prepareDatabase } from './server.js';
import { createHashingCenter } from './utilities/hashing-center.js';
import { createLogger, type Logger } from './utilities/logger.js';
import { createApiKeyService } from './services/api-key.service.js';
import type { Database } from './models/index.js';
import type { Redis } from 'ioredis';

export interface CliContext {
  config: Readonly<Config>;
  logger: Logger;
  db: Database;
  redis: Redis;
  out: (line: string) => void;
}

export interface CliCommand {
  usage: string;
  summary: string;
  /** Whether the command needs Redis (most only need PostgreSQL). */
  needsRedis?: boolean;
  run(args: string[], ctx: CliContext): Promise<void>;
}

export class UsageError extends Error {}

/** Every command, one line of help each. Features add theirs here. */
export const COMMANDS: Record<string, CliCommand> = {
  migrate: {
    usage: 'migrate',
    summary: 'apply pending database migrations (npm start does this too)',
    async run(_args, ctx) {
      ctx.out('database is migrated to the latest version');
    },
  },
  'apikey:create': {
    usage: 'apikey:create <holder> [description]',
    summary: 'create an API key for an internal service; prints the key once, on the last line',
    needsRedis: true,
    async run(args, ctx) {
      const [holder, ...description] = args;
      if (!holder) throw new UsageError('holder is required');
      const key = await apiKeysOf(ctx).create(holder, description.join(' ') || null);
      ctx.out(`created API key for "${holder}" (stored hashed; it cannot be shown again). Use Basic auth as ${holder}:<key>`);
      ctx.out(key);
    },
  },
  'apikey:list': {
    usage: 'apikey:list',
    summary: 'list API key holders (never the keys)',
    needsRedis: true,
    async run(_args, ctx) {
      const rows = await apiKeysOf(ctx).list();
      if (rows.length === 0) ctx.out('no API keys');
      for (const row of rows) ctx.out(`${row.holder}\t${row.created_at.toISOString()}\t${row.description ?? ''}`);
    },
  },
  'apikey:revoke': {
    usage: 'apikey:revoke <holder>',
    summary: 'revoke a holder\'s API key at once on every instance',
    needsRedis: true,
    async run(args, ctx) {
      const [holder] = args;
      if (!holder) throw new UsageError('holder is required');
      await apiKeysOf(ctx).revoke(holder);
      ctx.out(`revoked the API key of "${holder}"`);
    },
  },
};

function apiKeysOf(ctx: CliContext) {
  return createApiKeyService({ auth: ctx.config.auth, redis: ctx.redis, models: ctx.db.models, hashing: createHashingCenter(ctx.config.auth) });
}

function printHelp(out: (line: string) => void): void {
  out('Usage: npm run cli -- <command> [args]\n\nCommands:');
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length), 4);
  out(`  ${'help'.padEnd(width)}  list the commands`);
  for (const command of Object.values(COMMANDS)) out(`  ${command.usage.padEnd(width)}  ${command.summary}`);
}

/** Runs one command; returns the process exit code. */
export async function runCli(argv: string[], out = (line: string) => process.stdout.write(`${line}\n`), err = (line: string) => process.stderr.write(`${line}\n`)): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help') {
    printHelp(out);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    err(`unknown command "${name}"`);
    printHelp(err);
    return 2;
  }
  let config;
  try {
    config = loadConfig(readEnvironment());
  } catch (error) {
    if (error instanceof ConfigError) {
      err(error.message);
      return 1;
    }
    throw error;
  }
  const logger = createLogger('warn', (line) => err(line));
  let db: Database | undefined;
  let redis: Redis | undefined;
  try {
    db = await prepareDatabase(config, logger);
    if (command.needsRedis) {
      redis = createRedis(config.redis);
      await redis.connect();
    }
    await command.run(args, { config, logger, db, redis: redis as Redis, out });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      err(`${error.message}\nusage: npm run cli -- ${command.usage}`);
      return 2;
    }
    err(`${name} failed: ${(error as Error).message}`);
    return 1;
  } finally {
    redis?.disconnect();
    await db?.sequelize.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/src/cli.ts') || process.argv[1]?.endsWith('/src/cli.js')) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
