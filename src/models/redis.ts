import { Redis } from 'ioredis';
import type { Config } from '../../config/index.js';

/**
 * Redis client that fails fast while the server is unreachable (no offline queue), so requests that need it
 * answer 503 at once instead of hanging, and reconnects by itself with a capped back-off.
 */
export function createRedis(redis: Config['redis'], options: { lazyConnect?: boolean; name?: string } = {}): Redis {
  return new Redis({
    host: redis.host,
    port: redis.port,
    password: redis.password ?? undefined,
    db: redis.db,
    lazyConnect: options.lazyConnect ?? true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 3_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    connectionName: options.name,
  });
}
