import type { createEmailVerificationController } from '../controllers/email-verification.controller.js';
import {
  cancelEmailChangeBody,
  cancelEmailChangeQuery,
  changeEmailBody,
  changeEmailResponse,
  confirmEmailBody,
  confirmEmailQuery,
  confirmEmailResponse,
} from '../schemas/email-verification.schema.js';
import { defineRoute, type RouteDeclaration } from './route.js';

/** Binding an email once its owner proved it: the mailed link's page, its confirmation, and a change of address. */
export function emailVerificationRoutes(controller: ReturnType<typeof createEmailVerificationController>): RouteDeclaration[] {
  return [
    defineRoute({
      method: 'get',
      path: '/verify-email',
      auth: 'none',
      summary: 'The page an email-confirmation mail opens: a button that confirms the address (opening it consumes nothing)',
      description: 'Anyone (the link of an email-confirmation mail). Answers an HTML page with a button that posts the token; opening it consumes nothing.',
      tags: ['Authentication'],
      schemas: { query: confirmEmailQuery },
      response: { status: 200, contentType: 'text/html', schema: { type: 'string' } },
      handler: controller.confirmEmailPage,
    }),
    defineRoute({
      method: 'post',
      path: '/verify-email',
      auth: 'none',
      summary:
        'Confirm an email with the mailed token ({token} or ?token=): binds it to the account unless another account confirmed it (409); accounts holding it unconfirmed lose it',
      description: 'The holder of a mailed confirmation token. Binds the email to the account unless another account confirmed it (409); accounts holding it unconfirmed lose it.',
      tags: ['Authentication'],
      schemas: { body: confirmEmailBody, query: confirmEmailQuery },
      bodyType: 'json-or-form',
      response: { status: 200, schema: confirmEmailResponse },
      errors: ['EMAIL_LINK_INVALID', 'EMAIL_ALREADY_REGISTERED'],
      handler: controller.confirmEmail,
    }),
    defineRoute({
      method: 'post',
      path: '/user/email',
      auth: 'jwt',
      summary:
        'Change the email: {new_email, password} mails a confirmation link to the new address and a notice with a cancel link to the old one ({email} alone binds an address to an account without a confirmed one); the address changes only when the link is confirmed',
      description: 'A logged-in user (Bearer JWT). Starts an email change: mails a confirmation link to the new address and a notice with a cancel link to the old one; the address changes only when the link is confirmed.',
      tags: ['Profile'],
      schemas: { body: changeEmailBody },
      response: { status: 200, schema: changeEmailResponse },
      errors: ['USER_NOT_FOUND', 'EMAIL_ALREADY_REGISTERED', 'EMAIL_ALREADY_CONFIRMED', 'INVALID_CREDENTIAL', 'ACCOUNT_LOCKED', 'EMAIL_CHECK_LIMIT', 'SEND_TOO_SOON', 'SEND_LIMIT_NETWORK', 'SEND_LIMIT_DAILY', 'BAD_GATEWAY'],
      handler: controller.requestEmailChange,
    }),
    defineRoute({
      method: 'get',
      path: '/cancel-email-change',
      auth: 'none',
      summary: 'The page the cancel link (mailed to the old address on an email change) opens: a button that cancels it (opening it consumes nothing)',
      description: 'Anyone (the cancel link mailed to the old address). Answers an HTML page with a button that cancels the change; opening it consumes nothing.',
      tags: ['Profile'],
      schemas: { query: cancelEmailChangeQuery },
      response: { status: 200, contentType: 'text/html', schema: { type: 'string' } },
      handler: controller.cancelEmailChangePage,
    }),
    defineRoute({
      method: 'post',
      path: '/cancel-email-change',
      auth: 'none',
      summary: 'Cancel a pending email change with the token mailed to the old address ({token} or ?token=): its confirmation link stops working',
      description: 'The holder of the cancel token mailed to the old address. Cancels the pending email change, so its confirmation link stops working.',
      tags: ['Profile'],
      schemas: { body: cancelEmailChangeBody, query: cancelEmailChangeQuery },
      bodyType: 'json-or-form',
      response: { status: 200, schema: changeEmailResponse },
      errors: ['EMAIL_CHANGE_CANCEL_INVALID'],
      handler: controller.cancelEmailChange,
    }),
  ];
}
