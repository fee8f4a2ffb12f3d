import { Op } from 'sequelize';
import { toLocale } from '../i18n/locale.js';
import { t } from '../i18n/translate.js';
import type { Mailer } from '../integrations/mailer.js';
import type { Models } from '../models/index.js';
import type { Logger } from '../utilities/logger.js';
import { SECURITY_EVENT_KINDS } from '../schemas/session.schema.js';
import type { FcmService } from './fcm.service.js';

export type SecurityActivityService = ReturnType<typeof createSecurityActivityService>;

export { SECURITY_EVENT_KINDS };
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

/** Where an event came from: the caller's address and device (device_name, else User-Agent). */
export interface ClientInfo {
  ip?: string | null;
  device?: string | null;
}

/** What the owner is told, by mail and push, and what to do if it was not them. */
const NOTICES: Partial<Record<SecurityEventKind, { subject: string; what: string }>> = {
  login_succeeded: { subject: 'New sign-in to your UserState account', what: 'Your account was signed in from a device it had not used before' },
  password_changed: { subject: 'Your UserState password was changed', what: 'The password of your account was changed' },
  password_reset: { subject: 'Your UserState password was reset', what: 'The password of your account was reset with a mailed link' },
  email_changed: { subject: 'The email of your UserState account was changed', what: 'The email address of your account was changed' },
  phone_changed: { subject: 'The phone number of your UserState account was changed', what: 'The phone number of your account was changed' },
};

const PAGE_MAX = 100;
const COOLING_OFF_CAUSES: SecurityEventKind[] = ['password_reset', 'email_changed', 'phone_changed'];

/**
 * The security activity of each user: append-only events with time, address and device, readable by the owner
 * (GET /user/activity). Recording never fails the action it describes (it is written after it, and a failure is
 * logged). Logins from a new device and password, email or phone changes are also mailed, and pushed where a device
 * is registered, with what to do if it was not the owner.
 */
export function createSecurityActivityService(deps: { models: Models; mailer: Mailer; fcm: FcmService; logger: Logger; coolingOffHours: number }) {
  const { models, mailer, fcm, logger } = deps;

  async function notify(username: string, kind: SecurityEventKind, client: ClientInfo, details: Record<string, unknown>): Promise<void> {
    const notice = NOTICES[kind];
    if (!notice || (kind === 'login_succeeded' && details.new_device !== true)) return;
    // In the account's language (stored at sign-up): a notice may follow a request in another language, or none.
    const info = await models.UserInfo.findOne({ where: { username }, attributes: ['email', 'full_name', 'locale'], raw: true });
    const locale = toLocale(info?.locale);
    const subject = t(locale, notice.subject);
    const what = t(locale, notice.what);
    const where = [
      client.device ? t(locale, 'device: {device}', { device: client.device }) : null,
      client.ip ? t(locale, 'address: {ip}', { ip: client.ip }) : null,
    ]
      .filter(Boolean)
      .join(', ');
    const lines = [
      t(locale, '{what}{where} on {when}.', { what, where: where ? ` (${where})` : '', when: new Date().toUTCString() }),
      '',
      t(locale, 'If this was you, there is nothing to do.'),
      t(locale, 'If this was not you, reset your password now ("Forgot password" in the app), then sign out every other session (Sessions in the app, or POST /sessions/revoke-others).'),
    ];
    const text = lines.join('\n');
    const hello = (name: string) => t(locale, 'Hello {name},', { name });
    if (info?.email) await mailer.send({ to: info.email, subject, text: `${hello(info.full_name)}\n\n${text}` });
    // An email change is told to the address it replaced too: that is where the owner still reads mail.
    const replaced = kind === 'email_changed' && typeof details.old_email === 'string' ? details.old_email : null;
    if (replaced && replaced.toLowerCase() !== info?.email?.toLowerCase()) {
      await mailer.send({ to: replaced, subject, text: `${hello(info?.full_name ?? username)}\n\n${text}` });
    }
    await fcm.notifyUser(username, { title: notice.subject, body: notice.what, data: { kind } });
  }

  return {
    /** Appends an event (and sends its notice, if it has one); never throws into the caller. */
    async record(username: string, kind: SecurityEventKind, client: ClientInfo = {}, details: Record<string, unknown> = {}): Promise<void> {
      try {
        await models.SecurityEvent.create({ username, kind, ip: client.ip?.slice(0, 64) ?? null, device: client.device?.slice(0, 200) ?? null, details });
        await notify(username, kind, client, details);
      } catch (error) {
        logger.warn(`security event ${kind} for user ${username} was not recorded or notified`, { reason: (error as Error).message });
      }
    },

    /**
     * Until when money may not leave the account: MONEY_COOLING_OFF_HOURS after the latest password reset, email or
     * phone change (whoever did it may not be the owner); null when it may.
     */
    async coolingOffOf(username: string): Promise<{ until: Date; because: SecurityEventKind } | null> {
      if (deps.coolingOffHours === 0) return null;
      const windowMs = deps.coolingOffHours * 3600_000;
      const latest = await models.SecurityEvent.findOne({
        where: { username, kind: { [Op.in]: COOLING_OFF_CAUSES }, created_at: { [Op.gt]: new Date(Date.now() - windowMs) } },
        attributes: ['kind', 'created_at'],
        order: [['id', 'DESC']],
        raw: true,
      });
      if (!latest) return null;
      return { until: new Date(new Date(latest.created_at).getTime() + windowMs), because: latest.kind as SecurityEventKind };
    },

    /**
     * Whether this sign-in comes from a device the account has not used before (by its name: device_name or
     * User-Agent). The first sign-in of an account has nothing to compare with: it is not "new".
     */
    async isNewDevice(username: string, device: string, exceptSessionId: string): Promise<boolean> {
      const others = { username, id: { [Op.ne]: exceptSessionId } };
      if ((await models.UserSession.count({ where: others })) === 0) return false;
      return (await models.UserSession.count({ where: { ...others, device } })) === 0;
    },

    /** The caller's events, newest first. */
    async list(username: string, page: number, limit: number) {
      const size = Math.min(Math.max(limit, 1), PAGE_MAX);
      const rows = await models.SecurityEvent.findAll({
        where: { username },
        attributes: ['id', 'kind', 'ip', 'device', 'details', 'created_at'],
        order: [['id', 'DESC']],
        limit: size + 1,
        offset: (Math.max(page, 1) - 1) * size,
        raw: true,
      });
      return {
        events: rows.slice(0, size).map((row) => ({ ...row, id: Number(row.id), created_at: new Date(row.created_at).toISOString() })),
        page: Math.max(page, 1),
        limit: size,
        has_more: rows.length > size,
      };
    },
  };
}
