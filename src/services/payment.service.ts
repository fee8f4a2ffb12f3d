/**
 * Payments in: Xendit invoices for wallet top-ups (TOPUP) and for internal services' orders (CHECKOUT), their
 * callbacks, the invoice endpoints, the reference lists and the sync job (the seed's expireStatusUpdater).
 *
 * The one rule everything here follows: an invoice's status moves forward only (PENDING → PAID → SETTLED, or
 * PENDING → EXPIRED), and every path that learns a status (callback, sync job, cancel, detail) applies it through
 * `applyInvoiceUpdate`, whose conditional UPDATE (`WHERE status = 'PENDING'`) lets exactly one caller flip a row.
 * Only that caller moves money and notifies; duplicates, late or out-of-order deliveries change nothing.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Config } from '../../config/index.js';
import { AppError, BadGatewayError, ValidationError } from '../errors/app-error.js';
import type { GatewayLog } from '../models/gateway-log.js';
import { XenditError, type XenditGateway, type XenditInvoice } from '../integrations/xendit.js';
import { fromXendit, fromXenditCallback, type InvoiceUpdate, type XenditInvoiceCallback } from '../integrations/xendit-invoice.js';
import { canMove, PAID_STATUSES } from './invoice-state.js';
import type { Models } from '../models/index.js';
import type { SyncSummary } from './sync-lock.service.js';
import type { PaymentStatusPublisher } from './realtime.js';
import { compareDecimal, formatRupiah, generateDateCodedId, isValidAmount, toDecimalString } from '../utilities/general.js';
import type { Logger } from '../utilities/logger.js';
import type { CheckoutBudgetService } from './checkout-budget.service.js';
import type { FcmService } from './fcm.service.js';
import type { PaymentAnomalyService } from './payment-anomaly.service.js';
import type { ReferralService } from './referral.service.js';
import { parseAmount, type WalletService } from './wallet.service.js';
import type { CallbackOutcome, Metrics } from './metrics.service.js';
import type { ProgressReport } from '../utilities/progress.js';


/** Invoice rows: a wallet top-up, or an internal service's order (never credited to the wallet). */
export type InvoiceType = 'TOPUP' | 'CHECKOUT';
const INVOICE_TYPES: readonly InvoiceType[] = ['TOPUP', 'CHECKOUT'];

/** The seed's payment_method values that name a category of channels rather than one channel. */
const PAYMENT_CATEGORIES: Record<string, string> = {
  EWALLET: 'EWALLET',
  VIRTUAL_ACCOUNT: 'VIRTUAL_ACCOUNT',
  BANK_TRANSFER: 'VIRTUAL_ACCOUNT',
  QR_CODE: 'QR_CODE',
  QRIS: 'QR_CODE',
  RETAIL_OUTLET: 'RETAIL_OUTLET',
  CREDIT_CARD: 'CREDIT_CARD',
};

export type { InvoiceUpdate };

export type ApplyOutcome = 'unknown' | 'paid' | 'settled' | 'expired' | 'unchanged' | 'rejected' | 'anomaly';

/** How an invoice callback is counted: paid credits the wallet, settled is a note after paid, unchanged a repeat. */
const CALLBACK_OUTCOME: Record<ApplyOutcome, CallbackOutcome> = {
  paid: 'credited',
  settled: 'settled',
  unchanged: 'duplicate',
  rejected: 'rejected',
  anomaly: 'conflicting',
  expired: 'expired',
  unknown: 'unknown',
};
export type UpdateSource = 'callback' | 'sync' | 'cancel' | 'detail';

interface TransactionRow {
  id: string;
  username: string;
  type: string;
  amount: string;
  status: string;
  currency: string;
  reference_id: string | null;
  description: string | null;
  invoice_url: string | null;
  expiry_date: Date | null;
  paid_at: Date | null;
  payment_method: string | null;
  created_at: Date;
}

