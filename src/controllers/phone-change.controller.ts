import type { Request, Response } from 'express';
import { clientOf, type RequestInput } from '../middleware/request-context.js';
import type { changePhoneBody, verifyPhoneBody } from '../schemas/phone-change.schema.js';
import type { PhoneChangeService } from '../services/phone-change.service.js';


export function createPhoneChangeController(phoneChange: PhoneChangeService) {
  return {
    /** POST /user/phone: texts a code to the new number. */
    async requestPhoneChange({ body, principal }: RequestInput<'jwt', { body: typeof changePhoneBody }>, req: Request, res: Response) {
      const result = await phoneChange.requestChange(principal.username, body.new_phone, body.password, clientOf(req));
      res.json({ status: true, message: 'A code has been sent by SMS to the new number; it becomes your phone number once verified', ...result });
    },

    /** POST /user/phone/verify: the texted code applies the change. */
    async verifyPhoneChange({ body, principal }: RequestInput<'jwt', { body: typeof verifyPhoneBody }>, req: Request, res: Response) {
      const result = await phoneChange.verify(principal.username, body.otp, clientOf(req));
      res.json({ status: true, message: 'Your phone number has been changed', ...result });
    },
  };
}
