import type { createDeviceSessionController } from '../controllers/device-session.controller.js';
import { activityQuery, activityResponse, sessionIdParams, sessionListResponse, sessionRevokedResponse, sessionsRevokedResponse } from '../schemas/session.schema.js';
import type { RouteDeclaration } from './route.js';

const TAGS = ['Sessions'];

export function deviceSessionRoutes(controller: ReturnType<typeof createDeviceSessionController>): RouteDeclaration[] {
  return [
    {
      method: 'get',
      path: '/user/activity',
      auth: 'jwt',
      summary: "The caller's security activity (logins, failed logins, lockouts, password and contact changes, revoked sessions, payouts…), newest first",
      tags: TAGS,
      schemas: { query: activityQuery },
      response: { status: 200, schema: activityResponse },
      handler: controller.activity,
    },
    {
      method: 'get',
      path: '/sessions',
      auth: 'jwt',
      summary: "Where the caller is signed in: one session per password login, newest first, the current one marked",
      tags: TAGS,
      response: { status: 200, schema: sessionListResponse },
      handler: controller.list,
    },
    {
      method: 'post',
      path: '/sessions/revoke-others',
      auth: 'jwt',
      summary: 'Sign out every other session: their tokens die on every instance, their sockets close, their FCM tokens go',
      tags: TAGS,
      response: { status: 200, schema: sessionsRevokedResponse },
      handler: controller.revokeOthers,
    },
    {
      method: 'delete',
      path: '/sessions/:id',
      auth: 'jwt',
      summary: "Sign out one of the caller's sessions (another user's or an ended one answers 404)",
      tags: TAGS,
      schemas: { params: sessionIdParams },
      response: { status: 200, schema: sessionRevokedResponse },
      errors: [404],
      handler: controller.revoke,
    },
  ];
}
