import { createHealthController } from '../controllers/health.controller.js';
import type { Services } from '../services/index.js';
import { healthRoutes } from './health.route.js';
import { createQrCodeController } from '../controllers/qrcode.controller.js';
import { qrCodeRoutes } from './qrcode.route.js';
import { createSysUserController } from '../controllers/sys-user.controller.js';
import { sysUserRoutes } from './sys-user.route.js';
import { createAuthController } from '../controllers/auth.controller.js';
import { authRoutes } from './auth.route.js';
import { createUserInfoController } from '../controllers/user-info.controller.js';
import { createAddressController } from '../controllers/address.controller.js';
import { createPointMutationController } from '../controllers/point-mutation.controller.js';
import { createReferralController } from '../controllers/referral.controller.js';
import { createMarketingOfferController } from '../controllers/marketing-offer.controller.js';
import { createVoucherController } from '../controllers/voucher.controller.js';
import { createFcmController } from '../controllers/fcm.controller.js';
import { createFaqController } from '../controllers/faq.controller.js';
import { createProfileImageUpload } from '../middleware/upload.js';
import { userInfoRoutes } from './user-info.route.js';
import { addressRoutes } from './address.route.js';
import { pointMutationRoutes } from './point-mutation.route.js';
import { referralRoutes } from './referral.route.js';
import { marketingOfferRoutes } from './marketing-offer.route.js';
import { voucherRoutes } from './voucher.route.js';
import { fcmRoutes } from './fcm.route.js';
import { faqRoutes } from './faq.route.js';
import { createPaymentController } from '../controllers/payment.controller.js';
import { createPayoutController } from '../controllers/payout.controller.js';
import { paymentRoutes } from './payment.route.js';
import { payoutRoutes } from './payout.route.js';
import type { RouteDeclaration } from './route.js';
import { createMoneyGuards } from '../middleware/money-guard.js';
import { createDeviceSessionController } from '../controllers/device-session.controller.js';
import { deviceSessionRoutes } from './device-session.route.js';
import { createEmailVerificationController } from '../controllers/email-verification.controller.js';
import { emailVerificationRoutes } from './email-verification.route.js';
import { createAccountController } from '../controllers/account.controller.js';
import { accountRoutes } from './account.route.js';
import { createMetricsController } from '../controllers/metrics.controller.js';
import { metricsRoutes } from './metrics.route.js';
import { createPhoneChangeController } from '../controllers/phone-change.controller.js';
import { phoneChangeRoutes } from './phone-change.route.js';
import { docsRoutes } from './docs.route.js';

/** Every route of the API, feature by feature. A route that is not listed here does not exist. */
export function buildRoutes(services: Services): RouteDeclaration[] {
  return [
    ...healthRoutes(createHealthController(services.health)),
    ...userInfoRoutes(createUserInfoController(services.userInfo), createProfileImageUpload(services.userInfo.uploadConfig)),
    ...addressRoutes(createAddressController(services.addresses)),
    ...pointMutationRoutes(createPointMutationController(services.points)),
    ...referralRoutes(createReferralController(services.referrals)),
    ...marketingOfferRoutes(createMarketingOfferController(services.marketingOffers)),
    ...voucherRoutes(createVoucherController(services.vouchers)),
    ...fcmRoutes(createFcmController(services.fcm)),
    ...faqRoutes(createFaqController(services.faqs)),
    ...authRoutes(createAuthController({ auth: services.auth, registration: services.registration, passwords: services.passwords, sessions: services.sessions })),
    ...qrCodeRoutes(createQrCodeController(services.qrCodes)),
    ...sysUserRoutes(createSysUserController(services.agents)),
    ...paymentRoutes(
      createPaymentController({
        payments: services.payments,
        wallet: services.wallet,
        runSyncNow: services.runXenditSyncNow,
      }),
    ),
    ...payoutRoutes(
      createPayoutController({ payouts: services.payouts, bankAccounts: services.bankAccounts, activity: services.activity }),
      createMoneyGuards(services.activity),
    ),
    ...emailVerificationRoutes(createEmailVerificationController(services.emailVerification)),
    ...deviceSessionRoutes(createDeviceSessionController(services.deviceSessions, services.activity)),
    ...accountRoutes(createAccountController({ accountDeletion: services.accountDeletion, dataExport: services.dataExport })),
    ...metricsRoutes(createMetricsController(services.metrics)),
    ...phoneChangeRoutes(createPhoneChangeController(services.phoneChange)),
    ...docsRoutes(),
  ];
}
