import type { Redis } from 'ioredis';
import type { Config } from '../../config/index.js';
import type { GatewayLog } from '../models/gateway-log.js';
import type { Mailer } from '../integrations/mailer.js';
import type { PushSender } from '../integrations/fcm.js';
import type { SmsSender } from '../integrations/sms.js';
import type { XenditGateway } from '../integrations/xendit.js';
import type { Database } from '../models/index.js';
import type { PaymentStatusPublisher } from './realtime.js';
import { createAuthService } from './auth.service.js';
import { createPasswordService } from './password.service.js';
import { createRateLimitService } from './rate-limit.service.js';
import { createRegistrationService } from './registration.service.js';
import { createEmailVerificationService } from './email-verification.service.js';
import { createDeviceSessionService } from './device-session.service.js';
import { createSessionService } from './session.service.js';
import { createHashingCenter } from '../utilities/hashing-center.js';
import type { Logger } from '../utilities/logger.js';
import { createApiKeyService } from './api-key.service.js';
import { createHealthService } from './health.service.js';
import { createIdempotencyService } from './idempotency.service.js';
import { createEncryptor } from '../utilities/encrypt.js';
import { createTokenService } from './token.service.js';
import { createUserInfoService, type Profile } from './user-info.service.js';
import { createProfileCache } from './profile-cache.js';
import type { ChangeFeed } from '../models/change-feed.js';
import { createAddressService } from './address.service.js';
import { createPointMutationService } from './point-mutation.service.js';
import { createReferralService } from './referral.service.js';
import { createMarketingOfferService } from './marketing-offer.service.js';
import { createVoucherService } from './voucher.service.js';
import { createFcmService } from './fcm.service.js';
import { createSecurityActivityService } from './security-activity.service.js';
import { createFaqService } from './faq.service.js';
import { createQrCodeService } from './qrcode.service.js';
import { createAgentService } from './agent.service.js';
import { createMaintenanceService } from './maintenance.service.js';
import { createWalletService } from './wallet.service.js';
import { createPaymentService } from './payment.service.js';
import { createBankAccountService } from './bank-account.service.js';
import { createPayoutService } from './payout.service.js';
import { createCheckoutBudgetService } from './checkout-budget.service.js';
import { createFingerprinter } from '../utilities/fingerprint.js';
import { createPaymentAnomalyService } from './payment-anomaly.service.js';
import { createSyncLockService, type SyncJob } from './sync-lock.service.js';
import { createAccountDeletionService } from './account-deletion.service.js';
import { createDataExportService } from './data-export.service.js';
import type { Metrics } from './metrics.service.js';
import { createPhoneChangeService } from './phone-change.service.js';

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
  /** The payment-status channel (Socket.io), built before the services that publish to it. */
  realtime: PaymentStatusPublisher;
  /** This app's Prometheus registry and metrics. */
  metrics: Metrics;
  /** Committed writes to the profile's tables (PostgreSQL LISTEN), which drop cached profiles. */
  profileChanges: ChangeFeed;
}

export type Services = ReturnType<typeof createServices>;

