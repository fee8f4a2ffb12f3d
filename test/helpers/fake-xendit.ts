/**
 * A local stand-in for the Xendit API, speaking exactly the paths and wire format xendit-node 7 uses
 * (see /work/shared/reference/xendit-node-7.md): snake_case JSON, `POST /v2/invoices/` with a trailing slash,
 * `POST /invoices/:id/expire!`, payouts keyed by the `idempotency-key` header.
 *
 *   const xendit = await startFakeXendit();
 *   const config = loadConfig({ ...process.env, XENDIT_API_URL: xendit.url });
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeInvoice = {
  id: string;
  external_id: string;
  status: 'PENDING' | 'PAID' | 'SETTLED' | 'EXPIRED' | (string & {});
  amount: number;
  currency: string;
  invoice_url: string;
  expiry_date: string;
  created: string;
  updated: string;
} & Record<string, unknown>;

export type FakePayout = {
  id: string;
  reference_id: string;
  status: 'ACCEPTED' | 'REQUESTED' | 'LOCKED' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'REVERSED' | (string & {});
  amount: number;
  currency: string;
  channel_code: string;
} & Record<string, unknown>;

export interface RecordedRequest {
  method: string;
  /** Path with query string, exactly as received. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, the raw text when it was not JSON, or undefined for an empty body. */
  body: unknown;
}

export interface FakeXendit {
  url: string;
  invoices: Map<string, FakeInvoice>;
  payouts: Map<string, FakePayout>;
  requests: RecordedRequest[];
  /**
   * The next `times` requests are answered with `status` and `body` instead of being handled:
   * a string body is sent as text/plain, anything else as JSON (default `{error_code:'SERVER_ERROR', message}`).
   * A 2xx status with a malformed body simulates a broken response.
   */
  failNext(times: number, status: number, body?: unknown): void;
  /**
   * The next `times` requests wait `ms` before being handled (for timeout tests). The request is still handled after
   * the wait, even when the client gave up: a payout created that way exists at Xendit although its caller timed out.
   */
  delayNext(ms: number, times?: number): void;
  /**
   * How a repeated payout idempotency key is answered: 'replay' (the first payout again, the default) or 'conflict'
   * (409 DUPLICATE_TRANSACTION_ERROR, "the idempotency key was used before", as Xendit's payout errors document it).
   */
  answerRepeatedPayoutKeys(mode: 'replay' | 'conflict'): void;
  /** Changes an invoice as Xendit would (e.g. PAID with paid_at, payment_method, payment_channel). */
  setInvoiceStatus(id: string, status: FakeInvoice['status'], extra?: Record<string, unknown>): FakeInvoice;
  setPayoutStatus(id: string, status: FakePayout['status'], extra?: Record<string, unknown>): FakePayout;
  /**
   * The body Xendit would POST to the invoice callback for this invoice as it is now: flat snake_case, without the
   * available_* arrays, with `is_high` and the paid fields when paid (see reference/xendit-node-7.md §3).
   */
  invoiceCallback(id: string, overrides?: Record<string, unknown>): Record<string, unknown>;
  /** The payout v2 webhook envelope {event, business_id, created, data} for this payout as it is now. */
  payoutCallback(
    id: string,
    event: 'payout.succeeded' | 'payout.failed' | 'payout.reversed',
    dataOverrides?: Record<string, unknown>,
  ): Record<string, unknown>;
  close(): Promise<void>;
}

const CHANNELS = [
  { channel_code: 'ID_BCA', channel_category: 'BANK', currency: 'IDR', channel_name: 'Bank Central Asia (BCA)' },
  { channel_code: 'ID_BNI', channel_category: 'BANK', currency: 'IDR', channel_name: 'Bank Negara Indonesia (BNI)' },
  { channel_code: 'ID_MANDIRI', channel_category: 'BANK', currency: 'IDR', channel_name: 'Bank Mandiri' },
  { channel_code: 'ID_OVO', channel_category: 'EWALLET', currency: 'IDR', channel_name: 'OVO' },
  { channel_code: 'ID_DANA', channel_category: 'EWALLET', currency: 'IDR', channel_name: 'DANA' },
].map((c) => ({ ...c, amount_limits: { minimum: 10000, maximum: 100000000, minimum_increment: 1 } }));

