import type { createVoucherController } from '../controllers/voucher.controller.js';
import { checkVoucherQuery, checkVoucherResponse, redeemVoucherBody, redeemVoucherResponse } from '../schemas/voucher.schema.js';
import type { RouteDeclaration } from './route.js';

export function voucherRoutes(controller: ReturnType<typeof createVoucherController>): RouteDeclaration[] {
  return [
    {
      method: 'post',
      path: '/redeem-voucher',
      auth: 'basic',
      summary: 'Record a voucher redemption for a user (quota and per-user limit from the voucher file)',
      tags: ['Voucher'],
      schemas: { body: redeemVoucherBody },
      errors: [404, 409],
      response: { status: 201, schema: redeemVoucherResponse },
      handler: controller.redeem,
    },
    {
      method: 'get',
      path: '/check-voucher-redemption',
      auth: 'jwt',
      summary: 'Whether the caller redeemed a voucher',
      tags: ['Voucher'],
      schemas: { query: checkVoucherQuery },
      errors: [404],
      response: { status: 200, schema: checkVoucherResponse },
      handler: controller.check,
    },
  ];
}
