import type { Request, Response } from 'express';
import { inputOf, userOf } from '../middleware/request-context.js';
import type { DeviceSessionService } from '../services/device-session.service.js';
import type { SecurityActivityService } from '../services/security-activity.service.js';

export function createDeviceSessionController(deviceSessions: DeviceSessionService, activity: SecurityActivityService) {
  return {
    async activity(_req: Request, res: Response) {
      const { query } = inputOf<unknown, { page: number; limit: number }>(res);
      res.json({ status: true, ...(await activity.list(userOf(res).username, query.page, query.limit)) });
    },

    async list(_req: Request, res: Response) {
      const user = userOf(res);
      res.json({ status: true, sessions: await deviceSessions.list(user.username, user.sid) });
    },

    async revoke(req: Request, res: Response) {
      const { params } = inputOf<unknown, unknown, { id: string }>(res);
      const user = userOf(res);
      await deviceSessions.revoke(user.username, params.id, { ip: req.ip ?? 'unknown', sid: user.sid });
      res.json({ status: true, message: 'Session revoked' });
    },

    async revokeOthers(req: Request, res: Response) {
      const user = userOf(res);
      const revoked = await deviceSessions.revokeOthers(user.username, user.sid, req.ip ?? 'unknown');
      res.json({ status: true, message: 'Every other session has been signed out', revoked });
    },
  };
}