export interface PaymentServiceDeps {
  sequelize: Sequelize;
  models: Models;
  config: Config['xendit'];
  xendit: XenditGateway;
  wallet: WalletService;
  logger: Logger;
  realtime: PaymentStatusPublisher;
  fcm: Pick<FcmService, 'notifyUser'>;
  gatewayLog: GatewayLog;
  /** Invoices per user per hour (reserved before Xendit is called). */
  checkoutBudget: CheckoutBudgetService;
  /** At most this many pending invoices are re-read from Xendit per GET /invoice/list/xendit. */
  invoiceListXenditReads: number;
  /** Told after a top-up is paid and committed (never inside the money transaction): it starts the referral's payout hold. */
  referrals: Pick<ReferralService, 'completeReferral'>;
  /** Where a PAID after a local EXPIRED is recorded for operators. */
  anomalies: PaymentAnomalyService;
  metrics?: Pick<Metrics, 'callbacks'>;
}

export type PaymentService = ReturnType<typeof createPaymentService>;

const toIso = (value: Date | string | null | undefined): string | null => {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
};

/** Exact comparison of a stored NUMERIC with a number Xendit sent; anything unparsable counts as different. */
function sameAmount(stored: string, sent: number): boolean {
  if (!Number.isFinite(sent) || !isValidAmount(sent)) return false;
  return compareDecimal(stored, toDecimalString(sent)) === 0;
}

