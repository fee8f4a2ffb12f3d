import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Mailer } from '../integrations/mailer.js';
import type { SmsSender } from '../integrations/sms.js';
import { XenditError, type XenditGateway } from '../integrations/xendit.js';
import type { Logger } from '../utilities/logger.js';

/**
 * How a callback changed things: credited (a top-up paid), refunded (a failed payout's money back), succeeded (a
 * payout went out), settled / expired (status notes), duplicate (nothing new), rejected (refused), conflicting (an
 * anomaly for operators), unknown (no such invoice or payout).
 */
export type CallbackOutcome = 'credited' | 'refunded' | 'succeeded' | 'settled' | 'expired' | 'duplicate' | 'rejected' | 'conflicting' | 'unknown';
export type LoginOutcome = 'success' | 'invalid_credentials' | 'locked' | 'not_confirmed' | 'disabled' | 'error';

export interface PoolStats {
  size: number;
  available: number;
  using: number;
  waiting: number;
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * The app's Prometheus metrics, in a registry of its own (one per app instance: tests that boot several apps in one
 * process never share counters). Services count what they decide; the composition root wraps the integrations.
 */
export function createMetrics(options: { pool?: () => PoolStats | undefined; defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  const httpDuration = new Histogram({
    name: 'userstate_http_request_duration_seconds',
    help: 'HTTP request duration by method, declared route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const logins = new Counter({ name: 'userstate_logins_total', help: 'Password logins (POST /auth) by outcome', labelNames: ['outcome'] as const, registers });
  const lockouts = new Counter({
    name: 'userstate_login_lockouts_total',
    help: 'Login lockouts started, by what was locked (account or network)',
    labelNames: ['scope'] as const,
    registers,
  });
  const otpSends = new Counter({ name: 'userstate_otp_sends_total', help: 'OTP SMS sends by outcome (sent, failed)', labelNames: ['outcome'] as const, registers });
  const mailSends = new Counter({ name: 'userstate_mail_sends_total', help: 'Mails sent by outcome (sent, failed)', labelNames: ['outcome'] as const, registers });
  const profileCacheLookups = new Counter({
    name: 'userstate_profile_cache_lookups_total',
    help: 'GET /user/profile reads by how they were answered (hit: from memory; miss: read and kept; bypass: change feed down or the cache off)',
    labelNames: ['result'] as const,
    registers,
  });
  const callbacks = new Counter({
    name: 'userstate_payment_callbacks_total',
    help: 'Xendit callbacks by kind (invoice, payout) and outcome (credited, refunded, succeeded, settled, expired, duplicate, rejected, conflicting, unknown)',
    labelNames: ['kind', 'outcome'] as const,
    registers,
  });
  const payouts = new Counter({
    name: 'userstate_payouts_total',
    help: 'Payouts by the status they reached (PENDING when requested, then SUCCEEDED, FAILED, REVERSED, ...)',
    labelNames: ['status'] as const,
    registers,
  });
  const xenditDuration = new Histogram({
    name: 'userstate_xendit_request_duration_seconds',
    help: 'Xendit API call latency by operation and result (ok, error)',
    labelNames: ['operation', 'result'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const xenditErrors = new Counter({
    name: 'userstate_xendit_errors_total',
    help: 'Failed Xendit API calls by operation and kind (http, timeout, network, ...)',
    labelNames: ['operation', 'kind'] as const,
    registers,
  });
  const ledgerState: { mismatched: number | null; checkedAt: number | null } = { mismatched: null, checkedAt: null };
  new Gauge({
    name: 'userstate_ledger_mismatched_wallets',
    help: 'Wallets whose balance differs from the sum of their ledger rows, at the last periodic check (should be 0)',
    registers,
    collect() {
      if (ledgerState.mismatched !== null) this.set(ledgerState.mismatched);
    },
  });
  new Gauge({
    name: 'userstate_ledger_check_timestamp_seconds',
    help: 'When the ledger check last completed (Unix time)',
    registers,
    collect() {
      if (ledgerState.checkedAt !== null) this.set(ledgerState.checkedAt / 1000);
    },
  });
  if (options.pool) {
    const readPool = options.pool;
    new Gauge({
      name: 'userstate_db_pool_connections',
      help: 'PostgreSQL pool connections by state (size, available, using, waiting = requests queued for one)',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const stats = readPool();
        if (!stats) return;
        for (const state of ['size', 'available', 'using', 'waiting'] as const) this.set({ state }, stats[state]);
      },
    });
  }

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    httpDuration,
    logins,
    lockouts,
    otpSends,
    mailSends,
    profileCacheLookups,
    callbacks,
    payouts,
    xenditDuration,
    xenditErrors,

    /**
     * Runs `count` (wallets whose balance differs from their ledger) now and every `intervalMs`, exposing the last
     * result; returns the stop function. A failed check keeps the previous value and is logged.
     */
    startLedgerCheck(count: () => Promise<number>, intervalMs: number, logger: Logger): () => void {
      let running = false;
      const run = async () => {
        if (running) return;
        running = true;
        try {
          ledgerState.mismatched = await count();
          ledgerState.checkedAt = Date.now();
          if (ledgerState.mismatched > 0) logger.error(`ledger check: ${ledgerState.mismatched} wallet(s) whose balance differs from their ledger`);
        } catch (error) {
          logger.warn('ledger check failed', error);
        } finally {
          running = false;
        }
      };
      void run();
      const timer = setInterval(() => void run(), intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },

    /** The mailer, counting each send by outcome. */
    countMailSends(mailer: Mailer): Mailer {
      return {
        async send(message) {
          try {
            await mailer.send(message);
            mailSends.inc({ outcome: 'sent' });
          } catch (error) {
            mailSends.inc({ outcome: 'failed' });
            throw error;
          }
        },
        close: () => mailer.close(),
      };
    },

    /** The SMS sender (only OTPs travel by SMS), counting each send by outcome. */
    countOtpSends(sms: SmsSender): SmsSender {
      return {
        async send(phone, text) {
          try {
            await sms.send(phone, text);
            otpSends.inc({ outcome: 'sent' });
          } catch (error) {
            otpSends.inc({ outcome: 'failed' });
            throw error;
          }
        },
      };
    },

    /** The Xendit gateway, timing every call and counting failures by kind. */
    timeXenditCalls(gateway: XenditGateway): XenditGateway {
      const timed = <K extends keyof XenditGateway>(operation: K): XenditGateway[K] => {
        const call = gateway[operation] as (...args: unknown[]) => Promise<unknown>;
        return (async (...args: unknown[]) => {
          const end = xenditDuration.startTimer({ operation });
          try {
            const result = await call.apply(gateway, args);
            end({ result: 'ok' });
            return result;
          } catch (error) {
            end({ result: 'error' });
            xenditErrors.inc({ operation, kind: error instanceof XenditError ? error.kind : 'unknown' });
            throw error;
          }
        }) as XenditGateway[K];
      };
      return {
        createInvoice: timed('createInvoice'),
        getInvoice: timed('getInvoice'),
        listInvoices: timed('listInvoices'),
        expireInvoice: timed('expireInvoice'),
        createPayout: timed('createPayout'),
        getPayout: timed('getPayout'),
        findPayoutsByReference: timed('findPayoutsByReference'),
        listPayoutChannels: timed('listPayoutChannels'),
      };
    },
  };
}
