import type { createEmailVerificationController } from '../controllers/email-verification.controller.js';
import {
  changeEmailBody,
  changeEmailResponse,
  confirmEmailBody,
  confirmEmailQuery,
  confirmEmailResponse,
} from '../schemas/email-verification.schema.js';
import type { RouteDeclaration } from './route.js';

/** Binding an email once its owner proved it: the mailed link's page, its confirmation, and a change of address. */
export function emailVerificationRoutes(controller: ReturnType<typeof createEmailVerificationController>): RouteDeclaration[] {
  return [
    {
      method: 'get',
      path: '/verify-email',
      auth: 'none',
      summary: 'The page an email-confirmation mail opens: a button that confirms the address (opening it consumes nothing)',
      tags: ['Authentication'],
      schemas: { query: confirmEmailQuery },
      response: { status: 200, contentType: 'text/html', schema: { type: 'string' } },
      handler: controller.confirmEmailPage,
    },
    {
      method: 'post',
      path: '/verify-email',
      auth: 'none',
      summary:
        'Confirm an email with the mailed token ({token} or ?token=): binds it to the account unless another account confirmed it (409); accounts holding it unconfirmed lose it',
      tags: ['Authentication'],
      schemas: { body: confirmEmailBody, query: confirmEmailQuery },
      bodyType: 'json-or-form',
      response: { status: 200, schema: confirmEmailResponse },
      errors: [401, 409],
      handler: controller.confirmEmail,
    },
    {
      method: 'post',
      path: '/user/email',
      auth: 'jwt',
      summary: 'Mail a confirmation link for a new email (or again for the current unconfirmed one); the address changes only when the link is confirmed',
      tags: ['Profile'],
      schemas: { body: changeEmailBody },
      response: { status: 200, schema: changeEmailResponse },
      errors: [404, 409, 429, 502, 503],
      handler: controller.requestEmailChange,
    },
  ];
}
