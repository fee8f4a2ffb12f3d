import type { createFcmController } from '../controllers/fcm.controller.js';
import { deleteFcmTokenQuery, fcmMessageResponse, registerFcmBody, sendPushBody, sendPushResponse } from '../schemas/fcm.schema.js';
import type { RouteDeclaration } from './route.js';

export function fcmRoutes(controller: ReturnType<typeof createFcmController>): RouteDeclaration[] {
  return [
    {
      method: 'post',
      path: '/fcm/register',
      auth: 'jwt',
      summary: "Register this device's FCM token for the caller (a token registered again moves to the caller)",
      tags: ['Push'],
      schemas: { body: registerFcmBody },
      response: { status: 200, schema: fcmMessageResponse },
      handler: controller.register,
    },
    {
      method: 'delete',
      path: '/fcm/token',
      auth: 'jwt',
      summary: "Remove one of the caller's FCM tokens",
      tags: ['Push'],
      schemas: { query: deleteFcmTokenQuery },
      errors: [404],
      response: { status: 200, schema: fcmMessageResponse },
      handler: controller.unregister,
    },
    {
      method: 'post',
      path: '/fcm/send',
      auth: 'basic',
      summary: 'Send a push notification to every device of a user (invalid tokens are deleted)',
      tags: ['Push'],
      schemas: { body: sendPushBody },
      errors: [404, 502, 503],
      response: { status: 200, schema: sendPushResponse },
      handler: controller.send,
    },
  ];
}
