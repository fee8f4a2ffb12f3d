import type { Request, Response } from 'express';
import { inputOf, userOf } from '../middleware/request-context.js';
import type { DeviceSessionService } from '../services/device-session.service.js';

export function createDeviceSessionController(deviceSessions: DeviceSessionService) {
  return {
    async list(_req: Request, res: Response) {
      const user = userOf(res);
      res.json({ status: true, sessions: await deviceSessions.list(user.username, user.sid) });
    },

    async revoke(_req: Request, res: Response) {
      const { params } = inputOf<unknown, unknown, { id: string }>(res);
      await deviceSessions.revoke(userOf(res).username, params.id);
      res.json({ status: true, message: 'Session revoked' });
    },

    async revokeOthers(_req: Request, res: Response) {
      const user = userOf(res);
      const revoked = await deviceSessions.revokeOthers(user.username, user.sid);
      res.json({ status: true, message: 'Every other session has been signed out', revoked });
    },
  };
}