/** Builds the service graph by hand. Each service receives only what it uses. */
export function createServices(clients: Clients) {
  const { config, db, redis, logger, metrics } = clients;
  const models = db.models;
  const hashing = createHashingCenter(config.auth);
  const tokens = createTokenService({
    auth: config.auth,
    redis,
    models,
    sequelize: db.sequelize,
    channels: {
      tokenRevoked: (jti, atMs) => clients.realtime.disconnectToken?.(jti, atMs),
      sessionRevoked: (sid) => clients.realtime.disconnectSession?.(sid),
      userRevoked: (username) => clients.realtime.disconnectUser?.(username),
    },
  });
  const limits = createRateLimitService({ redis, limits: config.limits, sequelize: db.sequelize, metrics });
  const apiKeys = createApiKeyService({ auth: config.auth, redis, models, hashing, limits });
  const idempotency = createIdempotencyService({ sequelize: db.sequelize, leaseSeconds: config.idempotency.leaseSeconds, logger });
  const encryptor = createEncryptor(config.encryption);
  const health = createHealthService({ sequelize: db.sequelize, redis, mongoStatus: () => clients.gatewayLog.status() });
  // Accounts and authentication.
  const fcm = createFcmService({ sequelize: db.sequelize, models, push: clients.push, logger });
  const activity = createSecurityActivityService({ models, mailer: clients.mailer, fcm, logger, coolingOffHours: config.auth.moneyCoolingOffHours });
  const deviceSessions = createDeviceSessionService({
    sequelize: db.sequelize,
    models,
    tokens,
    activity,
    absoluteLifetimeSeconds: config.auth.sessionAbsoluteLifetimeSeconds,
  });
  const authServiceDeps = { config, redis, sequelize: db.sequelize, models, hashing, tokens, limits, activity, logger };
  const emailVerification = createEmailVerificationService({ ...authServiceDeps, mailer: clients.mailer });
  const registration = createRegistrationService({ ...authServiceDeps, mailer: clients.mailer, sms: clients.sms, emailVerification });
  const passwords = createPasswordService({ ...authServiceDeps, mailer: clients.mailer, deviceSessions });
  // Issue 16: changing the phone number (the email change lives with the email binding).
  const phoneChange = createPhoneChangeService({ ...authServiceDeps, sms: clients.sms });
  const sessions = createSessionService({ sequelize: db.sequelize, models, tokens, deviceSessions, activity, extendGraceSeconds: config.auth.extendGraceSeconds });
  // Deleting an account (grace, cancel, erasure job) and the personal-data export.
  const profileCache = createProfileCache<Profile>({ feed: clients.profileChanges, ...config.profileCache, lookups: metrics.profileCacheLookups });
  const userInfo = createUserInfoService({ sequelize: db.sequelize, models, upload: config.upload, logger, profileCache });
  const accountDeletion = createAccountDeletionService({
    ...authServiceDeps,
    mailer: clients.mailer,
    discardPendingSignUps: (identity) => registration.discardPendingOf(identity),
    removeProfileImage: (publicPath) => userInfo.removeProfileImage(publicPath),
  });
  const dataExport = createDataExportService({ sequelize: db.sequelize, models, limits });
  const erasureLock = createSyncLockService({ redis, logger, leaseMs: config.xendit.syncLockSeconds * 1000, name: 'account-erasure' });
  const runAccountErasure: SyncJob = () => accountDeletion.eraseDueAccounts();
  const runAccountErasureNow = () => erasureLock.runExclusively(runAccountErasure);
  const auth = createAuthService({
    ...authServiceDeps,
    registration,
    deviceSessions,
    metrics,
    pendingDeletionOf: (username) => accountDeletion.pendingDeletionOf(username),
  });
  const agents = createAgentService({ sequelize: db.sequelize, models, tokens });
  const maintenance = createMaintenanceService({ sequelize: db.sequelize, encryptor, currentKeyId: config.encryption.currentKeyId });
  // Profiles, addresses, points, referrals, offers, vouchers, push, FAQ. The voucher catalog is loaded and
  // validated here, so an invalid VOUCHER_FILE makes createServices (and the boot) fail with a clear message.
  const addresses = createAddressService({ sequelize: db.sequelize, models, maxPerUser: config.wallet.addressMaxPerUser });
  const points = createPointMutationService({ sequelize: db.sequelize, models, pointValueIdr: config.wallet.pointValueIdr });
  const fingerprinter = createFingerprinter(config.fingerprint.key);
  const bankAccounts = createBankAccountService({ sequelize: db.sequelize, models, encryptor, fingerprinter });
  const referrals = createReferralService({
    sequelize: db.sequelize,
    models,
    bonusPoints: config.wallet.referralBonusPoints,
    logger,
    payoutHoldDays: config.referral.payoutHoldDays,
    fingerprinter,
    bankAccountFingerprints: (username, transaction) => bankAccounts.fingerprintsOf(username, transaction),
  });
  const marketingOffers = createMarketingOfferService({ sequelize: db.sequelize, models });
  const vouchers = createVoucherService({ sequelize: db.sequelize, models, voucherFile: config.voucherFile });
  const faqs = createFaqService({ sequelize: db.sequelize, models });
  // Wallet, Xendit invoices and callbacks, payouts, and the sync job (the seed's expireStatusUpdater).
  const wallet = createWalletService({ sequelize: db.sequelize, models, config: config.xendit });
  const anomalies = createPaymentAnomalyService({ sequelize: db.sequelize, logger });
  const payments = createPaymentService({
    sequelize: db.sequelize,
    models,
    config: config.xendit,
    xendit: clients.xendit,
    wallet,
    logger,
    realtime: clients.realtime,
    fcm,
    gatewayLog: clients.gatewayLog,
    checkoutBudget: createCheckoutBudgetService({ redis, budgets: config.budgets }),
    invoiceListXenditReads: config.budgets.invoiceListXenditReads,
    referrals,
    anomalies,
    metrics,
  });
  // QR codes; the invoice QR answers exactly what GET /invoice/detail answers (same lookup, same 404).
  const qrCodes = createQrCodeService({ referral: config.referral, models, invoices: payments });
  const payouts = createPayoutService({
    sequelize: db.sequelize,
    models,
    config: config.xendit,
    xendit: clients.xendit,
    wallet,
    bankAccounts,
    logger,
    gatewayLog: clients.gatewayLog,
    fcm,
    anomalies,
    metrics,
  });
  /** One tick of the sync job: pending invoices, then pending payouts. Run under the Redis lock by the scheduler. */
  const runXenditSync: SyncJob = async () => {
    const invoices = await payments.expireStatusUpdater();
    const payoutSummary = await payouts.syncPendingPayouts();
    // Referral bonuses whose payout hold has passed (after the invoices, so a just-paid top-up counts).
    await bankAccounts.fillMissingFingerprints();
    const referralSummary = await referrals.completeDueReferrals();
    return {
      checked: invoices.checked + payoutSummary.checked + referralSummary.checked,
      updated: invoices.updated + payoutSummary.updated + referralSummary.completed + referralSummary.rejected,
      failed: invoices.failed + payoutSummary.failed + referralSummary.failed,
    };
  };
  /** POST /sys/scheduler/xendit-sync: the same job under the same lock; null when another runner holds it. */
  const syncLock = createSyncLockService({ redis, logger, leaseMs: config.xendit.syncLockSeconds * 1000 });
  const runXenditSyncNow = () => syncLock.runExclusively(runXenditSync);

  return { profileCache, activity, deviceSessions, hashing, tokens, apiKeys, health, idempotency, encryptor, runXenditSync, logger, limits, registration, passwords, sessions, auth, qrCodes, agents, maintenance, userInfo, addresses, points, referrals, marketingOffers, vouchers, fcm, faqs, wallet, payments, bankAccounts, payouts, runXenditSyncNow, emailVerification, anomalies, syncLock, accountDeletion, dataExport, erasureLock, runAccountErasure, runAccountErasureNow, metrics, phoneChange };
}
