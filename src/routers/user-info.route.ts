import type { RequestHandler } from 'express';
import type { createUserInfoController } from '../controllers/user-info.controller.js';
import { profileImageBody, profileImageResponse, profileResponse, referralCodeResponse, updateProfileBody } from '../schemas/user-info.schema.js';
import { defineRoute, type RouteDeclaration } from './route.js';

export function userInfoRoutes(
  controller: ReturnType<typeof createUserInfoController>,
  uploadMiddleware: RequestHandler,
): RouteDeclaration[] {
  return [
    defineRoute({
      method: 'get',
      path: '/user/profile',
      auth: 'jwt',
      summary: "The caller's profile with balance (rupiah, as a number) and points",
      description: "A logged-in user (Bearer JWT). Answers the caller's own profile, with the wallet balance in rupiah and the points. Changes nothing.",
      tags: ['Profile'],
      errors: ['USER_NOT_FOUND'],
      response: { status: 200, schema: profileResponse },
      handler: controller.getProfile,
    }),
    defineRoute({
      method: 'put',
      path: '/user/profile',
      auth: 'jwt',
      summary: 'Change full_name and/or phone_number (any other field is refused with 400)',
      description: "A logged-in user (Bearer JWT). Updates the caller's full_name and/or phone_number in user_info; any other field is refused with 400.",
      tags: ['Profile'],
      schemas: { body: updateProfileBody },
      errors: ['USER_NOT_FOUND'],
      response: { status: 200, schema: profileResponse },
      handler: controller.updateProfile,
    }),
    defineRoute({
      method: 'post',
      path: '/user/update-profile-img',
      auth: 'jwt',
      summary: 'Upload a profile image (multipart field profile_img; JPEG, PNG or WebP by content; size limit UPLOAD_MAX_BYTES)',
      description: "A logged-in user (Bearer JWT). Stores the uploaded image (checked by content: JPEG, PNG or WebP, at most UPLOAD_MAX_BYTES) as the caller's profile image, replacing the previous one.",
      tags: ['Profile'],
      bodyType: 'multipart',
      before: [uploadMiddleware],
      schemas: { body: profileImageBody },
      errors: ['BAD_REQUEST', 'USER_NOT_FOUND', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'],
      response: { status: 200, schema: profileImageResponse },
      handler: controller.updateProfileImage,
    }),
    defineRoute({
      method: 'get',
      path: '/user/referral-code',
      auth: 'jwt',
      summary: "The caller's referral code",
      description: "A logged-in user (Bearer JWT). Answers the caller's referral code, which new users give at sign-up. Changes nothing.",
      tags: ['Profile'],
      errors: ['USER_NOT_FOUND'],
      response: { status: 200, schema: referralCodeResponse },
      handler: controller.getReferralCode,
    }),
  ];
}
