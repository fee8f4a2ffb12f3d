/**
 * Xendit: the only code that talks to Xendit's API (through xendit-node 7).
 *
 * Why it looks the way it does (see /work/shared/reference/xendit-node-7.md):
 * - The sub-clients are built directly (`new Invoice(...)`, `new Payout(...)`): `new Xendit()` writes to the console.
 * - xendit-node has no timeout, no AbortSignal and no fetch option in its constructors. Each call here is raced against
 *   a timer (`Promise.race`), so a caller never waits longer than `timeoutMs`. The SDK's generated runtime does read
 *   `configuration.fetchApi` (a protected member), so the two small subclasses below hand it a fetch that also
 *   carries the same deadline as an AbortSignal: when the race is lost the socket is released too, instead of
 *   lingering until undici's own 300 s timeout.
 * - That fetch reads each body once and hands the SDK a fresh copy. This (a) keeps the raw snake_case JSON, because the
 *   SDK's Invoice model drops `paid_at` and `payment_channel` and turns unknown statuses into "UNKNOWN_ENUM_VALUE",
 *   and (b) turns a non-JSON error body (500 text/plain, an HTML gateway page) into JSON, which works around the SDK bug
 *   that otherwise throws `TypeError: Body is unusable` and loses the status.
 * - Every failure (XenditSdkError, RequiredError, fetch failed, malformed body, timeout) becomes one `XenditError`.
 * - Results are plain objects in our snake_case shape; callers never see SDK models or Dates.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Configuration, Invoice as InvoiceApi, Payout as PayoutApi, RequiredError, XenditSdkError } from 'xendit-node';
import type { Invoice as SdkInvoice, InvoiceStatus } from 'xendit-node/invoice/models/index.js';
import type { Channel, ChannelCategory, GetPayouts200ResponseDataInner } from 'xendit-node/payout/models/index.js';
import type { Config } from '../../config/index.js';
import { BadGatewayError } from '../errors/app-error.js';
import type { Logger } from '../utilities/logger.js';

// ---------------------------------------------------------------------------------------------------------------
// Our shapes
// ---------------------------------------------------------------------------------------------------------------

export interface XenditInvoice {
  id: string;
  external_id: string;
  /** The raw status string from Xendit: PENDING | PAID | SETTLED | EXPIRED (unknown values are passed through). */
  status: string;
  amount: number;
  currency: string;
  description: string | null;
  invoice_url: string;
  /** ISO 8601. */
  expiry_date: string;
  /** ISO 8601, or null while unpaid. */
  paid_at: string | null;
  /** e.g. EWALLET, BANK_TRANSFER, QR_CODE; null while unpaid. */
  payment_method: string | null;
  /** e.g. OVO, BCA, QRIS; null while unpaid. */
  payment_channel: string | null;
}

export interface XenditPayout {
  id: string;
  reference_id: string;
  /** ACCEPTED | REQUESTED | LOCKED | SUCCEEDED | FAILED | CANCELLED | REVERSED */
  status: string;
  amount: number;
  currency: string;
  channel_code: string;
  description: string | null;
  failure_code: string | null;
}

export interface XenditPayoutChannel {
  channel_code: string;
  channel_category: string;
  channel_name: string;
  currency: string;
  amount_limits: { minimum: number; maximum: number; minimum_increment: number };
}

export interface CreateInvoiceInput {
  externalId: string;
  amount: number;
  description: string;
  payerEmail?: string;
  /** Channel names, e.g. ['OVO'] to restrict the hosted page to one e-wallet. */
  paymentMethods?: string[];
  invoiceDurationSeconds: number;
  currency: 'IDR';
  successRedirectUrl?: string;
  failureRedirectUrl?: string;
}

export interface ListInvoicesInput {
  externalId?: string;
  statuses?: Array<'PENDING' | 'PAID' | 'SETTLED' | 'EXPIRED'>;
  limit?: number;
}

export interface CreatePayoutInput {
  /** Xendit returns the first payout again for a repeated key; reuse it when retrying. */
  idempotencyKey: string;
  referenceId: string;
  /** e.g. ID_BCA, ID_OVO */
  channelCode: string;
  accountNumber: string;
  accountHolderName: string;
  amount: number;
  description: string;
}

