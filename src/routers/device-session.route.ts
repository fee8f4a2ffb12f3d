import type { createDeviceSessionController } from '../controllers/device-session.controller.js';
import { activityQuery, activityResponse, sessionIdParams, sessionListResponse, sessionRevokedResponse, sessionsRevokedResponse } from '../schemas/session.schema.js';
import { defineRoute, type RouteDeclaration } from './route.js';

const TAGS = ['Sessions'];

export function deviceSessionRoutes(controller: ReturnType<typeof createDeviceSessionController>): RouteDeclaration[] {
  return [
    defineRoute({
      method: 'get',
      path: '/user/activity',
      auth: 'jwt',
      summary: "The caller's security activity (logins, failed logins, lockouts, password and contact changes, revoked sessions, payouts…), newest first",
      description: "A logged-in user (Bearer JWT). Lists the caller's security activity (logins, failures, lockouts, password and contact changes, revoked sessions, payouts), newest first. Changes nothing.",
      tags: TAGS,
      schemas: { query: activityQuery },
      response: { status: 200, schema: activityResponse },
      handler: controller.activity,
    }),
    defineRoute({
      method: 'get',
      path: '/sessions',
      auth: 'jwt',
      summary: "Where the caller is signed in: one session per password login, newest first, the current one marked",
      description: "A logged-in user (Bearer JWT). Lists the caller's sessions (one per password login), newest first, the current one marked. Changes nothing.",
      tags: TAGS,
      response: { status: 200, schema: sessionListResponse },
      handler: controller.list,
    }),
    defineRoute({
      method: 'post',
      path: '/sessions/revoke-others',
      auth: 'jwt',
      summary: 'Sign out every other session: their tokens die on every instance, their sockets close, their FCM tokens go',
      description: 'A logged-in user (Bearer JWT). Ends every other session of the caller: their tokens die on every instance, their sockets close and their FCM tokens are removed.',
      tags: TAGS,
      response: { status: 200, schema: sessionsRevokedResponse },
      handler: controller.revokeOthers,
    }),
    defineRoute({
      method: 'delete',
      path: '/sessions/:id',
      auth: 'jwt',
      summary: "Sign out one of the caller's sessions (another user's or an ended one answers 404)",
      description: "A logged-in user (Bearer JWT). Ends one of the caller's sessions; another user's or an ended session answers 404.",
      tags: TAGS,
      schemas: { params: sessionIdParams },
      response: { status: 200, schema: sessionRevokedResponse },
      errors: ['SESSION_NOT_FOUND'],
      handler: controller.revoke,
    }),
  ];
}
