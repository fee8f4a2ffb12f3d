import pg from 'pg';
import type { Config } from '../../config/index.js';
import type { Logger } from '../utilities/logger.js';

/** The channel the profile triggers (migration 0730) notify on; the payload is a username, or '*' for all. */
export const PROFILE_CHANGED_CHANNEL = 'userstate_profile_changed';
export const ALL_CHANGED = '*';
/** How often the connection proves it is alive (a round trip); an unanswered one takes the feed down. */
const HEARTBEAT_MS = 5_000;
/** Reconnection waits double from 100 ms up to this. */
const MAX_RETRY_MS = 5_000;

export interface ChangeListener {
  /** A committed write touched `key` (ALL_CHANGED: anything). */
  changed(key: string): void;
  /** Notifications may have been missed (the feed went down, or came back): forget everything. */
  reset(): void;
}

export interface ChangeFeed {
  /** True only while notifications are being received: nothing may be cached on them otherwise. */
  readonly live: boolean;
  subscribe(listener: ChangeListener): void;
  close(): Promise<void>;
}

/**
 * PostgreSQL LISTEN on one dedicated connection. NOTIFY is sent at commit and only for committed transactions, so
 * every writer (a service, a raw SQL statement, another instance, an operator's psql) invalidates the same way.
 * While the connection is down, `live` is false and listeners were reset; it reconnects in the background.
 */
export function createChangeFeed(postgres: Config['postgres'], channel: string, logger: Logger): ChangeFeed {
  const listeners: ChangeListener[] = [];
  let client: pg.Client | null = null;
  let live = false;
  let closed = false;
  let retryMs = 100;
  let heartbeat: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;

  const resetAll = () => listeners.forEach((listener) => listener.reset());

  function goDown(reason: string): void {
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = undefined;
    const wasLive = live;
    live = false;
    resetAll();
    const dead = client;
    client = null;
    dead?.removeAllListeners('notification');
    dead?.end().catch(() => undefined);
    if (wasLive) logger.warn(`${channel}: change feed down (${reason}); reading through until it is back`);
    if (!closed && !retry) {
      retry = setTimeout(() => {
        retry = undefined;
        void connect();
      }, retryMs);
      retry.unref();
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    }
  }

  function beat(current: pg.Client): void {
    const missed = setTimeout(() => {
      if (client === current) goDown('heartbeat unanswered');
    }, HEARTBEAT_MS);
    missed.unref();
    current.query('SELECT 1').then(
      () => clearTimeout(missed),
      () => undefined,
    );
  }

  async function connect(): Promise<void> {
    const next = new pg.Client({
      host: postgres.host,
      port: postgres.port,
      user: postgres.user,
      password: postgres.password,
      database: postgres.database,
      application_name: 'userstate-change-feed',
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
    });
    next.on('error', (error: Error) => {
      if (client === next) goDown(error.message);
    });
    next.on('end', () => {
      if (client === next) goDown('connection ended');
    });
    next.on('notification', (message) => {
      if (message.channel !== channel) return;
      const key = message.payload ?? ALL_CHANGED;
      for (const listener of listeners) listener.changed(key);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
    } catch (error) {
      client = next;
      goDown((error as Error).message);
      return;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    // Whatever was cached before this connection listened may have missed a notification.
    resetAll();
    live = true;
    retryMs = 100;
    heartbeat = setInterval(() => beat(next), HEARTBEAT_MS);
    heartbeat.unref();
  }

  void connect();

  return {
    get live() {
      return live;
    },
    subscribe(listener) {
      listeners.push(listener);
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      if (heartbeat) clearInterval(heartbeat);
      live = false;
      resetAll();
      const current = client;
      client = null;
      await current?.end().catch(() => undefined);
    },
  };
}

/** A feed that is never live (the CLI, which serves no reads): whatever depends on it reads through. */
export function offlineChangeFeed(): ChangeFeed {
  return { live: false, subscribe: () => undefined, close: async () => undefined };
}
