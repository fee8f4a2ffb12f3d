import type { Request, Response } from 'express';
import { inputOf, userOf } from '../middleware/request-context.js';
import type { FcmService } from '../services/fcm.service.js';

export function createFcmController(fcm: FcmService) {
  return {
    async register(_req: Request, res: Response) {
      const { body } = inputOf<{ token: string; device_type: string }>(res);
      const user = userOf(res);
      await fcm.register(user.username, body.token, body.device_type, user.sid);
      res.json({ status: true, message: 'Device token registered' });
    },

    async unregister(_req: Request, res: Response) {
      const { query } = inputOf<Record<string, never>, { token: string }>(res);
      await fcm.unregister(userOf(res).username, query.token);
      res.json({ status: true, message: 'Device token removed' });
    },

    async send(_req: Request, res: Response) {
      const { body } = inputOf<{ username: string; title: string; body: string; data?: Record<string, string> }>(res);
      const { username, ...message } = body;
      const result = await fcm.sendToUser(username, message);
      const sent = result.success_count + result.failure_count;
      res.json({ status: true, message: sent === 0 ? 'User has no registered devices' : 'Notification sent', ...result });
    },
  };
}
