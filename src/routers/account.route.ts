import type { createAccountController } from '../controllers/account.controller.js';
import { cancelDeletionBody, dataExportResponse, deleteAccountBody, deleteAccountResponse, statusMessageResponse } from '../schemas/account.schema.js';
import { defineRoute, type RouteDeclaration } from './route.js';

const TAGS = ['Account'];

/** Leaving and knowing: deleting the account (with a grace period) and exporting one's personal data. */
export function accountRoutes(controller: ReturnType<typeof createAccountController>): RouteDeclaration[] {
  return [
    defineRoute({
      method: 'post',
      path: '/user/delete',
      auth: 'jwt',
      summary:
        'Delete the account: refused (409) while the wallet holds money or points or a payout is pending; otherwise the account is disabled at once (every token and socket dies), a mail confirms, and it is erased after ACCOUNT_DELETION_GRACE_DAYS unless cancelled',
      description: "A logged-in user (Bearer JWT). Schedules the caller's account for deletion: refused (409) while the wallet holds money or points or a payout is pending; otherwise disables it at once, mails a cancel link, and erases it after ACCOUNT_DELETION_GRACE_DAYS.",
      tags: TAGS,
      schemas: { body: deleteAccountBody },
      response: { status: 200, schema: deleteAccountResponse },
      errors: ['ACCOUNT_NOT_FOUND', 'ACCOUNT_ALREADY_DISABLED', 'ACCOUNT_NOT_EMPTY', 'INVALID_CREDENTIAL', 'ACCOUNT_LOCKED'],
      handler: controller.requestDeletion,
    }),
    defineRoute({
      method: 'post',
      path: '/user/delete/cancel',
      auth: 'none',
      summary: 'Restore an account scheduled for deletion with its cancel_token (until it is erased); then log in again',
      description: 'The holder of the mailed cancel_token. Restores an account scheduled for deletion, until it is erased; the user then logs in again.',
      tags: TAGS,
      schemas: { body: cancelDeletionBody },
      response: { status: 200, schema: statusMessageResponse },
      errors: ['DELETION_CANCEL_INVALID'],
      handler: controller.cancelDeletion,
    }),
    defineRoute({
      method: 'get',
      path: '/user/export',
      auth: 'jwt',
      summary: 'Everything held about the caller as one JSON document (no hash, token, OTP, API key or full account number); EXPORTS_PER_USER_PER_DAY calls a day',
      description: 'A logged-in user (Bearer JWT), EXPORTS_PER_USER_PER_DAY times a day. Answers everything held about the caller as one JSON document, without secrets. Changes nothing.',
      tags: TAGS,
      response: { status: 200, schema: dataExportResponse },
      errors: ['USER_NOT_FOUND', 'DATA_EXPORT_LIMIT'],
      handler: controller.exportData,
    }),
  ];
}
