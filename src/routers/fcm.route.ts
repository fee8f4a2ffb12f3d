import type { createFcmController } from '../controllers/fcm.controller.js';
import { deleteFcmTokenQuery, fcmMessageResponse, registerFcmBody, sendPushBody, sendPushResponse } from '../schemas/fcm.schema.js';
import { defineRoute, type RouteDeclaration } from './route.js';

export function fcmRoutes(controller: ReturnType<typeof createFcmController>): RouteDeclaration[] {
  return [
    defineRoute({
      method: 'post',
      path: '/fcm/register',
      auth: 'jwt',
      summary: "Register this device's FCM token for the caller (a token registered again moves to the caller)",
      description: "A logged-in user (Bearer JWT). Registers this device's Firebase Cloud Messaging token for the caller, so pushes reach it; a token registered before by someone else moves to the caller.",
      tags: ['Push'],
      schemas: { body: registerFcmBody },
      response: { status: 200, schema: fcmMessageResponse },
      handler: controller.register,
    }),
    defineRoute({
      method: 'delete',
      path: '/fcm/token',
      auth: 'jwt',
      summary: "Remove one of the caller's FCM tokens",
      description: "A logged-in user (Bearer JWT). Removes one of the caller's FCM tokens, so that device gets no more pushes.",
      tags: ['Push'],
      schemas: { query: deleteFcmTokenQuery },
      errors: ['PUSH_TOKEN_NOT_FOUND'],
      response: { status: 200, schema: fcmMessageResponse },
      handler: controller.unregister,
    }),
    defineRoute({
      method: 'post',
      path: '/fcm/send',
      auth: 'basic',
      summary: 'Send a push notification to every device of a user (invalid tokens are deleted)',
      description: 'An internal service (Basic API key). Sends a push notification to every registered device of a user; tokens Firebase reports invalid are deleted.',
      tags: ['Push'],
      schemas: { body: sendPushBody },
      errors: ['USER_NOT_FOUND', 'BAD_GATEWAY'],
      response: { status: 200, schema: sendPushResponse },
      handler: controller.send,
    }),
  ];
}
