import type { Request, Response } from 'express';
import type { RequestInput } from '../middleware/request-context.js';
import type { activityQuery, sessionIdParams } from '../schemas/session.schema.js';
import type { DeviceSessionService } from '../services/device-session.service.js';
import type { SecurityActivityService } from '../services/security-activity.service.js';

export function createDeviceSessionController(deviceSessions: DeviceSessionService, activity: SecurityActivityService) {
  return {
    async activity({ query, principal }: RequestInput<'jwt', { query: typeof activityQuery }>, _req: Request, res: Response) {
      res.json({ status: true, ...(await activity.list(principal.username, query.page, query.limit)) });
    },

    async list({ principal: user }: RequestInput<'jwt'>, _req: Request, res: Response) {
      res.json({ status: true, sessions: await deviceSessions.list(user.username, user.sid) });
    },

    async revoke({ params, principal: user }: RequestInput<'jwt', { params: typeof sessionIdParams }>, req: Request, res: Response) {
      await deviceSessions.revoke(user.username, params.id, { ip: req.ip ?? 'unknown', sid: user.sid });
      res.json({ status: true, message: 'Session revoked' });
    },

    async revokeOthers({ principal: user }: RequestInput<'jwt'>, req: Request, res: Response) {
      const revoked = await deviceSessions.revokeOthers(user.username, user.sid, req.ip ?? 'unknown');
      res.json({ status: true, message: 'Every other session has been signed out', revoked });
    },
  };
}
