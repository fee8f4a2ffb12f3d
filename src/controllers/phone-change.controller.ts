import type { Request, Response } from 'express';
import { clientOf, inputOf, userOf } from '../middleware/request-context.js';
import type { PhoneChangeService } from '../services/phone-change.service.js';


export function createPhoneChangeController(phoneChange: PhoneChangeService) {
  return {
    /** POST /user/phone: texts a code to the new number. */
    async requestPhoneChange(req: Request, res: Response) {
      const { body } = inputOf<{ new_phone: string; password: string }>(res);
      const result = await phoneChange.requestChange(userOf(res).username, body.new_phone, body.password, clientOf(req));
      res.json({ status: true, message: 'A code has been sent by SMS to the new number; it becomes your phone number once verified', ...result });
    },

    /** POST /user/phone/verify: the texted code applies the change. */
    async verifyPhoneChange(req: Request, res: Response) {
      const { body } = inputOf<{ otp: string }>(res);
      const result = await phoneChange.verify(userOf(res).username, body.otp, clientOf(req));
      res.json({ status: true, message: 'Your phone number has been changed', ...result });
    },
  };
}
