import { createChangeFeed, offlineChangeFeed, PROFILE_CHANGED_CHANNEL } from './models/change-feed.js';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { ScheduledTask } from 'node-cron';
import { Server as SocketServer } from 'socket.io';
import type { Config } from '../config/index.js';
import { createApp } from './app.js';
import { createFirebasePushSender } from './integrations/fcm.js';
import { createGatewayLog } from './models/gateway-log.js';
import { createMailer } from './integrations/mailer.js';
import { createSmsSender } from './integrations/sms.js';
import { createXenditGateway } from './integrations/xendit.js';
import { createAuthenticators } from './middleware/passport.js';
import { migrateUp } from './migrations/index.js';
import { createDatabase, ensureDatabaseExists, withMigrationLock, type Database } from './models/index.js';
import { createRedis } from './models/redis.js';
import { buildRoutes } from './routers/index.js';
import type { JsonAnswerObserver } from './routers/router-builder.js';
import { isOriginalDatabase } from './services/adoption.service.js';
import { createServices, type Clients, type Services } from './services/index.js';
import { createMetrics, type Metrics, type PoolStats } from './services/metrics.service.js';
import { attachPaymentStatusSocket, createPaymentStatusPublisher } from './socket/payment-status.socket.js';
import { routeEngineSessions, type EngineSessionRouting } from './socket/engine-session-routing.js';
import { scheduleXenditSync } from './scheduler/xendit.scheduler.js';
import { scheduleAccountErasure } from './scheduler/account-erasure.scheduler.js';
import type { Logger } from './utilities/logger.js';

import { VERSION } from './version.js';

export { VERSION };

/** A dependency that could not be reached at start, with a message a newcomer can act on. */
export class StartupError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'StartupError';
  }
}

function explainConnectionFailure(what: string, where: string, error: unknown): StartupError {
  const code = (error as { code?: string; parent?: { code?: string }; original?: { code?: string } }).code
    ?? (error as { parent?: { code?: string } }).parent?.code
    ?? (error as { original?: { code?: string } }).original?.code;
  const reason =
    code === 'ECONNREFUSED' ? 'refused the connection: is it running?'
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'could not be resolved: check the host name'
    : code === 'ETIMEDOUT' ? 'did not answer in time'
    : code === '28P01' || code === '28000' || /NOAUTH|WRONGPASS/.test(String((error as Error).message)) ? 'rejected the credentials: check the user and password'
    : `failed: ${(error as Error).message}`;
  return new StartupError(`${what} at ${where} ${reason} (see README, "Running it")`, error);
}

/** QUIT politely when connected; either way stop reconnecting, so nothing keeps the process alive. */
async function closeRedis(client: Redis): Promise<void> {
  try {
    if (client.status === 'ready') await client.quit();
  } catch {
    // already gone
  } finally {
    client.disconnect();
  }
}

export interface RunningServer {
  url: string;
  port: number;
  /** GET /metrics without auth on METRICS_PORT, when it is set (null otherwise). */
  metricsUrl: string | null;
  httpServer: HttpServer;
  io: SocketServer;
  services: Services;
  clients: Clients;
  /** Graceful stop: no new connections, in-flight requests finish (bounded wait), then sockets, pools and Redis close. */
  close(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  logger: Logger;
  /** Replace third-party clients (tests inject a recording push sender). */
  overrides?: Partial<Pick<Clients, 'push' | 'mailer' | 'sms' | 'xendit' | 'gatewayLog'>>;
  accessLogWrite?: (line: string) => void;
  /** Colour the access log; defaults to whether stdout is a TTY. */
  accessLogColours?: boolean;
  /** Sees every JSON answer of a declared route (tests validate it against the route's schemas). */
  observeJsonAnswers?: JsonAnswerObserver;
  /** Port to listen on; defaults to config.server.port (tests pass 0). */
  port?: number;
  host?: string;
}

/** Makes sure the database exists and is migrated, then connects. */
export async function prepareDatabase(config: Config, logger: Logger): Promise<Database> {
  const where = `${config.postgres.host}:${config.postgres.port}`;
  try {
    if (await ensureDatabaseExists(config.postgres)) logger.info(`created database "${config.postgres.database}"`);
  } catch (error) {
    throw explainConnectionFailure('PostgreSQL', where, error);
  }
  const db = createDatabase(config.postgres);
  try {
    const applied = await withMigrationLock(config.postgres, async () => {
      if (await isOriginalDatabase(db.sequelize)) {
        throw new StartupError(
          `PostgreSQL database "${config.postgres.database}" holds the original system's tables and no migrations record: ` +
            'back it up, then run `npm run cli -- db:adopt` (a dry run) and `npm run cli -- db:adopt --apply` ' +
            '(see README, "Switching from the original system")',
        );
      }
      return migrateUp(db.sequelize, logger);
    });
    if (applied.length) logger.info(`applied migrations: ${applied.join(', ')}`);
    await db.sequelize.authenticate();
  } catch (error) {
    await db.sequelize.close().catch(() => undefined);
    if (error instanceof StartupError) throw error;
    if ((error as { name?: string }).name?.startsWith('SequelizeConnection')) throw explainConnectionFailure('PostgreSQL', where, error);
    throw error;
  }
  return db;
}

async function connectRedis(redis: Redis, config: Config): Promise<void> {
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw explainConnectionFailure('Redis', `${config.redis.host}:${config.redis.port}`, error);
  }
}

