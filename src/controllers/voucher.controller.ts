import type { Request, Response } from 'express';
import { inputOf, userOf } from '../middleware/request-context.js';
import type { VoucherService } from '../services/voucher.service.js';

export function createVoucherController(vouchers: VoucherService) {
  return {
    async redeem(_req: Request, res: Response) {
      const { body } = inputOf<{ username: string; voucher_code: string }>(res);
      const result = await vouchers.redeem(body.username, body.voucher_code);
      res.status(201).json({ status: true, message: 'Voucher redeemed', ...result });
    },

    async check(_req: Request, res: Response) {
      const { query } = inputOf<Record<string, never>, { voucher_code: string }>(res);
      res.json({ status: true, ...(await vouchers.check(userOf(res).username, query.voucher_code)) });
    },
  };
}