export interface XenditGateway {
  createInvoice(input: CreateInvoiceInput): Promise<XenditInvoice>;
  getInvoice(id: string): Promise<XenditInvoice>;
  listInvoices(input?: ListInvoicesInput): Promise<XenditInvoice[]>;
  expireInvoice(id: string): Promise<XenditInvoice>;
  createPayout(input: CreatePayoutInput): Promise<XenditPayout>;
  getPayout(id: string): Promise<XenditPayout>;
  /** Every payout Xendit holds with this reference_id (ours: our transaction id); empty when it never made one. */
  findPayoutsByReference(referenceId: string): Promise<XenditPayout[]>;
  listPayoutChannels(input?: { currency?: string; categories?: Array<'BANK' | 'EWALLET' | 'OTC'> }): Promise<XenditPayoutChannel[]>;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

/** What went wrong, so callers can tell "Xendit said no" (http 4xx) from an outage (timeout, network, http 5xx). */
export type XenditFailureKind = 'http' | 'timeout' | 'network' | 'invalid-request' | 'malformed-response' | 'unknown';

export class XenditError extends BadGatewayError {
  readonly operation: string;
  readonly kind: XenditFailureKind;
  /** The HTTP status Xendit answered with (kind 'http' only). */
  readonly httpStatus?: number;
  /** Xendit's error_code, e.g. INVOICE_NOT_FOUND_ERROR, API_VALIDATION_ERROR, DUPLICATE_TRANSACTION_ERROR. */
  readonly xenditCode?: string;
  /** Xendit's message (may quote request values, so it is kept out of `message`). */
  readonly xenditMessage?: string;

  constructor(
    init: { operation: string; kind: XenditFailureKind; httpStatus?: number; xenditCode?: string; xenditMessage?: string; detail?: string },
    cause?: unknown,
  ) {
    const what = init.kind === 'http' ? `HTTP ${init.httpStatus ?? '?'}${init.xenditCode ? ` ${init.xenditCode}` : ''}` : init.kind;
    super(`Xendit ${init.operation} failed: ${what}${init.detail ? ` (${init.detail})` : ''}`, cause);
    this.name = 'XenditError';
    this.operation = init.operation;
    this.kind = init.kind;
    if (init.httpStatus !== undefined) this.httpStatus = init.httpStatus;
    if (init.xenditCode !== undefined) this.xenditCode = init.xenditCode;
    if (init.xenditMessage !== undefined) this.xenditMessage = init.xenditMessage;
  }

  /** True when Xendit answered 404 (e.g. INVOICE_NOT_FOUND_ERROR, DATA_NOT_FOUND_ERROR). */
  get isNotFound(): boolean {
    return this.httpStatus === 404;
  }

  /** True for failures worth retrying later: timeouts, network errors, 5xx and 429. */
  get isTransient(): boolean {
    return (
      this.kind === 'timeout' ||
      this.kind === 'network' ||
      (this.kind === 'http' && this.httpStatus !== undefined && (this.httpStatus >= 500 || this.httpStatus === 429))
    );
  }
}

function toXenditError(operation: string, error: unknown): XenditError {
  if (error instanceof XenditError) return error;
  if (error instanceof XenditSdkError) {
    // `status` is typed string but is the numeric HTTP status at runtime.
    const httpStatus = Number(error.status);
    return new XenditError(
      {
        operation,
        kind: 'http',
        ...(Number.isFinite(httpStatus) ? { httpStatus } : {}),
        ...(typeof error.errorCode === 'string' ? { xenditCode: error.errorCode } : {}),
        ...(typeof error.errorMessage === 'string' ? { xenditMessage: error.errorMessage } : {}),
      },
      error,
    );
  }
  if (error instanceof RequiredError) {
    return new XenditError({ operation, kind: 'invalid-request', detail: `missing ${error.field}` }, error);
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new XenditError({ operation, kind: 'timeout' }, error);
  }
  if (error instanceof TypeError && error.message === 'fetch failed') {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return new XenditError({ operation, kind: 'network', ...(typeof code === 'string' ? { detail: code } : {}) }, error);
  }
  // "Body is unusable" (non-JSON error body), "Cannot read properties of undefined (reading 'map')" (an invoice
  // without the available_* arrays), a SyntaxError from a broken JSON body, or an invalid Date.
  if (error instanceof TypeError || error instanceof SyntaxError || error instanceof RangeError) {
    return new XenditError({ operation, kind: 'malformed-response' }, error);
  }
  return new XenditError({ operation, kind: 'unknown' }, error);
}

// ---------------------------------------------------------------------------------------------------------------
// The fetch handed to the SDK: deadline signal, raw body capture, JSON-ified error bodies
// ---------------------------------------------------------------------------------------------------------------

interface CallState {
  signal: AbortSignal;
  /** The parsed JSON body of the last response in this call (or its text when it was not JSON). */
  body?: unknown;
}

const currentCall = new AsyncLocalStorage<CallState>();
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

const fetchForXendit: typeof fetch = async (input, init) => {
  const call = currentCall.getStore();
  const response = await fetch(input, call ? { ...init, signal: call.signal } : init);
  let text = await response.text();
  let isJson = false;
  let body: unknown = text;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
      isJson = true;
    } catch {
      // not JSON: handled below
    }
  }
  if (call) call.body = body;
  const headers = new Headers({ 'content-type': response.headers.get('content-type') ?? 'application/json' });
  if (!response.ok && !isJson) {
    // xendit-node calls response.json() and then response.text() on the consumed body ("Body is unusable"):
    // hand it JSON so it throws a XenditSdkError carrying the HTTP status instead.
    text = JSON.stringify({ message: text.replace(/\s+/g, ' ').trim().slice(0, 200) || response.statusText });
    headers.set('content-type', 'application/json');
  }
  return new Response(NULL_BODY_STATUSES.has(response.status) ? null : text, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
};

