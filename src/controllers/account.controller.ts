import type { Request, Response } from 'express';
import { localeOf } from '../i18n/locale.js';
import type { RequestInput } from '../middleware/request-context.js';
import type { cancelDeletionBody, deleteAccountBody } from '../schemas/account.schema.js';
import type { AccountDeletionService } from '../services/account-deletion.service.js';
import type { DataExportService } from '../services/data-export.service.js';

export function createAccountController(deps: { accountDeletion: AccountDeletionService; dataExport: DataExportService }) {
  const { accountDeletion, dataExport } = deps;
  return {
    async requestDeletion({ body, principal }: RequestInput<'jwt', { body: typeof deleteAccountBody }>, req: Request, res: Response) {
      const result = await accountDeletion.requestDeletion(principal.username, body, req.ip ?? 'unknown', localeOf(res));
      res.json({
        status: true,
        message: 'Account scheduled for deletion; it is disabled now and can be restored until the scheduled date',
        scheduled_for: result.scheduled_for.toISOString(),
        cancel_token: result.cancel_token,
      });
    },

    async cancelDeletion({ body }: RequestInput<'none', { body: typeof cancelDeletionBody }>, _req: Request, res: Response) {
      await accountDeletion.cancelDeletion(body.cancel_token);
      res.json({ status: true, message: 'Account deletion cancelled; you can log in again' });
    },

    async exportData({ principal }: RequestInput<'jwt'>, _req: Request, res: Response) {
      const document = await dataExport.exportOf(principal.username);
      res.set('Cache-Control', 'no-store').json({ status: true, ...document });
    },
  };
}
