import type { Request, Response } from 'express';
import type { IdempotentRunner } from '../middleware/idempotent.js';
import { clientOf, type RequestInput } from '../middleware/request-context.js';
import type { pageQuery } from '../schemas/payment.schema.js';
import type { bankAccountBody, idParams, payoutBody, payoutCallbackBody } from '../schemas/payout.schema.js';
import type { BankAccountService } from '../services/bank-account.service.js';
import type { PayoutService } from '../services/payout.service.js';
import type { SecurityActivityService } from '../services/security-activity.service.js';

export function createPayoutController(deps: {
  payouts: PayoutService;
  bankAccounts: BankAccountService;
  activity: SecurityActivityService;
}) {
  const { payouts, bankAccounts, activity } = deps;
  return {
    async listBankAccounts({ principal }: RequestInput<'jwt'>, _req: Request, res: Response) {
      res.json(await bankAccounts.list(principal.username));
    },

    async createBankAccount({ body, principal }: RequestInput<'jwt', { body: typeof bankAccountBody }>, req: Request, res: Response) {
      const { username } = principal;
      const account = await bankAccounts.create(username, body);
      // Recorded before the answer, so the activity a client reads next already holds it.
      await activity.record(username, 'bank_account_added', clientOf(req));
      res.status(201).json(account);
    },

    async deleteBankAccount({ params, principal }: RequestInput<'jwt', { params: typeof idParams }>, _req: Request, res: Response) {
      res.json(await bankAccounts.remove(principal.username, params.id));
    },

    async createPayout({ body, principal, idempotent }: RequestInput<'jwt', { body: typeof payoutBody }> & { idempotent: IdempotentRunner }, req: Request) {
      const { username } = principal;
      // The debit commits with the key; Xendit is called after. A retry whose first answer was lost gets the payout as it is.
      await idempotent.withResource({
        begin: (t) => payouts.debitPayout(t, { ...body, username }),
        finish: async (id) => {
          const payout = await payouts.submitPayout(username, id);
          await activity.record(username, 'payout_requested', clientOf(req));
          return { status: 201, body: payout };
        },
        resume: async (id) => ({ status: 201, body: await payouts.describeOwnPayout(username, id) }),
      });
    },

    async listPayouts({ query, principal }: RequestInput<'jwt', { query: typeof pageQuery }>, _req: Request, res: Response) {
      res.json(await payouts.listPayouts(principal.username, query));
    },

    async payoutCallback({ body }: RequestInput<'callback-token', { body: typeof payoutCallbackBody }>, _req: Request, res: Response) {
      res.json(await payouts.handlePayoutCallback(body));
    },
  };
}
