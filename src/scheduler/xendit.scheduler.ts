import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../utilities/logger.js';

export interface SyncSummary {
  checked: number;
  updated: number;
  failed: number;
}

export type SyncJob = () => Promise<SyncSummary>;

const LOCK_KEY = 'lock:xendit-sync';

/**
 * Runs `job` under a Redis lock with expiry, so across instances only one runs a tick. Returns null when another
 * runner holds the lock. Errors go to the logger (the same path as HTTP errors' logging), never crash the process.
 */
export async function runExclusively(redis: Redis, logger: Logger, job: SyncJob, lockSeconds = 15 * 60): Promise<SyncSummary | null> {
  const owner = randomUUID();
  const acquired = await redis.set(LOCK_KEY, owner, 'EX', lockSeconds, 'NX');
  if (acquired !== 'OK') {
    logger.info('xendit sync skipped: another instance holds the lock');
    return null;
  }
  try {
    const summary = await job();
    logger.info('xendit sync finished', summary);
    return summary;
  } finally {
    // Release only our own lock (compare-and-delete).
    await redis
      .eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", 1, LOCK_KEY, owner)
      .catch((error: unknown) => logger.warn('xendit sync lock release failed', error));
  }
}

/** The seed's expireStatusUpdater schedule (`0 *\/2 * * *` by default). */
export function scheduleXenditSync(options: { enabled: boolean; expression: string; redis: Redis; logger: Logger; job: SyncJob }): ScheduledTask | null {
  if (!options.enabled) {
    options.logger.info('xendit sync schedule is off (XENDIT_SYNC_ENABLED=false)');
    return null;
  }
  return cron.schedule(
    options.expression,
    async () => {
      try {
        await runExclusively(options.redis, options.logger, options.job);
      } catch (error) {
        options.logger.error('xendit sync failed', error);
      }
    },
    { name: 'xendit-sync', noOverlap: true },
  );
}
