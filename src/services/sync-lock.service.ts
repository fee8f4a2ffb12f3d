import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../utilities/logger.js';

export interface SyncSummary {
  checked: number;
  updated: number;
  failed: number;
}

export type SyncJob = () => Promise<SyncSummary>;

export type SyncLockService = ReturnType<typeof createSyncLockService>;

const RENEW_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * Who runs the Xendit sync job, across instances and hosts sharing Redis.
 * - `runExclusively`: one run at a time (cron tick, POST /sys/scheduler/xendit-sync, `xendit:sync` CLI). The lock is a
 *   lease of `leaseMs`, renewed every third of it while the job runs, so a job that outlives the lease keeps it and a
 *   second runner is told it is busy. A runner that dies stops renewing, and the lease frees itself after `leaseMs`.
 * - `claimTick`: a scheduled tick runs on one instance only. The claim is a key carrying the tick's time, kept for a
 *   day, so an instance whose timer fires late for the same tick finds it taken (a lock released at the end of the job
 *   would let it run the tick again).
 */
export function createSyncLockService(deps: { redis: Redis; logger: Logger; leaseMs: number; name?: string }) {
  const name = deps.name ?? 'xendit-sync';
  const lockKey = `lock:${name}`;
  const renewEveryMs = Math.max(50, Math.floor(deps.leaseMs / 3));

  return {
    async runExclusively(job: SyncJob): Promise<SyncSummary | null> {
      const owner = randomUUID();
      const acquired = await deps.redis.set(lockKey, owner, 'PX', deps.leaseMs, 'NX');
      if (acquired !== 'OK') {
        deps.logger.info(`${name} skipped: another runner holds the lock`);
        return null;
      }
      let lost = false;
      const renewal = setInterval(() => {
        deps.redis.eval(RENEW_SCRIPT, 1, lockKey, owner, String(deps.leaseMs)).then(
          (renewed) => {
            if (renewed === 0 && !lost) {
              lost = true;
              deps.logger.error(`${name}: the lock was lost while the job ran (Redis unreachable longer than the lease?)`);
            }
          },
          (error: unknown) => deps.logger.warn(`${name} lock renewal failed`, error),
        );
      }, renewEveryMs);
      try {
        const summary = await job();
        deps.logger.info(`${name} finished`, summary);
        return summary;
      } finally {
        clearInterval(renewal);
        await deps.redis
          .eval(RELEASE_SCRIPT, 1, lockKey, owner)
          .catch((error: unknown) => deps.logger.warn(`${name} lock release failed`, error));
      }
    },

    /** True for the first instance to claim the tick scheduled at `tick`; false for every other. */
    async claimTick(tick: Date): Promise<boolean> {
      const claimed = await deps.redis.set(`tick:${name}:${tick.toISOString()}`, String(process.pid), 'EX', 24 * 60 * 60, 'NX');
      return claimed === 'OK';
    },
  };
}