class DeadlineInvoiceApi extends InvoiceApi {
  constructor(opts: { secretKey: string; xenditURL: string }) {
    super(opts);
    this.configuration = new Configuration({ basePath: opts.xenditURL, fetchApi: fetchForXendit });
  }
}

class DeadlinePayoutApi extends PayoutApi {
  constructor(opts: { secretKey: string; xenditURL: string }) {
    super(opts);
    this.configuration = new Configuration({ basePath: opts.xenditURL, fetchApi: fetchForXendit });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Mapping SDK results to our shapes
// ---------------------------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;
const asRecord = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const asString = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const toIsoOrNull = (v: unknown): string | null => {
  if (v === undefined || v === null || v === '') return null;
  const date = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
};

function malformed(operation: string, detail: string): XenditError {
  return new XenditError({ operation, kind: 'malformed-response', detail });
}

function toInvoice(operation: string, sdk: SdkInvoice, rawValue: unknown): XenditInvoice {
  const raw = asRecord(rawValue);
  const id = asString(sdk.id) ?? asString(raw.id);
  const amount = Number(sdk.amount);
  const expiry = toIsoOrNull(sdk.expiryDate);
  if (!id || !Number.isFinite(amount) || !expiry || !asString(sdk.invoiceUrl)) {
    throw malformed(operation, 'invoice without id, amount, expiry_date or invoice_url');
  }
  return {
    id,
    external_id: sdk.externalId,
    status: asString(raw.status) ?? sdk.status,
    amount,
    currency: asString(raw.currency) ?? sdk.currency ?? 'IDR',
    description: sdk.description ?? null,
    invoice_url: sdk.invoiceUrl,
    expiry_date: expiry,
    paid_at: toIsoOrNull(raw.paid_at),
    payment_method: asString(raw.payment_method) ?? null,
    payment_channel: asString(raw.payment_channel) ?? asString(raw.ewallet_type) ?? asString(raw.bank_code) ?? null,
  };
}

function toPayout(operation: string, sdk: GetPayouts200ResponseDataInner): XenditPayout {
  const amount = Number(sdk.amount);
  if (!asString(sdk.id) || !Number.isFinite(amount)) throw malformed(operation, 'payout without id or amount');
  return {
    id: sdk.id,
    reference_id: sdk.referenceId,
    status: sdk.status,
    amount,
    currency: sdk.currency,
    channel_code: sdk.channelCode,
    description: sdk.description ?? null,
    failure_code: sdk.failureCode ?? null,
  };
}

function toChannel(sdk: Channel): XenditPayoutChannel {
  return {
    channel_code: sdk.channelCode,
    channel_category: sdk.channelCategory,
    channel_name: sdk.channelName,
    currency: sdk.currency,
    amount_limits: {
      minimum: Number(sdk.amountLimits.minimum),
      maximum: Number(sdk.amountLimits.maximum),
      minimum_increment: Number(sdk.amountLimits.minimumIncrement),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The gateway
// ---------------------------------------------------------------------------------------------------------------

export function createXenditGateway(config: Config['xendit'], logger: Logger): XenditGateway {
  const clientOptions = { secretKey: config.secretKey, xenditURL: config.apiUrl.replace(/\/+$/, '') };
  const invoices = new DeadlineInvoiceApi(clientOptions);
  const payouts = new DeadlinePayoutApi(clientOptions);
  const timeoutMs = config.timeoutMs;

  /** Runs one SDK call under the deadline; returns its value and the raw JSON body it received. */
  async function call<T>(operation: string, run: () => Promise<T>): Promise<{ value: T; raw: unknown }> {
    const controller = new AbortController();
    const state: CallState = { signal: controller.signal };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new XenditError({ operation, kind: 'timeout', detail: `no answer within ${timeoutMs} ms` });
        reject(error);
        controller.abort(error); // releases the socket; the race above has already settled
      }, timeoutMs);
    });
    try {
      const value = await Promise.race([currentCall.run(state, run), deadline]);
      return { value, raw: state.body };
    } catch (error) {
      const mapped = toXenditError(operation, error);
      const meta = { kind: mapped.kind, httpStatus: mapped.httpStatus, xenditCode: mapped.xenditCode };
      if (mapped.isTransient || mapped.kind === 'malformed-response' || mapped.kind === 'unknown') {
        logger.warn(`Xendit ${operation} failed`, meta);
      } else {
        logger.debug(`Xendit ${operation} failed`, meta);
      }
      throw mapped;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Turns mapping failures of a successful response into XenditError too. */
  function map<R>(operation: string, fn: () => R): R {
    try {
      return fn();
    } catch (error) {
      throw toXenditError(operation, error);
    }
  }

  return {
    async createInvoice(input) {
      const op = 'createInvoice';
      const { value, raw } = await call(op, () =>
        invoices.createInvoice({
          data: {
            externalId: input.externalId,
            amount: input.amount,
            description: input.description,
            invoiceDuration: input.invoiceDurationSeconds,
            currency: input.currency,
            ...(input.payerEmail ? { payerEmail: input.payerEmail } : {}),
            ...(input.paymentMethods?.length ? { paymentMethods: input.paymentMethods } : {}),
            ...(input.successRedirectUrl ? { successRedirectUrl: input.successRedirectUrl } : {}),
            ...(input.failureRedirectUrl ? { failureRedirectUrl: input.failureRedirectUrl } : {}),
          },
        }),
      );
      return map(op, () => toInvoice(op, value, raw));
    },

    async getInvoice(id) {
      const op = 'getInvoice';
      const { value, raw } = await call(op, () => invoices.getInvoiceById({ invoiceId: id }));
      return map(op, () => toInvoice(op, value, raw));
    },

    async listInvoices(input = {}) {
      const op = 'listInvoices';
      const { value, raw } = await call(op, () =>
        invoices.getInvoices({
          ...(input.externalId ? { externalId: input.externalId } : {}),
          ...(input.statuses?.length ? { statuses: input.statuses as InvoiceStatus[] } : {}),
          ...(input.limit ? { limit: input.limit } : {}),
        }),
      );
      const rawList = Array.isArray(raw) ? (raw as unknown[]) : [];
      return map(op, () => value.map((invoice, i) => toInvoice(op, invoice, rawList[i])));
    },

    async expireInvoice(id) {
      const op = 'expireInvoice';
      const { value, raw } = await call(op, () => invoices.expireInvoice({ invoiceId: id }));
      return map(op, () => toInvoice(op, value, raw));
    },

    async createPayout(input) {
      const op = 'createPayout';
      if (!input.idempotencyKey) throw new XenditError({ operation: op, kind: 'invalid-request', detail: 'missing idempotencyKey' });
      const { value } = await call(op, () =>
        payouts.createPayout({
          idempotencyKey: input.idempotencyKey,
          data: {
            referenceId: input.referenceId,
            channelCode: input.channelCode,
            channelProperties: { accountNumber: input.accountNumber, accountHolderName: input.accountHolderName },
            amount: input.amount,
            currency: 'IDR',
            description: input.description,
          },
        }),
      );
      return map(op, () => toPayout(op, value));
    },

    async getPayout(id) {
      const op = 'getPayout';
      const { value } = await call(op, () => payouts.getPayoutById({ id }));
      return map(op, () => toPayout(op, value));
    },

    async findPayoutsByReference(referenceId) {
      const op = 'findPayoutsByReference';
      const { value, raw } = await call(op, () => payouts.getPayouts({ referenceId }));
      // The list must be there: "no list" is not "no payout".
      if (!Array.isArray(asRecord(raw).data) || !Array.isArray(value.data)) throw malformed(op, 'payout list without data');
      return map(op, () => (value.data ?? []).map((payout) => toPayout(op, payout)));
    },

    async listPayoutChannels(input = {}) {
      const op = 'listPayoutChannels';
      const { value } = await call(op, () =>
        payouts.getPayoutChannels({
          currency: input.currency ?? 'IDR',
          ...(input.categories?.length ? { channelCategory: input.categories as ChannelCategory[] } : {}),
        }),
      );
      return map(op, () => value.map(toChannel));
    },
  };
}
