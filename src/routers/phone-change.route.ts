import type { createPhoneChangeController } from '../controllers/phone-change.controller.js';
import { changePhoneBody, changePhoneResponse, verifyPhoneBody, verifyPhoneResponse } from '../schemas/phone-change.schema.js';
import { defineRoute, type RouteDeclaration } from './route.js';

/** Changing the account's phone number: a code texted to the new number, then its verification. */
export function phoneChangeRoutes(controller: ReturnType<typeof createPhoneChangeController>): RouteDeclaration[] {
  return [
    defineRoute({
      method: 'post',
      path: '/user/phone',
      auth: 'jwt',
      summary: 'Change the phone number: with the password, texts a code to the new number (sign-up send limits); nothing changes until POST /user/phone/verify',
      description: 'A logged-in user (Bearer JWT) who gives the password. Texts a code to the new number within the sign-up send limits; nothing changes until POST /user/phone/verify.',
      tags: ['Profile'],
      schemas: { body: changePhoneBody },
      response: { status: 200, schema: changePhoneResponse },
      errors: [404, 409, 422, 429, 502, 503],
      handler: controller.requestPhoneChange,
    }),
    defineRoute({
      method: 'post',
      path: '/user/phone/verify',
      auth: 'jwt',
      summary: 'Apply a pending phone change with the texted code (OTP_MAX_ATTEMPTS wrong codes burn it; request a new one)',
      description: 'A logged-in user (Bearer JWT). Applies the pending phone change with the texted code; OTP_MAX_ATTEMPTS wrong codes burn it.',
      tags: ['Profile'],
      schemas: { body: verifyPhoneBody },
      response: { status: 200, schema: verifyPhoneResponse },
      errors: [404, 409, 429],
      handler: controller.verifyPhoneChange,
    }),
  ];
}
