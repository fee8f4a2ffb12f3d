import cron, { type ScheduledTask } from 'node-cron';
import type { SyncJob, SyncLockService } from '../services/sync-lock.service.js';
import type { Logger } from '../utilities/logger.js';


/**
 * The seed's expireStatusUpdater schedule (`0 *\/2 * * *` by default). Each tick is claimed once across instances
 * (the claim carries the tick's time), then run under the sync lock; both live in the sync-lock service.
 * Errors go to the logger, never crash the process.
 */
export function scheduleXenditSync(options: { enabled: boolean; expression: string; syncLock: SyncLockService; logger: Logger; job: SyncJob }): ScheduledTask | null {
  if (!options.enabled) {
    options.logger.info('xendit sync schedule is off (XENDIT_SYNC_ENABLED=false)');
    return null;
  }
  return cron.schedule(
    options.expression,
    async (context) => {
      try {
        if (!(await options.syncLock.claimTick(context.date))) {
          options.logger.debug(`xendit sync tick ${context.date.toISOString()} already claimed by another instance`);
          return;
        }
        await options.syncLock.runExclusively(options.job);
      } catch (error) {
        options.logger.error('xendit sync failed', error);
      }
    },
    { name: 'xendit-sync', noOverlap: true },
  );
}
