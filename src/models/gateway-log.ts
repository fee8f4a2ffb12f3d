/**
 * Xendit gateway logs in MongoDB (as in the seed): the data layer's MongoDB side, the only code that talks to it.
 *
 * - Optional: without MONGO_DB the logs are off (logged once) and every method is a no-op.
 * - Never blocks boot: the connection is opened in the background (writes made meanwhile wait at most 3 s); if the
 *   first attempt fails it is retried with back-off until close(). Writes are fire-and-forget: a failed write is logged, never thrown to the caller.
 * - Payout logs keep only the last 4 digits of the account number.
 * - The URI (which may hold a password) is never logged.
 */
import mongoose from 'mongoose';
import type { Config } from '../../config/index.js';
import { createXenditCheckoutLogModel } from './xendit-checkout-logs.model.js';
import { createXenditPayoutLogModel } from './xendit-payout-logs.model.js';
import type { Logger } from '../utilities/logger.js';

export interface CheckoutLogEntry {
  invoice_id?: string;
  external_id?: string;
  username?: string;
  amount?: number;
  status?: string;
  payment_method?: string | null;
  payment_channel?: string | null;
  description?: string | null;
  invoice_url?: string;
  expiry_date?: Date | string;
  /** What happened, e.g. "created", "callback", "sync", "expired". */
  event?: string;
}

export interface PayoutLogEntry {
  payout_id?: string;
  username?: string;
  amount?: number;
  status?: string;
  bank_code?: string;
  /** Stored masked to its last 4 digits. */
  account_number?: string;
  account_holder_name?: string;
  description?: string | null;
  reference_id?: string;
  event?: string;
}

export type GatewayLogStatus = 'up' | 'down' | 'off';

export interface GatewayLog {
  readonly enabled: boolean;
  /** Fire-and-forget: returns at once; a failed write is logged. */
  logCheckout(entry: CheckoutLogEntry): void;
  /** Fire-and-forget: returns at once; a failed write is logged. */
  logPayout(entry: PayoutLogEntry): void;
  status(): GatewayLogStatus;
  /** Resolves when every write started so far has finished (or failed). */
  flush(): Promise<void>;
  /** Waits (at most 2 s) for pending writes, then closes the connection. */
  close(): Promise<void>;
}

/** 1234567890 → ****7890 (the length is not revealed). */
export function maskAccountNumber(accountNumber: string): string {
  const digits = accountNumber.replace(/\s+/g, '');
  if (digits.startsWith('*')) return digits;
  return `****${digits.slice(-4)}`;
}

const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 60_000;
const CLOSE_GRACE_MS = 2_000;

export function createGatewayLog(config: Config['mongo'], logger: Logger): GatewayLog {
  if (!config.uri) {
    logger.info('MONGO_DB not set: gateway logs are off');
    return {
      enabled: false,
      logCheckout() {},
      logPayout() {},
      status: () => 'off',
      flush: async () => {},
      close: async () => {},
    };
  }

  const uri = config.uri;
  const connection = mongoose.createConnection();
  const CheckoutLog = createXenditCheckoutLogModel(connection);
  const PayoutLog = createXenditPayoutLogModel(connection);
  const pending = new Set<Promise<unknown>>();
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryDelay = RETRY_FIRST_MS;

  const reason = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

  // Before the first successful connect, openUri's rejection below reports the failure; these would only repeat it.
  let everConnected = false;
  connection.on('error', (error: unknown) => {
    if (everConnected) logger.error('MongoDB gateway log connection error', { reason: reason(error) });
  });
  connection.on('disconnected', () => {
    if (everConnected && !closed) logger.warn('MongoDB gateway log connection lost (the driver reconnects on its own)');
  });

  // bufferTimeoutMS is a documented connection option (mongoose docs for openUri) missing from ConnectOptions' type.
  // It bounds how long a write waits while disconnected, so an outage cannot pile up writes or hold the process.
  const connectOptions: mongoose.ConnectOptions & { bufferTimeoutMS: number } = { serverSelectionTimeoutMS: 3000, bufferTimeoutMS: 3000 };
  const open = () => {
    connection.openUri(uri, connectOptions).then(
      () => {
        everConnected = true;
        retryDelay = RETRY_FIRST_MS;
        logger.info('MongoDB gateway logs connected');
      },
      (error: unknown) => {
        if (closed) return;
        logger.error(`MongoDB gateway logs: could not connect, retrying in ${Math.round(retryDelay / 1000)} s`, { reason: reason(error) });
        retryTimer = setTimeout(open, retryDelay);
        retryTimer.unref();
        retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
      },
    );
  };
  open();

  const track = (what: string, write: () => Promise<unknown>) => {
    if (closed) {
      logger.warn(`gateway log (${what}) dropped: the log is closed`);
      return;
    }
    const promise = Promise.resolve()
      .then(write)
      .catch((error: unknown) => logger.warn(`gateway log (${what}) write failed`, { reason: reason(error) }))
      .finally(() => pending.delete(promise));
    pending.add(promise);
  };

  return {
    enabled: true,
    logCheckout(entry) {
      track('checkout', () => new CheckoutLog(entry).save());
    },
    logPayout(entry) {
      const masked = entry.account_number === undefined ? entry : { ...entry, account_number: maskAccountNumber(entry.account_number) };
      track('payout', () => new PayoutLog(masked).save());
    },
    status() {
      return connection.readyState === mongoose.ConnectionStates.connected ? 'up' : 'down';
    },
    async flush() {
      await Promise.allSettled([...pending]);
    },
    async close() {
      if (closed) return;
      closed = true;
      // Give writes in flight a moment, but never hold shutdown hostage to an unreachable MongoDB.
      const grace = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
      await Promise.race([Promise.allSettled([...pending]), grace]);
      clearTimeout(retryTimer);
      await connection.close();
    },
  };
}
