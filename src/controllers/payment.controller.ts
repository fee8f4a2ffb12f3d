import type { Request, Response } from 'express';
import { inputOf, serviceOf, userOf } from '../middleware/request-context.js';
import type { IdempotencyService } from '../services/idempotency.service.js';
import type { PaymentService } from '../services/payment.service.js';
import type { WalletService } from '../services/wallet.service.js';
import type { SyncSummary } from '../services/sync-lock.service.js';
import { AppError } from '../errors/app-error.js';

interface CheckoutBody {
  amount: number;
  description?: string;
  payment_method?: string;
  ewallet_type?: string;
}

/** Answers an Idempotency-Key-wrapped result, marking replays. */
function sendIdempotent(res: Response, result: { status: number; body: unknown; replayed: boolean }): void {
  if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(result.status).json(result.body);
}

export function createPaymentController(deps: {
  payments: PaymentService;
  wallet: WalletService;
  idempotency: IdempotencyService;
  /** Runs the sync job under the cross-instance lock; null when another runner holds it. */
  runSyncNow: () => Promise<SyncSummary | null>;
}) {
  const { payments, wallet, idempotency } = deps;
  return {
    async checkout(req: Request, res: Response) {
      const { username } = userOf(res);
      const { body } = inputOf<CheckoutBody>(res);
      const result = await idempotency.run(
        { username, scope: 'payment-checkout', key: req.get('Idempotency-Key'), request: body },
        async () => ({ status: 200, body: await payments.checkout({ ...body, username, type: 'TOPUP' }) }),
      );
      sendIdempotent(res, result);
    },

    async systemCheckout(_req: Request, res: Response) {
      serviceOf(res);
      const { body } = inputOf<CheckoutBody & { username: string }>(res);
      res.json(await payments.checkout({ ...body, type: 'CHECKOUT' }));
    },

    async invoiceCallback(_req: Request, res: Response) {
      const { body } = inputOf<Parameters<PaymentService['handleInvoiceCallback']>[0]>(res);
      res.json(await payments.handleInvoiceCallback(body));
    },

    async getBalance(_req: Request, res: Response) {
      res.json(await wallet.getBalance(userOf(res).username));
    },

    async decreaseBalance(req: Request, res: Response) {
      const { username } = userOf(res);
      const { body } = inputOf<{ amount: number; description: string }>(res);
      const result = await idempotency.runInTransaction(
        { username, scope: 'balance-decrease', key: req.get('Idempotency-Key'), request: body },
        async (t) => ({ status: 200, body: await wallet.decrease({ username, amount: body.amount, description: body.description }, t) }),
      );
      sendIdempotent(res, result);
    },

    async getInvoiceDetail(_req: Request, res: Response) {
      const { query } = inputOf<never, { invoice_id: string }>(res);
      res.json(await payments.getPublicInvoice(query.invoice_id));
    },

    async getXenditInvoiceDetail(_req: Request, res: Response) {
      const { query } = inputOf<never, { invoice_id: string }>(res);
      res.json(await payments.getOwnInvoiceFromXendit(userOf(res).username, query.invoice_id));
    },

    async listXenditInvoices(_req: Request, res: Response) {
      const { query } = inputOf<never, { limit?: number; offset?: number }>(res);
      res.json(await payments.listOwnInvoices(userOf(res).username, query));
    },

    async cancelXenditInvoice(_req: Request, res: Response) {
      const { body } = inputOf<{ invoice_id: string }>(res);
      res.json(await payments.cancelOwnInvoice(userOf(res).username, body.invoice_id));
    },

    async listBanks(_req: Request, res: Response) {
      const { body } = inputOf<{ type: 'DISBURSEMENT' | 'PAYMENT' }>(res);
      res.json(await payments.listBanks(body.type));
    },

    async listPaymentTypes(_req: Request, res: Response) {
      res.json(await payments.listPaymentTypes());
    },

    async runSync(_req: Request, res: Response) {
      serviceOf(res);
      const summary = await deps.runSyncNow();
      if (!summary) throw new AppError('SYNC_ALREADY_RUNNING');
      res.json(summary);
    },
  };
}
