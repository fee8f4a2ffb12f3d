import { randomUUID } from 'node:crypto';
import { Op, type Sequelize } from 'sequelize';
import { AppError } from '../errors/app-error.js';
import type { Models } from '../models/index.js';
import type { SecurityActivityService } from './security-activity.service.js';
import type { TokenService } from './token.service.js';

export type DeviceSessionService = ReturnType<typeof createDeviceSessionService>;

export interface SessionView {
  id: string;
  device: string;
  ip: string;
  created_at: string;
  last_seen_at: string;
  current: boolean;
}

const DEVICE_MAX = 200;

/**
 * Where a user is signed in: one row per password login, named by the `sid` its tokens carry. Ending a session
 * revokes every token of it on every instance (and closes its sockets), then marks the row and removes the FCM
 * tokens registered from it, so a lost phone neither calls the API nor hears pushes.
 */
export function createDeviceSessionService(deps: {
  sequelize: Sequelize;
  models: Models;
  tokens: TokenService;
  activity: SecurityActivityService;
  absoluteLifetimeSeconds: number;
}) {
  const { sequelize, models, tokens } = deps;
  /** Sessions older than the absolute lifetime have no live token left: they are over without a revocation. */
  const oldestLive = () => new Date(Date.now() - deps.absoluteLifetimeSeconds * 1000);

  /** A password login: records the device (the `device_name` sent, else the User-Agent) and address; answers the sid. */
  async function start(username: string, client: { device?: string; userAgent?: string; ip: string }): Promise<{ id: string; device: string }> {
    const id = randomUUID();
    const device = (client.device?.trim() || client.userAgent?.trim() || 'unknown device').slice(0, DEVICE_MAX);
    const now = new Date();
    await models.UserSession.create({ id, username, device, ip: client.ip.slice(0, 64), created_at: now, last_seen_at: now });
    return { id, device };
  }

  async function end(username: string, rows: Array<{ id: string; created_at: Date; device: string }>, by: { ip: string; sid: string | null }): Promise<void> {
    for (const row of rows) await tokens.revokeSession(row.id, username, Math.floor(new Date(row.created_at).getTime() / 1000));
    const ids = rows.map((row) => row.id);
    if (ids.length === 0) return;
    await sequelize.transaction(async (transaction) => {
      await models.UserSession.update({ revoked_at: new Date() }, { where: { id: { [Op.in]: ids }, revoked_at: null }, transaction });
      await models.Fcm.destroy({ where: { username, session_id: { [Op.in]: ids } }, transaction });
    });
    const from = by.sid ? await deviceOf(by.sid) : null;
    for (const row of rows) await deps.activity.record(username, 'session_revoked', { ip: by.ip, device: from }, { session_id: row.id, session_device: row.device });
  }

  async function deviceOf(sid: string): Promise<string> {
    const row = await models.UserSession.findByPk(sid, { attributes: ['device'], raw: true });
    return row?.device ?? 'unknown device';
  }

  return {
    start,

    /** /extend: the session was used now. */
    async touch(sid: string): Promise<void> {
      await models.UserSession.update({ last_seen_at: new Date() }, { where: { id: sid } });
    },

    /** The caller's live sessions, newest first; the one of the presented token is marked `current`. */
    async list(username: string, currentSid: string | null): Promise<SessionView[]> {
      const rows = await models.UserSession.findAll({
        where: { username, revoked_at: null, created_at: { [Op.gt]: oldestLive() } },
        order: [['created_at', 'DESC']],
        raw: true,
      });
      return rows.map((row) => ({
        id: row.id,
        device: row.device,
        ip: row.ip,
        created_at: new Date(row.created_at).toISOString(),
        last_seen_at: new Date(row.last_seen_at).toISOString(),
        current: row.id === currentSid,
      }));
    },

    /** Revokes one of the caller's own live sessions; anyone else's, an unknown or an ended one answers 404. */
    async revoke(username: string, sid: string, by: { ip: string; sid: string | null }): Promise<void> {
      const row = await models.UserSession.findOne({ where: { id: sid, username, revoked_at: null }, attributes: ['id', 'created_at', 'device'], raw: true });
      if (!row) throw new AppError('SESSION_NOT_FOUND');
      await end(username, [row], by);
    },

    /** Revokes every live session of the caller but the current one; answers how many. */
    async revokeOthers(username: string, currentSid: string | null, ip: string): Promise<number> {
      const rows = await models.UserSession.findAll({
        where: { username, revoked_at: null, ...(currentSid ? { id: { [Op.ne]: currentSid } } : {}) },
        attributes: ['id', 'created_at', 'device'],
        raw: true,
      });
      await end(username, rows, { ip, sid: currentSid });
      return rows.length;
    },

    /** Logout: the session of the presented token ends (its row and FCM tokens too); tokens are revoked by the caller. */
    async ended(username: string, sid: string): Promise<void> {
      await sequelize.transaction(async (transaction) => {
        await models.UserSession.update({ revoked_at: new Date() }, { where: { id: sid, username, revoked_at: null }, transaction });
        await models.Fcm.destroy({ where: { username, session_id: sid }, transaction });
      });
    },

    /** After a password change the caller goes on in a new session on the same device (every old one ended). */
    async restart(username: string, previousSid: string | null, ip: string): Promise<{ id: string; device: string }> {
      const previous = previousSid ? await models.UserSession.findOne({ where: { id: previousSid, username }, attributes: ['device'], raw: true }) : null;
      return start(username, { device: previous?.device, ip });
    },
  };
}