/**
 * The composition root: builds the whole graph in order (database and Redis → HTTP server, Socket.io and its
 * publisher → clients → services → socket handshake, authenticators, app), then listens and starts the schedulers.
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config, logger } = options;
  // The upload folder is not in git; make sure it exists before the static route and uploads use it.
  await mkdir(config.upload.profileImageDir, { recursive: true });
  const db = await prepareDatabase(config, logger);
  const redis = createRedis(config.redis, { name: 'userstate', autoPipelining: true });
  const pubClient = createRedis(config.redis, { name: 'userstate-pub' });
  const subClient = createRedis(config.redis, { name: 'userstate-sub' });
  try {
    for (const client of [redis, pubClient, subClient]) await connectRedis(client, config);
  } catch (error) {
    await db.sequelize.close();
    for (const client of [redis, pubClient, subClient]) client.disconnect();
    throw error;
  }
  for (const client of [redis, pubClient, subClient]) {
    client.on('error', (error: Error) => logger.warn(`redis: ${error.message}`));
  }

  // Socket.io exists before the services that publish to it; it is attached to the HTTP server once the app exists
  // (engine.io must wrap the app's request listener to take its own /socket.io/ requests).
  const io = new SocketServer({
    cors: { origin: config.server.corsOrigins, credentials: true },
    adapter: createAdapter(pubClient, subClient),
  });
  const paymentStatus = createPaymentStatusPublisher(io, logger);
  // One registry per app: tests that boot several apps in a process never share counters.
  const metrics = createMetrics({ pool: () => poolStatsOf(db) });
  const clients: Clients = {
    config,
    logger,
    db,
    redis,
    metrics,
    xendit: metrics.timeXenditCalls(options.overrides?.xendit ?? createXenditGateway(config.xendit, logger)),
    mailer: metrics.countMailSends(options.overrides?.mailer ?? createMailer(config.email, { isProduction: config.isProduction }, logger)),
    sms: metrics.countOtpSends(options.overrides?.sms ?? createSmsSender(config.sms, logger, { isProduction: config.isProduction })),
    push: options.overrides?.push ?? createFirebasePushSender(config.firebase, logger),
    gatewayLog: options.overrides?.gatewayLog ?? createGatewayLog(config.mongo, logger),
    realtime: paymentStatus,
    // With the profile cache off nothing listens: no connection is held for it.
    profileChanges: config.profileCache.maxAgeMs > 0 ? createChangeFeed(config.postgres, PROFILE_CHANGED_CHANNEL, logger) : offlineChangeFeed(),
  };
  // Releases what was opened when a later step of the start fails (quit waits for the adapter's subscribe replies).
  const releaseAll = async () => {
    await Promise.allSettled([db.sequelize.close(), clients.gatewayLog.close(), clients.mailer.close(), clients.push.close(), clients.profileChanges.close()]);
    await Promise.allSettled([redis, pubClient, subClient].map(closeRedis));
  };

  let services: Services;
  try {
    services = createServices(clients);
  } catch (error) {
    // e.g. an invalid voucher file: release what was opened before reporting it.
    await releaseAll();
    throw error;
  }
  attachPaymentStatusSocket(io, { tokens: services.tokens, logger, channel: paymentStatus });
  const authenticators = createAuthenticators({
    tokens: services.tokens,
    apiKeys: services.apiKeys,
    callbackToken: config.xendit.callbackToken,
    registrationToken: (token) => services.registration.authenticate(token),
  });
  const app = createApp({
    config,
    logger,
    routes: buildRoutes(services),
    authenticators,
    version: VERSION,
    metrics,
    idempotency: services.idempotency,
    trackUserWrites: (username) => services.profileCache.beginWrite(username),
    accessLogWrite: options.accessLogWrite,
    accessLogColours: options.accessLogColours,
    observeJsonAnswers: options.observeJsonAnswers,
  });
  const httpServer = createServer(app);
  httpServer.keepAliveTimeout = 65_000;
  io.attach(httpServer);

  let sessionRouting: EngineSessionRouting;
  try {
    sessionRouting = await routeEngineSessions(httpServer, io, { dir: config.server.socketPeerDir, logger });
  } catch (error) {
    await releaseAll();
    throw new StartupError(`SOCKET_PEER_DIR ${config.server.socketPeerDir} cannot hold the Socket.io peer socket: ${(error as Error).message}`, error);
  }

  const openSockets = new Set<NetSocket>();
  httpServer.on('connection', (socket) => {
    openSockets.add(socket);
    socket.on('close', () => openSockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? config.server.port, options.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;

  let metricsServer: HttpServer | null = null;
  if (config.metrics.port !== null) {
    try {
      metricsServer = await listenForMetrics(metrics, config.metrics.port, config.metrics.host);
    } catch (error) {
      httpServer.close();
      await sessionRouting.close();
      await releaseAll();
      throw new StartupError(`METRICS_PORT ${config.metrics.port} on ${config.metrics.host} cannot be listened on: ${(error as Error).message}`, error);
    }
  }
  const metricsAddress = metricsServer?.address() as AddressInfo | undefined;
  const stopLedgerCheck =
    config.metrics.ledgerCheckSeconds > 0
      ? metrics.startLedgerCheck(() => services.wallet.countLedgerMismatches(), config.metrics.ledgerCheckSeconds * 1000, logger)
      : () => undefined;

  const scheduledSync: ScheduledTask | null = scheduleXenditSync({
    enabled: config.xendit.syncEnabled,
    expression: config.xendit.syncCron,
    syncLock: services.syncLock,
    logger,
    job: services.runXenditSync,
  });

  const scheduledErasure: ScheduledTask | null = scheduleAccountErasure({
    enabled: config.accounts.erasureEnabled,
    expression: config.accounts.erasureCron,
    lock: services.erasureLock,
    logger,
    job: services.runAccountErasure,
  });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await scheduledSync?.stop();
      await scheduledErasure?.stop();
      stopLedgerCheck();
      metricsServer?.close();
      metricsServer?.closeAllConnections();
      // Stop accepting first; in-flight requests keep their connections until they are answered.
      const drained = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      // Disconnect Socket.io clients directly: io.close() would also close the Redis adapter, which fires
      // unsubscribe commands without awaiting them (unhandled rejections when Redis is down). The adapter's
      // subscriptions end with its Redis connections below.
      io.local.disconnectSockets(true);
      io.engine.close();
      await sessionRouting.close();
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, config.server.shutdownTimeoutMs).unref());
      // A keep-alive connection whose last request finishes during the drain becomes idle: close it then.
      const closeIdle = setInterval(() => httpServer.closeIdleConnections(), 50);
      await Promise.race([drained, deadline]);
      clearInterval(closeIdle);
      for (const socket of openSockets) socket.destroy();
      await Promise.allSettled([
        db.sequelize.close(),
        clients.gatewayLog.close(),
        clients.mailer.close(),
        clients.push.close(),
        clients.profileChanges.close(),
        ...[redis, pubClient, subClient].map(closeRedis),
      ]);
    })());

  const metricsUrl = metricsAddress ? `http://127.0.0.1:${metricsAddress.port}/metrics` : null;
  return { url: `http://127.0.0.1:${port}`, port, metricsUrl, httpServer, io, services, clients, close };
}

/** The PostgreSQL pool's connections, for the pool gauge (Sequelize's pool; absent before the first query). */
function poolStatsOf(db: Database): PoolStats | undefined {
  const pool = (db.sequelize.connectionManager as unknown as { pool?: Partial<PoolStats> }).pool;
  if (!pool || typeof pool.size !== 'number') return undefined;
  return { size: pool.size, available: pool.available ?? 0, using: pool.using ?? 0, waiting: pool.waiting ?? 0 };
}

/** METRICS_PORT: GET /metrics without auth (keep the port private), 404 for anything else. */
async function listenForMetrics(metrics: Metrics, port: number, host: string): Promise<HttpServer> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found\n');
      return;
    }
    metrics.render().then(
      (text) => res.writeHead(200, { 'Content-Type': metrics.contentType }).end(text),
      () => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
