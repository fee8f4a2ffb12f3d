import type { Request, Response } from 'express';
import type { RequestInput } from '../middleware/request-context.js';
import type { deleteFcmTokenQuery, registerFcmBody, sendPushBody } from '../schemas/fcm.schema.js';
import type { FcmService } from '../services/fcm.service.js';

export function createFcmController(fcm: FcmService) {
  return {
    async register({ body, principal: user }: RequestInput<'jwt', { body: typeof registerFcmBody }>, _req: Request, res: Response) {
      await fcm.register(user.username, body.token, body.device_type, user.sid);
      res.json({ status: true, message: 'Device token registered' });
    },

    async unregister({ query, principal }: RequestInput<'jwt', { query: typeof deleteFcmTokenQuery }>, _req: Request, res: Response) {
      await fcm.unregister(principal.username, query.token);
      res.json({ status: true, message: 'Device token removed' });
    },

    async send({ body }: RequestInput<'basic', { body: typeof sendPushBody }>, _req: Request, res: Response) {
      const { username, ...message } = body;
      const result = await fcm.sendToUser(username, message);
      const sent = result.success_count + result.failure_count;
      res.json({ status: true, message: sent === 0 ? 'User has no registered devices' : 'Notification sent', ...result });
    },
  };
}
