import { Op, QueryTypes, type Sequelize } from 'sequelize';
import { AppError, ServiceUnavailableError, ValidationError } from '../errors/app-error.js';
import type { PushSender } from '../integrations/fcm.js';
import { toLocale } from '../i18n/locale.js';
import { t } from '../i18n/translate.js';
import type { Models } from '../models/index.js';
import type { Logger } from '../utilities/logger.js';

export type DeviceType = 'android' | 'ios' | 'web';

const DEVICE_TYPES: readonly DeviceType[] = ['android', 'ios', 'web'];

/** The one stored form of a device type sent in any case ("iOS", "Android", "web"). */
export function toCanonicalDeviceType(sent: string): DeviceType {
  const lowered = sent.toLowerCase();
  const found = DEVICE_TYPES.find((type) => type === lowered);
  if (!found) throw new ValidationError([{ field: 'device_type', message: `must be one of: ${DEVICE_TYPES.join(', ')}` }]);
  return found;
}

export interface SendResult {
  success_count: number;
  failure_count: number;
  removed_tokens: number;
}

/** `title` and `body` are catalogue keys, filled with `params` in the account's language. */
export interface UserNotification {
  title: string;
  body: string;
  params?: Record<string, string>;
  data: Record<string, string>;
}

export type FcmService = ReturnType<typeof createFcmService>;

/** Device tokens (one row per token) and sending to every device of a user through the PushSender. */
export function createFcmService(deps: { sequelize: Sequelize; models: Models; push: PushSender; logger: Logger }) {
  const { sequelize, models, push, logger } = deps;

  /** Deletes the tokens FCM reports as unregistered or invalid. */
  async function sendToTokens(
    username: string,
    tokens: string[],
    message: { title: string; body: string; data?: Record<string, string> },
  ): Promise<SendResult> {
    const result = await push.sendToTokens(tokens, message);
    let removed = 0;
    if (result.invalidTokens.length > 0) {
      removed = await models.Fcm.destroy({ where: { username, token: { [Op.in]: result.invalidTokens } } });
      logger.info('removed device tokens FCM reported invalid', { username, removed });
    }
    return { success_count: result.successCount, failure_count: result.failureCount, removed_tokens: removed };
  }

  return {
    /**
     * Upsert by token: a token registered again (by anyone) belongs to the latest caller and session (revoking that
     * session removes it).
     */
    async register(username: string, token: string, sentDeviceType: string, sessionId: string | null = null): Promise<{ moved: boolean }> {
      const deviceType = toCanonicalDeviceType(sentDeviceType);
      const [row] = await sequelize.query<{ inserted: boolean }>(
        `INSERT INTO fcm (username, token, device_type, session_id) VALUES (:username, :token, :deviceType, :sessionId)
         ON CONFLICT (token) DO UPDATE SET username = EXCLUDED.username, device_type = EXCLUDED.device_type, session_id = EXCLUDED.session_id
         RETURNING (xmax = 0) AS inserted`,
        { replacements: { username, token, deviceType, sessionId }, type: QueryTypes.SELECT },
      );
      return { moved: row?.inserted === false };
    },

    /** Only the caller's own token; anyone else's (or an unknown one) answers 404. */
    async unregister(username: string, token: string): Promise<void> {
      const removed = await models.Fcm.destroy({ where: { username, token } });
      if (removed === 0) throw new AppError('PUSH_TOKEN_NOT_FOUND');
    },

    /** Sends to every token of the user and deletes the ones FCM reports as unregistered or invalid. */
    async sendToUser(username: string, message: { title: string; body: string; data?: Record<string, string> }): Promise<SendResult> {
      if (!push.enabled) throw new ServiceUnavailableError('Push notifications are not configured');
      const user = await models.UserLogin.findOne({ where: { username }, attributes: ['username'] });
      if (!user) throw new AppError('USER_NOT_FOUND');
      const rows = await models.Fcm.findAll({ where: { username }, attributes: ['token'] });
      if (rows.length === 0) return { success_count: 0, failure_count: 0, removed_tokens: 0 };
      return sendToTokens(
        username,
        rows.map((r) => r.token),
        message,
      );
    },

    /**
     * Pushes a notice to every device of the user in the account's stored language (sent by a callback, the sync job
     * or a security event, not a request to ask). Resolves once sent; never rejects: a failure is logged.
     */
    async notifyUser(username: string, notification: UserNotification): Promise<void> {
      if (!push.enabled) return;
      try {
        const devices = await models.Fcm.findAll({ where: { username }, attributes: ['token'] });
        if (devices.length === 0) return;
        const info = await models.UserInfo.findOne({ where: { username }, attributes: ['locale'], raw: true });
        const locale = toLocale(info?.locale);
        await sendToTokens(
          username,
          devices.map((d) => d.token),
          { title: t(locale, notification.title), body: t(locale, notification.body, notification.params), data: notification.data },
        );
      } catch (error) {
        logger.warn('push notification failed', {
          data: notification.data,
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    },
  };
}
