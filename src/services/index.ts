import type { Redis } from 'ioredis';
import type { Config } from '../../config/index.js';
import type { GatewayLog } from '../integrations/gateway-log.js';
import type { Mailer } from '../integrations/mailer.js';
import type { PushSender } from '../integrations/fcm.js';
import type { SmsSender } from '../integrations/sms.js';
import type { XenditGateway } from '../integrations/xendit.js';
import type { Database } from '../models/index.js';
import type { PaymentStatusPublisher } from '../socket/payment-status.socket.js';
import type { AuthDeps } from '../middleware/passport.js';
import type { SyncJob } from '../scheduler/xendit.scheduler.js';
import { createHashingCenter } from '../utilities/hashing-center.js';
import type { Logger } from '../utilities/logger.js';
import { createApiKeyService } from './api-key.service.js';
import { createHealthService } from './health.service.js';
import { createIdempotencyService } from './idempotency.service.js';
import { createEncryptor } from '../utilities/encrypt.js';
import { createTokenService } from './token.service.js';

/** Every client the services need, built by the entry file (or a test) and handed in. */
export interface Clients {
  config: Config;
  logger: Logger;
  db: Database;
  redis: Redis;
  xendit: XenditGateway;
  mailer: Mailer;
  sms: SmsSender;
  push: PushSender;
  gatewayLog: GatewayLog;
  /** Late-bound: Socket.io is attached after the HTTP server exists. */
  realtime: PaymentStatusPublisher;
}

export type Services = ReturnType<typeof createServices>;

/** Builds the service graph by hand. Each service receives only what it uses. */
export function createServices(clients: Clients) {
  const { config, db, redis, logger } = clients;
  const models = db.models;
  const hashing = createHashingCenter(config.auth);
  const tokens = createTokenService({ auth: config.auth, redis, models });
  const apiKeys = createApiKeyService({ auth: config.auth, redis, models, hashing });
  const idempotency = createIdempotencyService({ sequelize: db.sequelize, models });
  const encryptor = createEncryptor(config.encryption);
  const health = createHealthService({ sequelize: db.sequelize, redis, mongoStatus: () => clients.gatewayLog.status() });
  const authDeps: AuthDeps = { tokens, apiKeys, callbackToken: config.xendit.callbackToken };
  // Replaced by the payment service's expireStatusUpdater (issue 5); the schedule itself is wired in server.ts.
  const runXenditSync: SyncJob = async () => ({ checked: 0, updated: 0, failed: 0 });
  return { hashing, tokens, apiKeys, health, idempotency, encryptor, authDeps, runXenditSync, logger };
}