export function createPaymentService(deps: PaymentServiceDeps) {
  const { sequelize, models, xendit, wallet, logger, config } = deps;

  // ---------------------------------------------------------------------------------------------------------
  // Lookups
  // ---------------------------------------------------------------------------------------------------------

  async function findInvoiceRow(invoiceId: string, options: { transaction?: Transaction } = {}): Promise<TransactionRow | undefined> {
    // Accepts Xendit's invoice id (reference_id) or our transaction id (the invoice's external_id).
    const rows = await sequelize.query<TransactionRow>(
      `SELECT * FROM user_transaction WHERE (reference_id = :invoiceId OR id = :invoiceId) AND type IN (:types)
        ORDER BY (reference_id = :invoiceId) DESC LIMIT 1`,
      {
        replacements: { invoiceId, types: INVOICE_TYPES },
        type: QueryTypes.SELECT,
        ...(options.transaction ? { transaction: options.transaction } : {}),
      },
    );
    return rows[0];
  }

  async function findOwnInvoice(username: string, invoiceId: string): Promise<TransactionRow> {
    const row = await findInvoiceRow(invoiceId);
    // Another user's invoice is answered exactly like a missing one.
    if (!row || row.username !== username) throw new AppError('INVOICE_NOT_FOUND');
    return row;
  }

  // ---------------------------------------------------------------------------------------------------------
  // After a status flip: socket, push, logs, referral (never inside the money transaction, never delaying the 2xx)
  // ---------------------------------------------------------------------------------------------------------

  async function afterFlip(
    row: TransactionRow,
    change: 'paid' | 'settled' | 'expired',
    source: UpdateSource,
    update?: InvoiceUpdate,
  ): Promise<void> {
    const amount = Number(row.amount);
    const paidAt = toIso(row.paid_at);
    const invoiceId = row.reference_id ?? row.id;
    // The app hears first: the referral step below is a transaction of its own (three round trips), and the bench
    // measured paid → seen latency, not the referral, as what users wait for.
    try {
      deps.realtime.publish(row.username, { invoice_id: invoiceId, status: row.status, amount, paid_at: paidAt });
    } catch (error) {
      logger.warn('payment status publish failed', error);
    }
    if (row.type === 'TOPUP' && change === 'paid') {
      // Awaited (it is a quick database step) but never fatal: the money is already committed.
      try {
        await deps.referrals.completeReferral(row.username, { transactionId: row.id });
      } catch (error) {
        logger.error('completing the referral after a paid top-up failed', { username: row.username, transactionId: row.id, error });
      }
    }
    if (change === 'paid') {
      const topUp = row.type === 'TOPUP';
      const paid = { amount: formatRupiah(row.amount) };
      void deps.fcm.notifyUser(row.username, {
        title: topUp ? 'Top-up received' : 'Payment received',
        body: topUp ? 'Top-up of {amount} was paid.' : 'Payment of {amount} was paid.',
        params: paid,
        data: { type: 'payment', invoice_id: invoiceId, status: row.status },
      });
    } else if (change === 'expired') {
      void deps.fcm.notifyUser(row.username, {
        title: 'Invoice expired',
        body: 'Your invoice of {amount} expired unpaid.',
        params: { amount: formatRupiah(row.amount) },
        data: { type: 'payment', invoice_id: invoiceId, status: row.status },
      });
    }
    deps.gatewayLog.logCheckout({
      event: source,
      invoice_id: invoiceId,
      external_id: row.id,
      username: row.username,
      amount,
      status: row.status,
      payment_method: update?.paymentMethod ?? null,
      payment_channel: update?.paymentChannel ?? row.payment_method,
      description: row.description,
    });
    logger.info(`invoice ${row.status.toLowerCase()}`, { transactionId: row.id, invoiceId, type: row.type, source });
  }

  // ---------------------------------------------------------------------------------------------------------
  // The one idempotent, forward-only state machine
  // ---------------------------------------------------------------------------------------------------------

  /** A forward-only status move with no money involved: only a row still in `from` moves (the guard against replays). */
  async function moveStatus(id: string, from: string, to: string): Promise<TransactionRow | undefined> {
    if (!canMove(from, to)) throw new Error(`invoice status move ${from} → ${to} is not allowed`);
    const rows = await sequelize.query<TransactionRow>(
      `UPDATE user_transaction SET status = :to, updated_at = now() WHERE id = :id AND status = :from RETURNING *`,
      { replacements: { id, from, to }, type: QueryTypes.SELECT },
    );
    return rows[0];
  }

  /**
   * Applies what Xendit says about an invoice. Exactly one concurrent caller can flip a row; only that caller credits
   * (top-ups) and notifies. A paid status whose amount or currency disagrees with what we stored is refused
   * (`rejected`, logged as an error, nothing credited).
   */
  async function applyInvoiceUpdate(update: InvoiceUpdate, source: UpdateSource): Promise<{ outcome: ApplyOutcome; row?: TransactionRow }> {
    let row = await findInvoiceRow(update.invoiceId);
    if (!row && update.externalId) {
      // The news may beat our own bookkeeping: Xendit created the invoice, but checkout has not stored its id yet.
      const adopted = await sequelize.query<TransactionRow>(
        `UPDATE user_transaction SET reference_id = :invoiceId, updated_at = now()
          WHERE id = :externalId AND reference_id IS NULL AND type IN (:types) RETURNING *`,
        { replacements: { invoiceId: update.invoiceId, externalId: update.externalId, types: INVOICE_TYPES }, type: QueryTypes.SELECT },
      );
      row = adopted[0];
    }
    if (!row || row.reference_id !== update.invoiceId) {
      logger.warn('invoice update for an unknown invoice ignored', {
        invoiceId: update.invoiceId,
        externalId: update.externalId,
        status: update.status,
        source,
      });
      return { outcome: 'unknown' };
    }
    if (update.externalId !== undefined && update.externalId !== row.id) {
      logger.error('invoice update ignored: external_id does not match our transaction', {
        invoiceId: update.invoiceId,
        externalId: update.externalId,
        transactionId: row.id,
        source,
      });
      return { outcome: 'rejected', row };
    }
    const status = update.status.toUpperCase();

    if (PAID_STATUSES.has(status)) {
      const problems: string[] = [];
      if (update.currency !== undefined && update.currency !== row.currency) problems.push(`currency ${update.currency} ≠ ${row.currency}`);
      if (update.amount !== undefined && !sameAmount(row.amount, update.amount)) problems.push(`amount ${update.amount} ≠ ${row.amount}`);
      if (update.paidAmount !== undefined && !sameAmount(row.amount, update.paidAmount)) {
        problems.push(`paid_amount ${update.paidAmount} ≠ ${row.amount}`);
      }
      if (problems.length) {
        logger.error('paid invoice refused: it does not match what we stored (nothing credited; check it by hand)', {
          transactionId: row.id,
          invoiceId: update.invoiceId,
          problems,
          source,
        });
        deps.gatewayLog.logCheckout({
          event: `${source}:rejected`,
          invoice_id: update.invoiceId,
          external_id: row.id,
          username: row.username,
          status,
        });
        return { outcome: 'rejected', row };
      }
      const paidAt = toIso(update.paidAt ?? null);
      const channel = (update.paymentChannel ?? update.paymentMethod ?? null)?.slice(0, 64) ?? null;
      const flipped = await sequelize.transaction(async (t) => {
        const rows = await sequelize.query<TransactionRow>(
          `UPDATE user_transaction
              SET status = :status,
                  paid_at = COALESCE(CAST(:paidAt AS timestamptz), now()),
                  balance_delta = CASE WHEN type = 'TOPUP' THEN amount ELSE 0 END,
                  payment_method = COALESCE(:channel, payment_method),
                  updated_at = now()
            WHERE id = :id AND status = 'PENDING'
            RETURNING *`,
          { replacements: { status, paidAt, channel, id: row.id }, type: QueryTypes.SELECT, transaction: t },
        );
        const paid = rows[0];
        if (paid?.type === 'TOPUP') await wallet.creditBalanceOnly(t, paid.username, paid.amount);
        return paid;
      });
      if (flipped) {
        await afterFlip(flipped, 'paid', source, update);
        return { outcome: 'paid', row: flipped };
      }
      if (canMove('PAID', status)) {
        // Funds settled after PAID: a status note, no money.
        const settled = await moveStatus(row.id, 'PAID', status);
        if (settled) {
          await afterFlip(settled, 'settled', source, update);
          return { outcome: 'settled', row: settled };
        }
      }
      // Paid at Xendit but EXPIRED here: nothing is credited on our own; operators must look at it.
      const current = await findInvoiceRow(row.id);
      if (current?.status === 'EXPIRED') {
        await deps.anomalies.record({
          kind: 'INVOICE_PAID_AFTER_EXPIRED',
          transactionId: current.id,
          username: current.username,
          localStatus: current.status,
          reportedStatus: status,
          source,
          detail: { invoiceId: update.invoiceId, paidAt: update.paidAt ?? null, channel },
        });
        return { outcome: 'anomaly', row: current };
      }
      return { outcome: 'unchanged', row };
    }

    if (status === 'EXPIRED') {
      const expired = await moveStatus(row.id, 'PENDING', status);
      if (expired) {
        await afterFlip(expired, 'expired', source, update);
        return { outcome: 'expired', row: expired };
      }
      return { outcome: 'unchanged', row };
    }
    // PENDING, or a status we do not know: nothing to do.
    return { outcome: 'unchanged', row };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Checkout
  // ---------------------------------------------------------------------------------------------------------

  /** payment_method / ewallet_type → the invoice's payment_methods (channel names), or undefined for "all". */
  async function resolvePaymentMethods(paymentMethod?: string, ewalletType?: string): Promise<string[] | undefined> {
    const active = await models.PaymentType.findAll({
      where: { is_active: true },
      attributes: ['code', 'category'],
      order: [['sort_order', 'ASC']],
    });
    if (ewalletType !== undefined) {
      if (paymentMethod !== undefined && paymentMethod !== 'EWALLET') {
        throw new ValidationError([{ field: 'ewallet_type', message: 'is only allowed with payment_method EWALLET' }]);
      }
      if (!active.some((p) => p.code === ewalletType && p.category === 'EWALLET')) {
        throw new ValidationError([{ field: 'ewallet_type', message: 'is not an available e-wallet' }]);
      }
      return [ewalletType];
    }
    if (paymentMethod === undefined) return undefined;
    if (active.some((p) => p.code === paymentMethod)) return [paymentMethod];
    const category = PAYMENT_CATEGORIES[paymentMethod];
    const codes = category ? active.filter((p) => p.category === category).map((p) => p.code) : [];
    if (codes.length === 0) throw new ValidationError([{ field: 'payment_method', message: 'is not an available payment method' }]);
    return codes;
  }

  /** Best effort after a failed create whose outcome is unknown (timeout, 5xx): expire any invoice that was made anyway. */
  function expireOrphans(externalId: string): void {
    void (async () => {
      const found = await xendit.listInvoices({ externalId, statuses: ['PENDING'] });
      for (const invoice of found) await xendit.expireInvoice(invoice.id);
      if (found.length) logger.warn('expired invoices created for a checkout that had failed', { externalId, count: found.length });
    })().catch((error: unknown) =>
      logger.warn('could not check for orphan invoices after a failed checkout', {
        externalId,
        reason: error instanceof Error ? error.message : String(error),
      }),
    );
  }

  async function checkout(input: {
    username: string;
    type: InvoiceType;
    amount: unknown;
    description?: string | undefined;
    payment_method?: string | undefined;
    ewallet_type?: string | undefined;
  }) {
    const amount = parseAmount(input.amount, { min: config.minAmount, max: config.maxAmount });
    const user = await models.UserLogin.findByPk(input.username, { attributes: ['username', 'disabled'] });
    if (!user) throw new AppError('ACCOUNT_NOT_FOUND');
    if (user.disabled) throw new AppError('ACCOUNT_DISABLED');
    const paymentMethods = await resolvePaymentMethods(input.payment_method, input.ewallet_type);
    const description =
      input.description?.trim() || (input.type === 'TOPUP' ? `Top up ${formatRupiah(amount)}` : `Order ${formatRupiah(amount)}`);

    // Valid input only from here: the hourly budget is taken before anything is written or sent to Xendit.
    const reservation = await deps.checkoutBudget.reserve(input.username, input.type);

    // The row first: our id is the invoice's external_id, so one transaction can never get two invoices.
    const id = generateDateCodedId('TRX');
    try {
      await models.UserTransaction.create({
        id,
        username: input.username,
        type: input.type,
        amount,
        status: 'PENDING',
        description,
        payment_method: (input.ewallet_type ?? input.payment_method ?? null)?.slice(0, 64) ?? null,
        currency: 'IDR',
      });
    } catch (error) {
      await reservation.release();
      throw error;
    }

    let invoice: XenditInvoice;
    try {
      invoice = await xendit.createInvoice({
        externalId: id,
        amount: Number(amount),
        description,
        currency: 'IDR',
        invoiceDurationSeconds: config.invoiceDurationSeconds,
        ...(paymentMethods ? { paymentMethods } : {}),
      });
    } catch (error) {
      await models.UserTransaction.destroy({ where: { id, status: 'PENDING', reference_id: null } });
      // A refusal means no invoice exists, so the reservation goes back; after an unknown outcome one may exist.
      if (error instanceof XenditError && !error.isTransient) await reservation.release();
      if (error instanceof XenditError && error.isTransient) expireOrphans(id);
      logger.warn('checkout failed at Xendit; the pending transaction was removed', { transactionId: id, username: input.username });
      throw new BadGatewayError('The payment gateway could not create the invoice. Nothing was charged; please try again.', error);
    }

    await models.UserTransaction.update(
      { reference_id: invoice.id, invoice_url: invoice.invoice_url, expiry_date: new Date(invoice.expiry_date) },
      { where: { id } },
    );
    deps.gatewayLog.logCheckout({
      event: 'created',
      invoice_id: invoice.id,
      external_id: id,
      username: input.username,
      amount: Number(amount),
      status: invoice.status,
      payment_method: input.payment_method ?? null,
      payment_channel: input.ewallet_type ?? null,
      description,
      invoice_url: invoice.invoice_url,
      expiry_date: invoice.expiry_date,
    });
    return {
      invoice_id: invoice.id,
      external_id: id,
      invoice_url: invoice.invoice_url,
      amount: Number(amount),
      currency: 'IDR',
      status: 'PENDING',
      description,
      expiry_date: invoice.expiry_date,
    };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Callback
  // ---------------------------------------------------------------------------------------------------------

  /** POST /payment-callback: the flat snake_case invoice callback. Always acknowledged unless our side failed. */
  async function handleInvoiceCallback(body: XenditInvoiceCallback): Promise<{ status: true; message: string; outcome: ApplyOutcome }> {
    const { outcome } = await applyInvoiceUpdate(fromXenditCallback(body), 'callback');
    deps.metrics?.callbacks.inc({ kind: 'invoice', outcome: CALLBACK_OUTCOME[outcome] });
    const message = outcome === 'unknown' ? 'ignored' : outcome === 'rejected' ? 'rejected' : 'processed';
    return { status: true, message, outcome };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Invoices
  // ---------------------------------------------------------------------------------------------------------

  /** GET /invoice/detail (no auth): only non-personal fields. */
  async function getPublicInvoice(invoiceId: string) {
    const row = await findInvoiceRow(invoiceId);
    if (!row?.reference_id) throw new AppError('INVOICE_NOT_FOUND');
    return {
      invoice_id: row.reference_id,
      status: row.status,
      amount: Number(row.amount),
      currency: row.currency,
      description: row.description,
      invoice_url: row.invoice_url,
      expiry_date: toIso(row.expiry_date),
    };
  }

  const describeOwn = (row: TransactionRow, fresh?: XenditInvoice) => ({
    invoice_id: row.reference_id,
    external_id: row.id,
    type: row.type,
    status: row.status,
    amount: Number(row.amount),
    currency: row.currency,
    description: row.description,
    invoice_url: row.invoice_url,
    expiry_date: toIso(row.expiry_date),
    paid_at: toIso(row.paid_at),
    payment_method: fresh?.payment_method ?? null,
    payment_channel: fresh?.payment_channel ?? row.payment_method,
    created_at: toIso(row.created_at),
  });

  /** GET /invoice/detail/xendit: the caller's own invoice, read fresh from Xendit (and applied if it moved). */
  async function getOwnInvoiceFromXendit(username: string, invoiceId: string) {
    const row = await findOwnInvoice(username, invoiceId);
    if (!row.reference_id) throw new AppError('INVOICE_NOT_FOUND');
    const fresh = await xendit.getInvoice(row.reference_id);
    const applied = await applyInvoiceUpdate(fromXendit(fresh), 'detail');
    const current = applied.row?.id === row.id ? applied.row : row;
    return { ...describeOwn(current, fresh), xendit_status: fresh.status };
  }

  /**
   * GET /invoice/list/xendit: the caller's invoices, newest first. The newest few pending ones on the page (at most
   * `invoiceListXenditReads`) are re-read from Xendit; the others answer their stored status, which callbacks and the
   * sync job keep current (and GET /invoice/detail/xendit reads one fresh on demand).
   */
  async function listOwnInvoices(username: string, query: { limit?: number; offset?: number }) {
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const rows = await sequelize.query<TransactionRow>(
      `SELECT * FROM user_transaction WHERE username = :username AND type IN (:types) AND reference_id IS NOT NULL
        ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset`,
      { replacements: { username, types: INVOICE_TYPES, limit, offset }, type: QueryTypes.SELECT },
    );
    const reread = new Set(
      rows
        .filter((row) => row.status === 'PENDING' && row.reference_id)
        .slice(0, deps.invoiceListXenditReads)
        .map((row) => row.id),
    );
    const invoices = await Promise.all(
      rows.map(async (row) => {
        if (!reread.has(row.id) || !row.reference_id) return describeOwn(row);
        try {
          const fresh = await xendit.getInvoice(row.reference_id);
          const applied = await applyInvoiceUpdate(fromXendit(fresh), 'detail');
          return describeOwn(applied.row?.id === row.id ? applied.row : row, fresh);
        } catch (error) {
          // Xendit being slow must not hide the list: answer what we know.
          logger.warn('invoice list: Xendit read failed, answering the stored status', {
            invoiceId: row.reference_id,
            reason: (error as Error).message,
          });
          return describeOwn(row);
        }
      }),
    );
    return { invoices, limit, offset };
  }

  /** POST /invoice/cancel/xendit: PENDING only; expires it at Xendit, then marks it EXPIRED (idempotent). */
  async function cancelOwnInvoice(username: string, invoiceId: string) {
    const row = await findOwnInvoice(username, invoiceId);
    if (PAID_STATUSES.has(row.status)) throw new AppError('INVOICE_ALREADY_PAID');
    if (row.status === 'EXPIRED') return { invoice_id: row.reference_id ?? row.id, status: 'EXPIRED' };
    if (!row.reference_id) throw new AppError('INVOICE_NOT_READY');
    const fresh = await xendit.expireInvoice(row.reference_id);
    // Xendit answers the invoice as it is: if it was paid meanwhile, that payment is applied (and credited) instead.
    const applied = await applyInvoiceUpdate(fromXendit(fresh), 'cancel');
    const current = applied.row ?? row;
    if (PAID_STATUSES.has(current.status) || PAID_STATUSES.has(fresh.status.toUpperCase())) throw new AppError('INVOICE_ALREADY_PAID');
    if (current.status !== 'EXPIRED') {
      logger.error('invoice cancel: Xendit did not expire the invoice', { invoiceId: row.reference_id, xenditStatus: fresh.status });
      throw new BadGatewayError('The payment gateway did not cancel the invoice; please try again.');
    }
    return { invoice_id: row.reference_id, status: 'EXPIRED' };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Reference lists
  // ---------------------------------------------------------------------------------------------------------

  async function listBanks(type: 'DISBURSEMENT' | 'PAYMENT') {
    const rows = await models.BankChannel.findAll({ where: { type, is_active: true }, order: [['name', 'ASC']] });
    return rows.map((r) => ({ bank_code: r.bank_code, channel_code: r.channel_code, name: r.name, category: r.category, type: r.type }));
  }

  async function listPaymentTypes() {
    const rows = await models.PaymentType.findAll({
      where: { is_active: true },
      order: [
        ['sort_order', 'ASC'],
        ['id', 'ASC'],
      ],
    });
    return rows.map((r) => ({ code: r.code, name: r.name, category: r.category }));
  }

  // ---------------------------------------------------------------------------------------------------------
  // The sync job (the seed's expireStatusUpdater)
  // ---------------------------------------------------------------------------------------------------------

  /**
   * Checks PENDING invoices (with a Xendit id) at Xendit, least recently touched first, and applies PAID/SETTLED/EXPIRED
   * through the same idempotent path as the callback. A row whose check fails is touched (updated_at) so it moves to
   * the back of the queue and cannot starve the others. `updated` counts the flips this run made itself; a racing
   * runner's flips are not counted twice. `usernames` limits a run to some users (operator CLI, tests).
   */
  async function expireStatusUpdater(options: { batchSize?: number; usernames?: string[]; onProgress?: ProgressReport } = {}): Promise<SyncSummary> {
    const byUser = options.usernames?.length ? 'AND username IN (:usernames)' : '';
    const rows = await sequelize.query<{ reference_id: string; id: string }>(
      `SELECT id, reference_id FROM user_transaction
        WHERE status = 'PENDING' AND type IN (:types) AND reference_id IS NOT NULL ${byUser}
        ORDER BY updated_at ASC, id ASC LIMIT :limit`,
      {
        replacements: { types: INVOICE_TYPES, limit: options.batchSize ?? 100, usernames: options.usernames ?? [] },
        type: QueryTypes.SELECT,
      },
    );
    const summary: SyncSummary = { checked: 0, updated: 0, failed: 0 };
    options.onProgress?.({ phase: 'invoices', done: 0, total: rows.length });
    for (const row of rows) {
      summary.checked += 1;
      try {
        const fresh = await xendit.getInvoice(row.reference_id);
        const { outcome } = await applyInvoiceUpdate(fromXendit(fresh), 'sync');
        if (outcome === 'paid' || outcome === 'settled' || outcome === 'expired') summary.updated += 1;
        if (outcome === 'rejected') summary.failed += 1;
        if (outcome === 'unchanged' || outcome === 'rejected') await touch(row.id);
      } catch (error) {
        summary.failed += 1;
        await touch(row.id).catch(() => undefined);
        logger.warn('xendit sync: invoice check failed', {
          transactionId: row.id,
          invoiceId: row.reference_id,
          reason: (error as Error).message,
        });
      }
      options.onProgress?.({ phase: 'invoices', done: summary.checked, total: rows.length });
    }
    return summary;
  }

  /** Moves a still-pending row to the back of the sync queue. */
  async function touch(id: string): Promise<void> {
    await sequelize.query(`UPDATE user_transaction SET updated_at = now() WHERE id = :id AND status = 'PENDING'`, { replacements: { id } });
  }

  return {
    checkout,
    applyInvoiceUpdate,
    handleInvoiceCallback,
    getPublicInvoice,
    getOwnInvoiceFromXendit,
    listOwnInvoices,
    cancelOwnInvoice,
    listBanks,
    listPaymentTypes,
    expireStatusUpdater,
  };
}
