/**
 * Runs once before the suite: drops and recreates the test database, migrates it from empty, and empties the
 * test Redis db, so every run starts from nothing and never touches development data.
 */
import pg from 'pg';
import { createRedis } from '../src/models/redis.js';
import { prepareDatabase } from '../src/server.js';
import { createLogger } from '../src/utilities/logger.js';
import { testConfig } from './helpers/test-config.js';

const config = testConfig();
const admin = new pg.Client({ ...config.postgres, database: 'postgres' });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS "${config.postgres.database}" WITH (FORCE)`);
await admin.end();

const db = await prepareDatabase(config, createLogger('warn'));
await db.sequelize.close();

const redis = createRedis(config.redis);
await redis.connect();
await redis.flushdb();
await redis.quit();
process.stdout.write(`test database "${config.postgres.database}" recreated and migrated; redis db ${config.redis.db} flushed\n`);
