import type { Request, Response } from 'express';
import { clientOf, inputOf, userOf } from '../middleware/request-context.js';
import type { BankAccountService } from '../services/bank-account.service.js';
import type { IdempotencyService } from '../services/idempotency.service.js';
import type { PayoutService } from '../services/payout.service.js';
import type { SecurityActivityService } from '../services/security-activity.service.js';

export function createPayoutController(deps: {
  payouts: PayoutService;
  bankAccounts: BankAccountService;
  idempotency: IdempotencyService;
  activity: SecurityActivityService;
}) {
  const { payouts, bankAccounts, idempotency, activity } = deps;
  return {
    async listBankAccounts(_req: Request, res: Response) {
      res.json(await bankAccounts.list(userOf(res).username));
    },

    async createBankAccount(req: Request, res: Response) {
      const { username } = userOf(res);
      const { body } = inputOf<{ bank_code: string; account_number: string; account_holder_name: string }>(res);
      const account = await bankAccounts.create(username, body);
      // Recorded before the answer, so the activity a client reads next already holds it.
      await activity.record(username, 'bank_account_added', clientOf(req));
      res.status(201).json(account);
    },

    async deleteBankAccount(_req: Request, res: Response) {
      const { params } = inputOf<never, never, { id: number }>(res);
      res.json(await bankAccounts.remove(userOf(res).username, params.id));
    },

    async createPayout(req: Request, res: Response) {
      const { username } = userOf(res);
      const { body } = inputOf<{ amount: number; bank_account_id: number; description?: string }>(res);
      // The debit commits with the key; Xendit is called after. A retry whose first answer was lost gets the payout as it is.
      const result = await idempotency.runWithResource(
        { username, scope: 'payout', key: req.get('Idempotency-Key'), request: body },
        {
          begin: (t) => payouts.debitPayout(t, { ...body, username }),
          finish: async (id) => {
            const payout = await payouts.submitPayout(username, id);
            await activity.record(username, 'payout_requested', clientOf(req));
            return { status: 201, body: payout };
          },
          resume: async (id) => ({ status: 201, body: await payouts.describeOwnPayout(username, id) }),
        },
      );
      if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.status(result.status).json(result.body);
    },

    async listPayouts(_req: Request, res: Response) {
      const { query } = inputOf<never, { limit?: number; offset?: number }>(res);
      res.json(await payouts.listPayouts(userOf(res).username, query));
    },

    async payoutCallback(_req: Request, res: Response) {
      const { body } = inputOf<Parameters<PayoutService['handlePayoutCallback']>[0]>(res);
      res.json(await payouts.handlePayoutCallback(body));
    },
  };
}
