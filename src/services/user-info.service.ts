import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { Config } from '../../config/index.js';
import { AppError } from '../errors/app-error.js';
import type { Models } from '../models/index.js';
import type { Logger } from '../utilities/logger.js';
import type { ProfileCache } from './profile-cache.js';

/** The URL prefix app.ts serves config.upload.profileImageDir under. */
export const PROFILE_IMAGE_URL_PREFIX = '/resources/user_profile_img/';
const STORED_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;

export interface Profile {
  username: string;
  full_name: string;
  /** NULL when the account lost an unproved address to its owner (see email-verification.service.ts). */
  email: string | null;
  /** Whether the owner proved the address; only a proved one logs in and receives reset mail. */
  email_verified: boolean;
  phone_number: string | null;
  profile_img: string | null;
  referral_code: string;
  /** Rupiah. NUMERIC(18,2) arrives as a string; Number() of a <= 18-digit, 2-decimal value is exact enough for display. */
  balance: number;
  points: number;
}

type ProfileRow = Omit<Profile, 'balance' | 'points'> & { balance: string | null; points: number | null };

export type UserInfoService = ReturnType<typeof createUserInfoService>;

export function createUserInfoService(deps: { sequelize: Sequelize; models: Models; upload: Config['upload']; logger: Logger; profileCache: ProfileCache<Profile> }) {
  const { sequelize, models, upload, logger, profileCache } = deps;
  const imageDir = path.resolve(upload.profileImageDir);

  /**
   * One raw query (profile joined with its wallet) rather than two model reads: GET /user/profile is one of the
   * hottest routes, and the bench showed two pool round trips plus Sequelize instance building dominating it.
   */
  async function readProfile(username: string): Promise<Profile> {
    const [row] = await sequelize.query<ProfileRow>(
      `SELECT i.username, i.full_name, i.email, i.email_verified, i.phone_number, i.profile_img, i.referral_code, b.balance, b.points
         FROM user_info i LEFT JOIN user_balance b ON b.username = i.username
        WHERE i.username = :username`,
      { replacements: { username }, type: QueryTypes.SELECT },
    );
    if (!row) throw new AppError('USER_NOT_FOUND');
    return {
      username: row.username,
      full_name: row.full_name,
      email: row.email,
      email_verified: row.email_verified,
      phone_number: row.phone_number,
      profile_img: row.profile_img,
      referral_code: row.referral_code,
      balance: Number(row.balance ?? '0'),
      points: row.points ?? 0,
    };
  }

  /** Removes a stored image, but only a file of ours: a plain name inside the profile image folder. */
  async function removeStoredImage(publicPath: string | null): Promise<void> {
    if (!publicPath?.startsWith(PROFILE_IMAGE_URL_PREFIX)) return;
    const name = publicPath.slice(PROFILE_IMAGE_URL_PREFIX.length);
    if (!STORED_NAME.test(name) || name.includes('..')) return;
    const file = path.resolve(imageDir, name);
    if (path.dirname(file) !== imageDir) return;
    await rm(file, { force: true }).catch((error: unknown) =>
      logger.warn('could not remove the previous profile image', { file: name, error }),
    );
  }

  return {
    /** The upload limits the route's multer middleware enforces (same config the service stores with). */
    uploadConfig: upload,

    /** From memory while the change feed is live and nothing was written since (see profile-cache.ts). */
    getProfile: (username: string): Promise<Profile> => profileCache.read(username, () => readProfile(username)),

    /** Account erasure: removes the stored profile image file (only a file of ours). */
    removeProfileImage: removeStoredImage,

    /** Changes only full_name and/or phone_number; the schema refuses every other field. */
    async updateProfile(username: string, changes: { full_name?: string; phone_number?: string }): Promise<Profile> {
      const values: { full_name?: string; phone_number?: string } = {};
      if (changes.full_name !== undefined) values.full_name = changes.full_name.trim();
      if (changes.phone_number !== undefined) values.phone_number = changes.phone_number;
      const [updated] = await models.UserInfo.update(values, { where: { username } });
      if (updated === 0) throw new AppError('USER_NOT_FOUND');
      return readProfile(username);
    },

    async getReferralCode(username: string): Promise<{ referral_code: string }> {
      const info = await models.UserInfo.findOne({ where: { username }, attributes: ['referral_code'] });
      if (!info) throw new AppError('USER_NOT_FOUND');
      return { referral_code: info.referral_code };
    },

    /**
     * Stores the image under a server-chosen name (temp file + rename, so a half-written file is never served),
     * points the profile at it, then removes the previous image. A failed database update removes the new file.
     */
    async replaceProfileImage(username: string, image: { buffer: Buffer; extension: string }): Promise<{ profile_img: string }> {
      await mkdir(imageDir, { recursive: true });
      const stem = username.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
      const name = `${stem}-${randomUUID()}.${image.extension}`;
      const finalPath = path.join(imageDir, name);
      const tempPath = path.join(imageDir, `.upload-${randomUUID()}.tmp`);
      try {
        await writeFile(tempPath, image.buffer, { flag: 'wx', mode: 0o644 });
        await rename(tempPath, finalPath);
      } catch (error) {
        await rm(tempPath, { force: true });
        throw error;
      }
      const publicPath = `${PROFILE_IMAGE_URL_PREFIX}${name}`;
      let previous: string | null;
      try {
        previous = await sequelize.transaction(async (transaction) => {
          const info = await models.UserInfo.findOne({ where: { username }, transaction, lock: transaction.LOCK.UPDATE });
          if (!info) throw new AppError('USER_NOT_FOUND');
          const old = info.profile_img;
          await info.update({ profile_img: publicPath }, { transaction });
          return old;
        });
      } catch (error) {
        await rm(finalPath, { force: true });
        throw error;
      }
      if (previous !== publicPath) await removeStoredImage(previous);
      return { profile_img: publicPath };
    },
  };
}
