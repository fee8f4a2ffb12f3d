import type { Request, Response } from 'express';
import { uploadedImageOf } from '../middleware/upload.js';
import { inputOf, userOf } from '../middleware/request-context.js';
import type { UserInfoService } from '../services/user-info.service.js';

export function createUserInfoController(userInfo: UserInfoService) {
  return {
    async getProfile(_req: Request, res: Response) {
      res.json({ status: true, ...(await userInfo.getProfile(userOf(res).username)) });
    },

    async updateProfile(_req: Request, res: Response) {
      const { body } = inputOf<{ full_name?: string; phone_number?: string }>(res);
      const profile = await userInfo.updateProfile(userOf(res).username, body);
      res.json({ status: true, message: 'Profile updated', ...profile });
    },

    async updateProfileImage(_req: Request, res: Response) {
      const result = await userInfo.replaceProfileImage(userOf(res).username, uploadedImageOf(res));
      res.json({ status: true, message: 'Profile image updated', ...result });
    },

    async getReferralCode(_req: Request, res: Response) {
      res.json({ status: true, ...(await userInfo.getReferralCode(userOf(res).username)) });
    },
  };
}
