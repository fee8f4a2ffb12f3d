import type { Request, Response } from 'express';
import type { IdempotentRunner } from '../middleware/idempotent.js';
import type { RequestInput } from '../middleware/request-context.js';
import type {
  bankListBody,
  cancelInvoiceBody,
  checkoutBody,
  decreaseBody,
  invoiceCallbackBody,
  invoiceIdQuery,
  pageQuery,
  systemCheckoutBody,
} from '../schemas/payment.schema.js';
import type { PaymentService } from '../services/payment.service.js';
import type { WalletService } from '../services/wallet.service.js';
import type { SyncSummary } from '../services/sync-lock.service.js';
import { AppError } from '../errors/app-error.js';

export function createPaymentController(deps: {
  payments: PaymentService;
  wallet: WalletService;
  /** Runs the sync job under the cross-instance lock; null when another runner holds it. */
  runSyncNow: () => Promise<SyncSummary | null>;
}) {
  const { payments, wallet } = deps;
  return {
    async checkout({ body, principal, idempotent }: RequestInput<'jwt', { body: typeof checkoutBody }> & { idempotent: IdempotentRunner }) {
      const { username } = principal;
      await idempotent.run(async () => ({ status: 200, body: await payments.checkout({ ...body, username, type: 'TOPUP' }) }));
    },

    async systemCheckout({ body }: RequestInput<'basic', { body: typeof systemCheckoutBody }>, _req: Request, res: Response) {
      res.json(await payments.checkout({ ...body, type: 'CHECKOUT' }));
    },

    async invoiceCallback({ body }: RequestInput<'callback-token', { body: typeof invoiceCallbackBody }>, _req: Request, res: Response) {
      res.json(await payments.handleInvoiceCallback(body));
    },

    async getBalance({ principal }: RequestInput<'jwt'>, _req: Request, res: Response) {
      res.json(await wallet.getBalance(principal.username));
    },

    async decreaseBalance({ body, principal, idempotent }: RequestInput<'jwt', { body: typeof decreaseBody }> & { idempotent: IdempotentRunner }) {
      const { username } = principal;
      await idempotent.inTransaction(async (t) => ({
        status: 200,
        body: await wallet.decrease({ username, amount: body.amount, description: body.description }, t),
      }));
    },

    async getInvoiceDetail({ query }: RequestInput<'none', { query: typeof invoiceIdQuery }>, _req: Request, res: Response) {
      res.json(await payments.getPublicInvoice(query.invoice_id));
    },

    async getXenditInvoiceDetail({ query, principal }: RequestInput<'jwt', { query: typeof invoiceIdQuery }>, _req: Request, res: Response) {
      res.json(await payments.getOwnInvoiceFromXendit(principal.username, query.invoice_id));
    },

    async listXenditInvoices({ query, principal }: RequestInput<'jwt', { query: typeof pageQuery }>, _req: Request, res: Response) {
      res.json(await payments.listOwnInvoices(principal.username, query));
    },

    async cancelXenditInvoice({ body, principal }: RequestInput<'jwt', { body: typeof cancelInvoiceBody }>, _req: Request, res: Response) {
      res.json(await payments.cancelOwnInvoice(principal.username, body.invoice_id));
    },

    async listBanks({ body }: RequestInput<'none', { body: typeof bankListBody }>, _req: Request, res: Response) {
      res.json(await payments.listBanks(body.type));
    },

    async listPaymentTypes(_input: RequestInput<'none'>, _req: Request, res: Response) {
      res.json(await payments.listPaymentTypes());
    },

    async runSync(_input: RequestInput<'basic'>, _req: Request, res: Response) {
      const summary = await deps.runSyncNow();
      if (!summary) throw new AppError('SYNC_ALREADY_RUNNING');
      res.json(summary);
    },
  };
}
