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
      errors: ['PHONE_FORMAT_INVALID', 'USER_NOT_FOUND', 'PHONE_ALREADY_REGISTERED', 'PHONE_ALREADY_ON_ACCOUNT', 'INVALID_CREDENTIAL', 'ACCOUNT_LOCKED', 'EMAIL_CHECK_LIMIT', 'SEND_TOO_SOON', 'SEND_LIMIT_NETWORK', 'SEND_LIMIT_NUMBER_RANGE', 'SEND_LIMIT_DAILY', 'BAD_GATEWAY'],
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
      errors: ['OTP_INVALID', 'USER_NOT_FOUND', 'PHONE_CHANGE_NOT_PENDING', 'PHONE_ALREADY_REGISTERED', 'OTP_BURNED'],
      handler: controller.verifyPhoneChange,
    }),
  ];
}
