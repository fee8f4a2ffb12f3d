/**
 * Payouts (money out of the wallet to a bank account or e-wallet) through Xendit Payouts v2.
 *
 * 1. Debit first, in one transaction: the conditional wallet debit and a PAYOUT ledger row (PENDING,
 *    balance_delta = -amount). Committed before Xendit is called, so a crash can never pay out money we did not take.
 * 2. Then Xendit, with an idempotency key derived from our transaction id: a retry (ours or the sync job's) can never
 *    create a second payout for the same debit.
 * 3. The outcome, from the synchronous answer, the callback or the sync job, goes through `applyPayoutStatus`:
 *    a forward-only state machine (PENDING → SUCCEEDED → REVERSED, PENDING → FAILED/CANCELLED/REVERSED) whose
 *    conditional UPDATE lets exactly one caller move a row. Whoever moves it into FAILED/CANCELLED/REVERSED writes the
 *    refund (a PAYOUT_REFUND row, +amount, related_id = the payout) in the same transaction; a unique index on
 *    related_id backs "refunded at most once" in the database too.
 * 4. A refusal by Xendit (4xx) of the first attempt refunds at once; an outage (timeout, 5xx, unreadable answer) leaves
 *    the payout PENDING with its outcome unknown. Attempts are counted before each call (submit_attempts), so the sync
 *    job knows an earlier attempt may have made the payout: it looks the payout up at Xendit by our reference first and
 *    reconciles; it resubmits (same idempotency key) only when Xendit has none, and a refusal of that resubmission is
 *    never taken as a failure (409 DUPLICATE_TRANSACTION_ERROR means the key made a payout). Only a definite failure
 *    of that payout (FAILED/CANCELLED/REVERSED from Xendit) refunds it.
 * 5. A SUCCEEDED or REVERSED after a local FAILED/CANCELLED moves nothing: it is logged as an error and recorded as a
 *    payment anomaly for operators (`payments:anomalies`), and answered as such.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Config } from '../../config/index.js';
import { AppError, BadGatewayError } from '../errors/app-error.js';
import type { GatewayLog } from '../models/gateway-log.js';
import { XenditError, type XenditGateway, type XenditPayout } from '../integrations/xendit.js';
import type { Models } from '../models/index.js';
import type { SyncSummary } from './sync-lock.service.js';
import { formatRupiah, generateDateCodedId } from '../utilities/general.js';
import type { Logger } from '../utilities/logger.js';
import type { BankAccountService } from './bank-account.service.js';
import type { FcmService } from './fcm.service.js';
import type { PaymentAnomalyService } from './payment-anomaly.service.js';
import { parseAmount, type WalletService } from './wallet.service.js';
import type { CallbackOutcome, Metrics } from './metrics.service.js';
import type { ProgressReport } from '../utilities/progress.js';


/** Where a payout may move from, per target status. Terminal: FAILED, CANCELLED, REVERSED. */
const ALLOWED_FROM: Record<string, string[]> = {
  SUCCEEDED: ['PENDING'],
  FAILED: ['PENDING'],
  CANCELLED: ['PENDING'],
  REVERSED: ['PENDING', 'SUCCEEDED'],
};
const REFUNDING = new Set(['FAILED', 'CANCELLED', 'REVERSED']);
/** Local statuses that were refunded as failures: Xendit saying the payout went out contradicts them. */
const REFUNDED_AS_FAILED = new Set(['FAILED', 'CANCELLED']);
const EVENT_STATUS: Record<string, string> = {
  'payout.succeeded': 'SUCCEEDED',
  'payout.failed': 'FAILED',
  'payout.reversed': 'REVERSED',
};

interface PayoutRow {
  id: string;
  username: string;
  amount: string;
  status: string;
  reference_id: string | null;
  payment_method: string | null;
  bank_account_id: number | null;
  destination_mask: string | null;
  failure_code: string | null;
  description: string | null;
  /** Times the payout was sent to Xendit (counted before each call). */
  submit_attempts: number;
  created_at: Date;
  updated_at: Date;
}

export interface PayoutUpdate {
  /** Our transaction id (Xendit's reference_id). */
  referenceId?: string | undefined;
  /** Xendit's payout id (disb-…). */
  payoutId?: string | undefined;
  status: string;
  failureCode?: string | null | undefined;
}

export type PayoutOutcome = 'unknown' | 'succeeded' | 'refunded' | 'unchanged' | 'anomaly';

