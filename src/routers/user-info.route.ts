import type { RequestHandler } from 'express';
import type { createUserInfoController } from '../controllers/user-info.controller.js';
import { profileImageResponse, profileResponse, referralCodeResponse, updateProfileBody } from '../schemas/user-info.schema.js';
import type { RouteDeclaration } from './route.js';

export function userInfoRoutes(
  controller: ReturnType<typeof createUserInfoController>,
  uploadMiddleware: RequestHandler,
): RouteDeclaration[] {
  return [
    {
      method: 'get',
      path: '/user/profile',
      auth: 'jwt',
      summary: "The caller's profile with balance (rupiah, as a number) and points",
      tags: ['Profile'],
      errors: [404],
      response: { status: 200, schema: profileResponse },
      handler: controller.getProfile,
    },
    {
      method: 'put',
      path: '/user/profile',
      auth: 'jwt',
      summary: 'Change full_name and/or phone_number (any other field is refused with 400)',
      tags: ['Profile'],
      schemas: { body: updateProfileBody },
      errors: [404],
      response: { status: 200, schema: profileResponse },
      handler: controller.updateProfile,
    },
    {
      method: 'post',
      path: '/user/update-profile-img',
      auth: 'jwt',
      summary: 'Upload a profile image (multipart field profile_img; JPEG, PNG or WebP by content; size limit UPLOAD_MAX_BYTES)',
      tags: ['Profile'],
      bodyType: 'multipart',
      before: [uploadMiddleware],
      schemas: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { profile_img: { type: 'string', contentMediaType: 'application/octet-stream', description: 'the image file' } },
        },
      },
      errors: [413, 415],
      response: { status: 200, schema: profileImageResponse },
      handler: controller.updateProfileImage,
    },
    {
      method: 'get',
      path: '/user/referral-code',
      auth: 'jwt',
      summary: "The caller's referral code",
      tags: ['Profile'],
      errors: [404],
      response: { status: 200, schema: referralCodeResponse },
      handler: controller.getReferralCode,
    },
  ];
}
