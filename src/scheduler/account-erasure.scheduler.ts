import cron, { type ScheduledTask } from 'node-cron';
import type { SyncJob, SyncLockService } from '../services/sync-lock.service.js';
import type { Logger } from '../utilities/logger.js';

/**
 * The account erasure job (ACCOUNT_ERASURE_CRON, daily by default): each tick is claimed once across instances,
 * then run under its own one-runner lock (`lock:account-erasure`), as the Xendit sync is. Errors go to the logger.
 */
export function scheduleAccountErasure(options: { enabled: boolean; expression: string; lock: SyncLockService; logger: Logger; job: SyncJob }): ScheduledTask | null {
  if (!options.enabled) {
    options.logger.info('account erasure schedule is off (ACCOUNT_ERASURE_ENABLED=false)');
    return null;
  }
  return cron.schedule(
    options.expression,
    async (context) => {
      try {
        if (!(await options.lock.claimTick(context.date))) return;
        await options.lock.runExclusively(options.job);
      } catch (error) {
        options.logger.error('account erasure failed', error);
      }
    },
    { name: 'account-erasure', noOverlap: true },
  );
}