const BUSINESS_ID = '5f27a14a9bf05c73dd040bc8';

export async function startFakeXendit(): Promise<FakeXendit> {
  const invoices = new Map<string, FakeInvoice>();
  const payouts = new Map<string, FakePayout>();
  const payoutsByKey = new Map<string, string>();
  const requests: RecordedRequest[] = [];
  const failures: Array<{ status: number; body: unknown }> = [];
  const delays: number[] = [];
  let repeatedPayoutKeys: 'replay' | 'conflict' = 'replay';
  let url = '';

  const send = (res: ServerResponse, status: number, body: unknown) => {
    if (res.destroyed) return;
    if (typeof body === 'string') {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
    } else {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
  };
  const error = (res: ServerResponse, status: number, errorCode: string, message: string) =>
    send(res, status, { error_code: errorCode, message });

  const handle = (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    const method = req.method ?? 'GET';
    const parsed = new URL(req.url ?? '/', 'http://fake');
    const path = parsed.pathname;
    const q = parsed.searchParams;
    let m: RegExpMatchArray | null;

    if (method === 'POST' && path === '/v2/invoices/') return createInvoice(res, body);
    if (method === 'GET' && path === '/v2/invoices') return listInvoices(res, q);
    if (method === 'GET' && (m = path.match(/^\/v2\/invoices\/([^/]+)$/))) {
      const invoice = invoices.get(decodeURIComponent(m[1] ?? ''));
      return invoice ? send(res, 200, invoice) : invoiceNotFound(res, m[1]);
    }
    if (method === 'POST' && (m = path.match(/^\/invoices\/([^/]+)\/expire!$/))) {
      const invoice = invoices.get(decodeURIComponent(m[1] ?? ''));
      if (!invoice) return invoiceNotFound(res, m[1]);
      // Only a PENDING invoice changes; a paid or expired one is answered as it is.
      if (invoice.status === 'PENDING') Object.assign(invoice, { status: 'EXPIRED', updated: new Date().toISOString() });
      return send(res, 200, invoice);
    }
    if (method === 'POST' && path === '/v2/payouts') return createPayout(req, res, body);
    if (method === 'GET' && path === '/v2/payouts') {
      // Payout.getPayouts({referenceId}): every payout made with this reference, newest first.
      const referenceId = q.get('reference_id');
      if (!referenceId) return error(res, 400, 'API_VALIDATION_ERROR', 'reference_id is required');
      const data = [...payouts.values()].filter((p) => p.reference_id === referenceId).reverse();
      return send(res, 200, { data, has_more: false, links: [] });
    }
    if (method === 'GET' && (m = path.match(/^\/v2\/payouts\/([^/]+)$/))) {
      const payout = payouts.get(decodeURIComponent(m[1] ?? ''));
      return payout ? send(res, 200, payout) : error(res, 404, 'DATA_NOT_FOUND_ERROR', `Payout ${m[1]} not found`);
    }
    if (method === 'GET' && path === '/payouts_channels') {
      const currency = q.get('currency');
      const categories = q.get('channel_category')?.split(',').filter(Boolean);
      const code = q.get('channel_code');
      return send(
        res,
        200,
        CHANNELS.filter(
          (c) =>
            (!currency || c.currency === currency) &&
            (!categories?.length || categories.includes(c.channel_category)) &&
            (!code || c.channel_code === code),
        ),
      );
    }
    return error(res, 404, 'NOT_FOUND', `No route ${method} ${path}`);
  };

  const invoiceNotFound = (res: ServerResponse, id: string | undefined) =>
    error(res, 404, 'INVOICE_NOT_FOUND_ERROR', `Could not find invoice with id ${id ?? ''}`);

  const createInvoice = (res: ServerResponse, body: unknown) => {
    const b = (body ?? {}) as Record<string, unknown>;
    const problems: Array<{ path: string; message: string }> = [];
    if (typeof b.external_id !== 'string' || !b.external_id) problems.push({ path: 'external_id', message: 'external_id is required' });
    if (typeof b.amount !== 'number' || !(b.amount > 0)) problems.push({ path: 'amount', message: 'amount must be a positive number' });
    if (b.invoice_duration !== undefined && !Number.isInteger(b.invoice_duration)) {
      problems.push({ path: 'invoice_duration', message: 'invoice_duration must be an integer' });
    }
    if (problems.length) return send(res, 400, { error_code: 'API_VALIDATION_ERROR', message: problems[0]?.message, errors: problems });
    const id = randomBytes(12).toString('hex');
    const now = new Date();
    const duration = typeof b.invoice_duration === 'number' ? b.invoice_duration : 86400;
    const paymentMethods = Array.isArray(b.payment_methods) ? (b.payment_methods as string[]) : [];
    const has = (name: string) => paymentMethods.length === 0 || paymentMethods.includes(name);
    const invoice: FakeInvoice = {
      id,
      external_id: b.external_id as string,
      user_id: BUSINESS_ID,
      status: 'PENDING',
      merchant_name: 'Fake Merchant',
      merchant_profile_picture_url: `${url}/merchant.png`,
      amount: b.amount as number,
      ...(typeof b.payer_email === 'string' ? { payer_email: b.payer_email } : {}),
      ...(typeof b.description === 'string' ? { description: b.description } : {}),
      expiry_date: new Date(now.getTime() + duration * 1000).toISOString(),
      invoice_url: `${url}/web/invoices/${id}`,
      available_banks: ['BCA', 'BNI', 'MANDIRI'].filter(has).map((bank_code) => ({
        bank_code,
        collection_type: 'POOL',
        transfer_amount: b.amount,
        bank_branch: 'Virtual Account',
        account_holder_name: 'FAKE MERCHANT',
        identity_amount: 0,
      })),
      available_retail_outlets: ['ALFAMART', 'INDOMARET'].filter(has).map((retail_outlet_name) => ({ retail_outlet_name })),
      available_ewallets: ['OVO', 'DANA', 'SHOPEEPAY', 'LINKAJA'].filter(has).map((ewallet_type) => ({ ewallet_type })),
      available_qr_codes: ['QRIS'].filter(has).map((qr_code_type) => ({ qr_code_type })),
      available_direct_debits: [],
      available_paylaters: [],
      should_exclude_credit_card: false,
      should_send_email: false,
      created: now.toISOString(),
      updated: now.toISOString(),
      currency: typeof b.currency === 'string' ? b.currency : 'IDR',
      ...(typeof b.success_redirect_url === 'string' ? { success_redirect_url: b.success_redirect_url } : {}),
      ...(typeof b.failure_redirect_url === 'string' ? { failure_redirect_url: b.failure_redirect_url } : {}),
    };
    invoices.set(id, invoice);
    return send(res, 200, invoice);
  };

  const listInvoices = (res: ServerResponse, q: URLSearchParams) => {
    const externalId = q.get('external_id');
    const statuses = q.getAll('statuses').flatMap((s) => s.split(','));
    const limit = Number(q.get('limit') ?? 10);
    const list = [...invoices.values()]
      .filter((i) => (!externalId || i.external_id === externalId) && (statuses.length === 0 || statuses.includes(i.status)))
      .sort((a, b) => b.created.localeCompare(a.created))
      .slice(0, Number.isFinite(limit) && limit > 0 ? limit : 10);
    return send(res, 200, list);
  };

  const createPayout = (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || !key) return error(res, 400, 'API_VALIDATION_ERROR', 'Idempotency-key header is required');
    const existing = payoutsByKey.get(key);
    if (existing && repeatedPayoutKeys === 'conflict') {
      return error(res, 409, 'DUPLICATE_TRANSACTION_ERROR', 'The idempotency key has been used before');
    }
    if (existing) return send(res, 200, payouts.get(existing));
    const b = (body ?? {}) as Record<string, unknown>;
    const props = (b.channel_properties ?? {}) as Record<string, unknown>;
    if (typeof b.reference_id !== 'string' || typeof b.channel_code !== 'string' || typeof props.account_number !== 'string') {
      return error(res, 400, 'API_VALIDATION_ERROR', 'reference_id, channel_code and channel_properties.account_number are required');
    }
    if (typeof b.amount !== 'number' || !(b.amount > 0)) return error(res, 400, 'RECIPIENT_AMOUNT_ERROR', 'amount must be positive');
    if (!CHANNELS.some((c) => c.channel_code === b.channel_code)) {
      return error(res, 400, 'CHANNEL_CODE_NOT_SUPPORTED_ERROR', `Channel ${String(b.channel_code)} is not supported`);
    }
    const now = new Date().toISOString();
    const payout: FakePayout = {
      id: `disb-${randomUUID()}`,
      reference_id: b.reference_id,
      channel_code: b.channel_code,
      channel_properties: { account_number: props.account_number, account_holder_name: props.account_holder_name },
      amount: b.amount,
      currency: typeof b.currency === 'string' ? b.currency : 'IDR',
      ...(typeof b.description === 'string' ? { description: b.description } : {}),
      created: now,
      updated: now,
      business_id: BUSINESS_ID,
      status: 'ACCEPTED',
      estimated_arrival_time: new Date(Date.now() + 3600_000).toISOString(),
    };
    payouts.set(payout.id, payout);
    payoutsByKey.set(key, payout.id);
    return send(res, 200, payout);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body });

      const run = () => {
        if (!String(req.headers.authorization ?? '').startsWith('Basic ')) {
          return error(res, 401, 'INVALID_API_KEY', 'API key is not authorized for this API service');
        }
        const failure = failures.shift();
        if (failure) {
          return send(res, failure.status, failure.body ?? { error_code: 'SERVER_ERROR', message: 'Fake Xendit failure' });
        }
        return handle(req, res, body);
      };
      const delay = delays.shift();
      if (delay) setTimeout(run, delay).unref();
      else run();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    invoices,
    payouts,
    requests,
    failNext(times, status, body) {
      for (let i = 0; i < times; i++) failures.push({ status, body });
    },
    delayNext(ms, times = 1) {
      for (let i = 0; i < times; i++) delays.push(ms);
    },
    answerRepeatedPayoutKeys(mode) {
      repeatedPayoutKeys = mode;
    },
    setInvoiceStatus(id, status, extra = {}) {
      const invoice = invoices.get(id);
      if (!invoice) throw new Error(`fake Xendit has no invoice ${id}`);
      const paidExtras =
        status === 'PAID' || status === 'SETTLED'
          ? { paid_at: new Date().toISOString(), paid_amount: invoice.amount, payment_method: 'EWALLET', payment_channel: 'OVO' }
          : {};
      return Object.assign(invoice, paidExtras, extra, { status, updated: new Date().toISOString() });
    },
    setPayoutStatus(id, status, extra = {}) {
      const payout = payouts.get(id);
      if (!payout) throw new Error(`fake Xendit has no payout ${id}`);
      return Object.assign(payout, extra, { status, updated: new Date().toISOString() });
    },
    invoiceCallback(id, overrides = {}) {
      const invoice = invoices.get(id);
      if (!invoice) throw new Error(`fake Xendit has no invoice ${id}`);
      const body: Record<string, unknown> = { is_high: false };
      for (const [key, value] of Object.entries(invoice)) {
        if (
          !key.startsWith('available_') &&
          !key.startsWith('should_') &&
          key !== 'merchant_profile_picture_url' &&
          key !== 'invoice_url' &&
          key !== 'expiry_date'
        ) {
          body[key] = value;
        }
      }
      if (invoice.status === 'PAID' || invoice.status === 'SETTLED') body.initial_amount = invoice.amount;
      return { ...body, ...overrides };
    },
    payoutCallback(id, event, dataOverrides = {}) {
      const payout = payouts.get(id);
      if (!payout) throw new Error(`fake Xendit has no payout ${id}`);
      const status = event === 'payout.succeeded' ? 'SUCCEEDED' : event === 'payout.failed' ? 'FAILED' : 'REVERSED';
      return {
        event,
        business_id: BUSINESS_ID,
        created: new Date().toISOString(),
        data: {
          ...payout,
          status,
          ...(event === 'payout.failed' ? { failure_code: 'INVALID_DESTINATION' } : {}),
          ...dataOverrides,
        },
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
