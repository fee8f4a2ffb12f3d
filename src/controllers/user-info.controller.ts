import type { Request, Response } from 'express';
import { uploadedImageOf } from '../middleware/upload.js';
import type { RequestInput } from '../middleware/request-context.js';
import type { profileImageBody, updateProfileBody } from '../schemas/user-info.schema.js';
import type { UserInfoService } from '../services/user-info.service.js';

export function createUserInfoController(userInfo: UserInfoService) {
  return {
    async getProfile({ principal }: RequestInput<'jwt'>, _req: Request, res: Response) {
      res.json({ status: true, ...(await userInfo.getProfile(principal.username)) });
    },

    async updateProfile({ body, principal }: RequestInput<'jwt', { body: typeof updateProfileBody }>, _req: Request, res: Response) {
      const profile = await userInfo.updateProfile(principal.username, body);
      res.json({ status: true, message: 'Profile updated', ...profile });
    },

    async updateProfileImage({ principal }: RequestInput<'jwt', { body: typeof profileImageBody }>, _req: Request, res: Response) {
      const result = await userInfo.replaceProfileImage(principal.username, uploadedImageOf(res));
      res.json({ status: true, message: 'Profile image updated', ...result });
    },

    async getReferralCode({ principal }: RequestInput<'jwt'>, _req: Request, res: Response) {
      res.json({ status: true, ...(await userInfo.getReferralCode(principal.username)) });
    },
  };
}