/** How a payout callback is counted. */
const CALLBACK_OUTCOME: Record<PayoutOutcome, CallbackOutcome> = {
  succeeded: 'succeeded',
  refunded: 'refunded',
  unchanged: 'duplicate',
  anomaly: 'conflicting',
  unknown: 'unknown',
};

export type PayoutService = ReturnType<typeof createPayoutService>;

export const idempotencyKeyOf = (transactionId: string) => `payout-${transactionId}`;

export function createPayoutService(deps: {
  sequelize: Sequelize;
  models: Models;
  config: Config['xendit'];
  xendit: XenditGateway;
  wallet: WalletService;
  bankAccounts: BankAccountService;
  logger: Logger;
  gatewayLog: GatewayLog;
  fcm: Pick<FcmService, 'notifyUser'>;
  anomalies: PaymentAnomalyService;
  metrics?: Pick<Metrics, 'payouts' | 'callbacks'>;
}) {
  const { sequelize, models, xendit, wallet, logger } = deps;

  async function findPayoutRow(update: {
    referenceId?: string | undefined;
    payoutId?: string | undefined;
  }): Promise<PayoutRow | undefined> {
    const rows = await sequelize.query<PayoutRow>(
      `SELECT * FROM user_transaction WHERE type = 'PAYOUT' AND (id = :referenceId OR reference_id = :payoutId) LIMIT 1`,
      { replacements: { referenceId: update.referenceId ?? null, payoutId: update.payoutId ?? null }, type: QueryTypes.SELECT },
    );
    return rows[0];
  }

  function notify(row: PayoutRow, source: string): void {
    deps.gatewayLog.logPayout({
      event: source,
      payout_id: row.reference_id ?? undefined,
      reference_id: row.id,
      username: row.username,
      amount: Number(row.amount),
      status: row.status,
      bank_code: row.payment_method ?? undefined,
      description: row.description,
    });
    logger.info(`payout ${row.status.toLowerCase()}`, {
      transactionId: row.id,
      payoutId: row.reference_id,
      failureCode: row.failure_code,
      source,
    });
    void deps.fcm.notifyUser(row.username, {
      title: 'Payout update',
      body: row.status === 'SUCCEEDED' ? 'Your payout of {amount} was sent.' : 'Your payout of {amount} did not go through; the amount is back in your balance.',
      params: { amount: formatRupiah(row.amount) },
      data: { type: 'payout', payout_id: row.id, status: row.status },
    });
  }

  /** The one forward-only, idempotent transition for payouts (synchronous answer, callback, sync job). */
  async function applyPayoutStatus(update: PayoutUpdate, source: string): Promise<{ outcome: PayoutOutcome; row?: PayoutRow }> {
    const row = await findPayoutRow(update);
    if (!row) {
      logger.warn('payout update for an unknown payout ignored', {
        referenceId: update.referenceId,
        payoutId: update.payoutId,
        status: update.status,
        source,
      });
      return { outcome: 'unknown' };
    }
    if (update.payoutId && row.reference_id && row.reference_id !== update.payoutId) {
      logger.error('payout update ignored: Xendit payout id does not match ours', {
        transactionId: row.id,
        payoutId: update.payoutId,
        source,
      });
      return { outcome: 'unchanged', row };
    }
    const status = update.status.toUpperCase();
    const from = ALLOWED_FROM[status];
    if (!from) return { outcome: 'unchanged', row };

    const moved = await sequelize.transaction(async (t) => {
      const rows = await sequelize.query<PayoutRow>(
        `UPDATE user_transaction
            SET status = :status,
                failure_code = COALESCE(:failureCode, failure_code),
                reference_id = COALESCE(reference_id, :payoutId),
                updated_at = now()
          WHERE id = :id AND type = 'PAYOUT' AND status IN (:from)
          RETURNING *`,
        {
          replacements: {
            status,
            failureCode: update.failureCode?.slice(0, 64) ?? null,
            payoutId: update.payoutId ?? null,
            id: row.id,
            from,
          },
          type: QueryTypes.SELECT,
          transaction: t,
        },
      );
      const flipped = rows[0];
      if (flipped && REFUNDING.has(status)) {
        await wallet.credit(t, {
          id: generateDateCodedId('RFD'),
          username: flipped.username,
          type: 'PAYOUT_REFUND',
          amount: flipped.amount,
          status: 'SUCCESS',
          description: `Refund of payout ${flipped.id} (${status.toLowerCase()})`,
          related_id: flipped.id,
        });
      }
      return flipped;
    });
    if (!moved) return { outcome: (await recordContradiction(row.id, status, update, source)) ? 'anomaly' : 'unchanged', row };
    deps.metrics?.payouts.inc({ status });
    notify(moved, source);
    return { outcome: REFUNDING.has(status) ? 'refunded' : 'succeeded', row: moved };
  }

  /**
   * A status that did not move the row: if Xendit says the payout went out (SUCCEEDED, REVERSED) while we hold it as
   * FAILED/CANCELLED (and refunded it), that is an anomaly for operators, never silently acknowledged.
   */
  async function recordContradiction(id: string, status: string, update: PayoutUpdate, source: string): Promise<boolean> {
    if (status !== 'SUCCEEDED' && status !== 'REVERSED') return false;
    const current = await loadPayout(id);
    if (!REFUNDED_AS_FAILED.has(current.status)) return false;
    await deps.anomalies.record({
      kind: `PAYOUT_${status}_AFTER_${current.status as 'FAILED' | 'CANCELLED'}`,
      transactionId: current.id,
      username: current.username,
      localStatus: current.status,
      reportedStatus: status,
      source,
      detail: { payoutId: update.payoutId ?? current.reference_id, failureCode: current.failure_code },
    });
    return true;
  }

  /**
   * Links a payout Xendit already holds for our reference (made by an attempt whose answer we never read) and applies
   * its status. Two payouts for one reference would be a double payout: recorded as an anomaly.
   */
  async function adopt(row: PayoutRow, found: XenditPayout[], source: string): Promise<XenditPayout> {
    if (found.length > 1) {
      await deps.anomalies.record({
        kind: 'PAYOUT_DUPLICATED_AT_XENDIT',
        transactionId: row.id,
        username: row.username,
        localStatus: row.status,
        reportedStatus: found.map((p) => p.status).join(',').slice(0, 32),
        source,
        detail: { payoutIds: found.map((p) => p.id) },
      });
    }
    const payout = found.find((p) => p.status !== 'FAILED' && p.status !== 'CANCELLED') ?? (found[0] as XenditPayout);
    await sequelize.query(`UPDATE user_transaction SET reference_id = :payoutId, updated_at = now() WHERE id = :id AND reference_id IS NULL`, {
      replacements: { payoutId: payout.id, id: row.id },
    });
    logger.info('payout found at Xendit after an unknown outcome', { transactionId: row.id, payoutId: payout.id, status: payout.status, source });
    await applyPayoutStatus({ referenceId: row.id, payoutId: payout.id, status: payout.status, failureCode: payout.failure_code }, source);
    return payout;
  }

  /**
   * Sends a debited PENDING payout to Xendit. Returns Xendit's payout, or null when the outcome is (still) unknown.
   * When an earlier attempt's outcome is unknown, Xendit is asked first whether it made the payout; a refusal of the
   * resubmission is then not a failure of the payout and refunds nothing.
   */
  async function submit(row: PayoutRow, source: string): Promise<XenditPayout | null> {
    const account = row.bank_account_id ? await models.BankAccount.findByPk(row.bank_account_id) : null;
    if (!account) {
      if (row.submit_attempts === 0) {
        await applyPayoutStatus({ referenceId: row.id, status: 'FAILED', failureCode: 'BANK_ACCOUNT_REMOVED' }, source);
        return null;
      }
    }
    // Counted before the call: from here on, an attempt whose answer we never read leaves the outcome unknown.
    const [counted] = await sequelize.query<{ submit_attempts: number }>(
      `UPDATE user_transaction SET submit_attempts = submit_attempts + 1, updated_at = now()
        WHERE id = :id AND type = 'PAYOUT' AND status = 'PENDING' AND reference_id IS NULL
        RETURNING submit_attempts`,
      { replacements: { id: row.id }, type: QueryTypes.SELECT },
    );
    if (!counted) return null; // linked or settled meanwhile by a callback or another runner
    const outcomeUnknown = counted.submit_attempts > 1;
    if (outcomeUnknown) {
      const found = await xendit.findPayoutsByReference(row.id);
      if (found.length > 0) return adopt(row, found, source);
    }
    if (!account) {
      // Xendit has no payout and we can no longer send one; the earlier attempt's outcome is still not a failure.
      logger.error('payout cannot be resubmitted: its bank account is gone; it stays PENDING for an operator', { transactionId: row.id });
      return null;
    }
    try {
      const payout = await xendit.createPayout({
        idempotencyKey: idempotencyKeyOf(row.id),
        referenceId: row.id,
        channelCode: row.payment_method ?? '',
        // Decrypted only here, only for this call; never logged or answered.
        accountNumber: deps.bankAccounts.decryptAccountNumber(account),
        accountHolderName: account.account_holder_name,
        amount: Number(row.amount),
        description: row.description ?? `Payout ${row.id}`,
      });
      await sequelize.query(
        `UPDATE user_transaction SET reference_id = :payoutId, updated_at = now() WHERE id = :id AND reference_id IS NULL`,
        {
          replacements: { payoutId: payout.id, id: row.id },
        },
      );
      deps.gatewayLog.logPayout({
        event: `${source}:created`,
        payout_id: payout.id,
        reference_id: row.id,
        username: row.username,
        amount: Number(row.amount),
        status: payout.status,
        bank_code: account.bank_code,
        account_number: account.account_number_last4,
        account_holder_name: account.account_holder_name,
        description: row.description,
      });
      // Xendit may already know the end (e.g. a resubmission of a payout that failed meanwhile).
      await applyPayoutStatus(
        { referenceId: row.id, payoutId: payout.id, status: payout.status, failureCode: payout.failure_code },
        source,
      );
      return payout;
    } catch (error) {
      const refused = error instanceof XenditError && (error.kind === 'invalid-request' || (error.kind === 'http' && !error.isTransient));
      if (!refused) {
        logger.warn('payout submission outcome unknown; it stays PENDING and the sync job will look it up at Xendit', {
          transactionId: row.id,
          reason: (error as Error).message,
        });
        return null;
      }
      const failureCode = (error instanceof XenditError ? error.xenditCode : undefined) ?? 'REJECTED';
      if (failureCode === 'DUPLICATE_TRANSACTION_ERROR') {
        // The key was used before: Xendit made (or is making) this payout. It is looked up on the next run.
        logger.warn('payout resubmission answered DUPLICATE_TRANSACTION_ERROR; it stays PENDING and will be looked up', {
          transactionId: row.id,
          source,
        });
        return null;
      }
      if (outcomeUnknown) {
        await deps.anomalies.record({
          kind: 'PAYOUT_RESUBMISSION_REFUSED',
          transactionId: row.id,
          username: row.username,
          localStatus: 'PENDING',
          reportedStatus: failureCode,
          source,
          detail: { attempts: counted.submit_attempts },
        });
        return null;
      }
      await applyPayoutStatus({ referenceId: row.id, status: 'FAILED', failureCode }, source);
      throw new BadGatewayError(
        `The payout was refused by the payment gateway (${failureCode}); the amount is back in your balance.`,
        error,
      );
    }
  }

  async function loadPayout(id: string): Promise<PayoutRow> {
    const [row] = await sequelize.query<PayoutRow>(`SELECT * FROM user_transaction WHERE id = :id AND type = 'PAYOUT'`, {
      replacements: { id },
      type: QueryTypes.SELECT,
    });
    if (!row) throw new AppError('PAYOUT_NOT_FOUND');
    return row;
  }

  const describe = (row: PayoutRow) => ({
    payout_id: row.id,
    xendit_payout_id: row.reference_id,
    amount: Number(row.amount),
    status: row.status,
    failure_code: row.failure_code,
    bank_account_id: row.bank_account_id,
    channel_code: row.payment_method,
    destination: row.destination_mask,
    description: row.description,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  });

  /**
   * POST /payout, step 1, inside `t` (the transaction that also records the request's Idempotency-Key): the debit and
   * its PENDING payout row. Returns the payout id.
   */
  async function debitPayout(
    t: Transaction,
    input: { username: string; amount: unknown; bank_account_id: number; description?: string | undefined },
  ): Promise<string> {
    const amount = parseAmount(input.amount, { min: deps.config.minAmount, max: deps.config.maxAmount });
    const { account, channelCode } = await deps.bankAccounts.getDisbursementTarget(input.username, input.bank_account_id, t);
    const id = generateDateCodedId('PO');
    await wallet.debit(t, {
        id,
        username: input.username,
        type: 'PAYOUT',
        amount,
        status: 'PENDING',
        description: input.description?.trim() || `Payout to ${account.bank_code} ****${account.account_number_last4}`,
        payment_method: channelCode,
        bank_account_id: account.id,
        destination_mask: `${account.bank_code} ****${account.account_number_last4}`,
    });
    return id;
  }

  /** POST /payout, step 2, once the debit is committed: Xendit, then the payout as it now is. */
  async function submitPayout(username: string, id: string) {
    deps.metrics?.payouts.inc({ status: 'PENDING' });
    await submit(await loadPayout(id), 'request');
    return describeOwnPayout(username, id);
  }

  /** A user's payout as it is now, with their balance (also the answer to a retry whose first answer was lost). */
  async function describeOwnPayout(username: string, id: string) {
    const current = await loadPayout(id);
    if (current.username !== username) throw new AppError('PAYOUT_NOT_FOUND');
    const { balance } = await wallet.getBalance(username);
    return { ...describe(current), balance };
  }

  async function listPayouts(username: string, query: { limit?: number; offset?: number }) {
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const rows = await sequelize.query<PayoutRow>(
      `SELECT * FROM user_transaction WHERE username = :username AND type = 'PAYOUT' ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset`,
      { replacements: { username, limit, offset }, type: QueryTypes.SELECT },
    );
    return { payouts: rows.map(describe), limit, offset };
  }

  /** POST /payout-callback: Xendit's payout v2 envelope {event, business_id, created, data{…}}. */
  async function handlePayoutCallback(body: {
    event: string;
    data: { id?: string; reference_id?: string; status?: string; failure_code?: string };
  }) {
    const status = EVENT_STATUS[body.event] ?? body.data.status;
    if (!status) {
      deps.metrics?.callbacks.inc({ kind: 'payout', outcome: 'unknown' });
      return { status: true as const, message: 'ignored', outcome: 'unknown' as PayoutOutcome };
    }
    const { outcome } = await applyPayoutStatus(
      { referenceId: body.data.reference_id, payoutId: body.data.id, status, failureCode: body.data.failure_code ?? null },
      'callback',
    );
    deps.metrics?.callbacks.inc({ kind: 'payout', outcome: CALLBACK_OUTCOME[outcome] });
    return { status: true as const, message: outcome === 'unknown' ? 'ignored' : 'processed', outcome };
  }

  /**
   * The sync job's payout half: PENDING payouts older than a minute are resubmitted (same idempotency key) when
   * Xendit never acknowledged them, or re-read from Xendit when it did (a lost callback).
   */
  async function syncPendingPayouts(
    options: { batchSize?: number; olderThanSeconds?: number; usernames?: string[]; onProgress?: ProgressReport } = {},
  ): Promise<SyncSummary> {
    const byUser = options.usernames?.length ? 'AND username IN (:usernames)' : '';
    const rows = await sequelize.query<PayoutRow>(
      `SELECT * FROM user_transaction WHERE type = 'PAYOUT' AND status = 'PENDING' ${byUser}
          AND created_at < now() - make_interval(secs => :age)
        ORDER BY updated_at ASC, id ASC LIMIT :limit`,
      {
        replacements: { age: options.olderThanSeconds ?? 60, limit: options.batchSize ?? 100, usernames: options.usernames ?? [] },
        type: QueryTypes.SELECT,
      },
    );
    const summary: SyncSummary = { checked: 0, updated: 0, failed: 0 };
    options.onProgress?.({ phase: 'payouts', done: 0, total: rows.length });
    for (const row of rows) {
      summary.checked += 1;
      let failure: unknown;
      try {
        if (!row.reference_id) {
          await submit(row, 'sync');
        } else {
          const payout = await xendit.getPayout(row.reference_id);
          await applyPayoutStatus(
            { referenceId: row.id, payoutId: payout.id, status: payout.status, failureCode: payout.failure_code },
            'sync',
          );
        }
      } catch (error) {
        failure = error;
      }
      // A refusal answered by a refund is an update, not a failure of the job.
      const after = await loadPayout(row.id).catch(() => undefined);
      if (after && after.status !== 'PENDING') summary.updated += 1;
      else {
        // Still pending: to the back of the queue, so a payout Xendit cannot answer for does not starve the others.
        await sequelize.query(`UPDATE user_transaction SET updated_at = now() WHERE id = :id AND status = 'PENDING'`, {
          replacements: { id: row.id },
        });
      }
      if (failure && after?.status === 'PENDING') {
        summary.failed += 1;
        logger.warn('xendit sync: payout check failed', { transactionId: row.id, reason: (failure as Error).message });
      }
      options.onProgress?.({ phase: 'payouts', done: summary.checked, total: rows.length });
    }
    return summary;
  }

  return { debitPayout, submitPayout, describeOwnPayout, listPayouts, applyPayoutStatus, handlePayoutCallback, syncPendingPayouts };
}
