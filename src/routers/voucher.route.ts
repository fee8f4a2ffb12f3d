import type { createVoucherController } from '../controllers/voucher.controller.js';
import { checkVoucherQuery, checkVoucherResponse, redeemVoucherBody, redeemVoucherResponse } from '../schemas/voucher.schema.js';
import { defineRoute, type RouteDeclaration } from './route.js';

export function voucherRoutes(controller: ReturnType<typeof createVoucherController>): RouteDeclaration[] {
  return [
    defineRoute({
      method: 'post',
      path: '/redeem-voucher',
      auth: 'basic',
      summary: 'Record a voucher redemption for a user (quota and per-user limit from the voucher file)',
      description: "An internal service (Basic API key). Records that a user redeemed a voucher, enforcing the voucher's quota and per-user limit from the voucher file.",
      tags: ['Voucher'],
      schemas: { body: redeemVoucherBody },
      errors: ['VOUCHER_NOT_YET_VALID', 'VOUCHER_EXPIRED', 'USER_NOT_FOUND', 'VOUCHER_NOT_FOUND', 'VOUCHER_ALREADY_REDEEMED', 'VOUCHER_QUOTA_EXHAUSTED'],
      response: { status: 201, schema: redeemVoucherResponse },
      handler: controller.redeem,
    }),
    defineRoute({
      method: 'get',
      path: '/check-voucher-redemption',
      auth: 'jwt',
      summary: 'Whether the caller redeemed a voucher',
      description: 'A logged-in user (Bearer JWT). Answers whether the caller has redeemed the given voucher. Changes nothing.',
      tags: ['Voucher'],
      schemas: { query: checkVoucherQuery },
      errors: ['VOUCHER_NOT_FOUND'],
      response: { status: 200, schema: checkVoucherResponse },
      handler: controller.check,
    }),
  ];
}
