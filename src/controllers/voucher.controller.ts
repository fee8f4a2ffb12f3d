import type { Request, Response } from 'express';
import type { RequestInput } from '../middleware/request-context.js';
import type { checkVoucherQuery, redeemVoucherBody } from '../schemas/voucher.schema.js';
import type { VoucherService } from '../services/voucher.service.js';

export function createVoucherController(vouchers: VoucherService) {
  return {
    async redeem({ body }: RequestInput<'basic', { body: typeof redeemVoucherBody }>, _req: Request, res: Response) {
      const result = await vouchers.redeem(body.username, body.voucher_code);
      res.status(201).json({ status: true, message: 'Voucher redeemed', ...result });
    },

    async check({ query, principal }: RequestInput<'jwt', { query: typeof checkVoucherQuery }>, _req: Request, res: Response) {
      res.json({ status: true, ...(await vouchers.check(principal.username, query.voucher_code)) });
    },
  };
}
