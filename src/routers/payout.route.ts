import type { createPayoutController } from '../controllers/payout.controller.js';
import { pageQuery } from '../schemas/payment.schema.js';
import * as s from '../schemas/payout.schema.js';
import type { MoneyGuards } from '../middleware/money-guard.js';
import { defineRoute, type RouteDeclaration } from './route.js';

export function payoutRoutes(controller: ReturnType<typeof createPayoutController>, guards: MoneyGuards): RouteDeclaration[] {
  return [
    defineRoute({
      method: 'get',
      path: '/bank-account/list',
      auth: 'jwt',
      summary: "The caller's payout bank accounts (account numbers masked)",
      description: "A logged-in user (Bearer JWT). Lists the caller's payout bank accounts with masked account numbers. Changes nothing.",
      tags: ['Payouts'],
      response: { status: 200, schema: s.bankAccountListResponse },
      handler: controller.listBankAccounts,
    }),
    defineRoute({
      method: 'post',
      path: '/bank-account',
      auth: 'jwt',
      summary: 'Add a payout bank account (bank_code must be an active DISBURSEMENT channel); the number is stored encrypted',
      description: 'A logged-in user (Bearer JWT). Adds a payout bank account (bank_code must be an active DISBURSEMENT channel), stored encrypted; refused (423) during the cooling-off after a security change.',
      tags: ['Payouts'],
      schemas: { body: s.bankAccountBody },
      before: [guards.coolingOff],
      errors: ['BANK_ACCOUNT_LIMIT_REACHED', 'BANK_ACCOUNT_ALREADY_REGISTERED', 'MONEY_COOLING_OFF'],
      response: { status: 201, schema: s.bankAccountResponse },
      handler: controller.createBankAccount,
    }),
    defineRoute({
      method: 'delete',
      path: '/bank-account/:id',
      auth: 'jwt',
      summary: "Remove one of the caller's bank accounts (409 while a payout to it is in progress)",
      description: "A logged-in user (Bearer JWT). Removes one of the caller's bank accounts; 409 while a payout to it is in progress.",
      tags: ['Payouts'],
      schemas: { params: s.idParams },
      bodyType: 'none',
      errors: ['BANK_ACCOUNT_NOT_FOUND', 'BANK_ACCOUNT_IN_USE'],
      response: { status: 200, schema: s.deletedResponse },
      handler: controller.deleteBankAccount,
    }),
    defineRoute({
      method: 'post',
      path: '/payout',
      auth: 'jwt',
      summary: 'Pay out from the wallet to an own bank account: atomic debit, then a Xendit payout; refunded if Xendit refuses',
      description: "A logged-in user (Bearer JWT). Debits the wallet atomically, then asks Xendit to pay out to one of the caller's bank accounts; refunded if Xendit refuses. Honours Idempotency-Key; refused (423) during the cooling-off after a security change.",
      tags: ['Payouts'],
      schemas: { body: s.payoutBody },
      idempotency: { scope: 'payout' },
      headers: [
        {
          name: 'Idempotency-Key',
          description:
            'Optional. A retry with the same key answers the first result instead of paying out twice; same key, different body → 422.',
        },
      ],
      before: [guards.coolingOff],
      errors: ['INSUFFICIENT_BALANCE', 'BANK_ACCOUNT_NOT_FOUND', 'MONEY_COOLING_OFF', 'BAD_GATEWAY'],
      response: { status: 201, schema: s.payoutResponse },
      handler: controller.createPayout,
    }),
    defineRoute({
      method: 'get',
      path: '/payout/list',
      auth: 'jwt',
      summary: "The caller's payouts, newest first",
      description: "A logged-in user (Bearer JWT). Lists the caller's payouts, newest first. Changes nothing.",
      tags: ['Payouts'],
      schemas: { query: pageQuery },
      response: { status: 200, schema: s.payoutListResponse },
      handler: controller.listPayouts,
    }),
    defineRoute({
      method: 'post',
      path: '/payout-callback',
      auth: 'callback-token',
      summary: "Xendit's payout v2 webhook (x-callback-token): succeeded, or failed/reversed → refunded exactly once",
      description: 'Xendit only (x-callback-token). Applies a payout status change: SUCCEEDED completes it, FAILED or REVERSED refunds the wallet exactly once.',
      tags: ['Payouts', 'Webhooks'],
      schemas: { body: s.payoutCallbackBody },
      bodyAllowsUnknown:
        "Xendit's payout webhook envelope and its data object gain fields over time; a 400 would make Xendit retry for 24 h and never deliver the outcome.",
      response: { status: 200, schema: s.payoutCallbackResponse },
      handler: controller.payoutCallback,
    }),
  ];
}
