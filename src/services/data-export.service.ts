import { QueryTypes, type InferAttributes, type Model, type Sequelize } from 'sequelize';
import { AppError } from '../errors/app-error.js';
import type { AddressList } from '../models/address-list.model.js';
import type { BankAccount } from '../models/bank-account.model.js';
import type { Fcm } from '../models/fcm.model.js';
import type { Models } from '../models/index.js';
import type { MarketingOffer } from '../models/marketing-offer.model.js';
import type { PointMutation } from '../models/point-mutation.model.js';
import type { ReferralHistory } from '../models/referral-history.model.js';
import type { UserInfo } from '../models/user-info.model.js';
import type { UserTransaction } from '../models/user-transaction.model.js';
import type { VoucherRedemption } from '../models/voucher-redemption.model.js';
import type { RateLimitService } from './rate-limit.service.js';

export type DataExportService = ReturnType<typeof createDataExportService>;

type Row<M extends Model> = InferAttributes<M>;
type LedgerRow = Pick<
  Row<UserTransaction>,
  | 'id'
  | 'type'
  | 'amount'
  | 'balance_delta'
  | 'status'
  | 'payment_method'
  | 'reference_id'
  | 'description'
  | 'currency'
  | 'invoice_url'
  | 'expiry_date'
  | 'paid_at'
  | 'destination_mask'
  | 'failure_code'
  | 'created_at'
  | 'updated_at'
>;

const INVOICE_TYPES = new Set(['TOPUP', 'ORDER']);

/**
 * GET /user/export: one JSON document of everything held about the caller (UU 27/2022 right of access). Each section
 * reads named columns, never `*`: password hashes, FCM tokens, full account numbers, idempotency replays, OTPs and
 * cancel tokens are not among them, so a column added later does not leak by itself. Limited per user per day.
 */
export function createDataExportService(deps: { sequelize: Sequelize; models: Models; limits: RateLimitService }) {
  const { sequelize, models, limits } = deps;

  return {
    async exportOf(username: string) {
      await limits.consumeExport(username);
      const login = await models.UserLogin.findByPk(username, { attributes: ['username', 'disabled', 'created_at'], raw: true });
      const info = (await models.UserInfo.findOne({
        where: { username },
        attributes: ['full_name', 'email', 'email_verified', 'phone_number', 'profile_img', 'referral_code', 'agent', 'locale', 'created_at', 'updated_at'],
        raw: true,
      })) as Pick<Row<UserInfo>, 'full_name' | 'email' | 'email_verified' | 'phone_number' | 'profile_img' | 'referral_code' | 'agent' | 'locale' | 'created_at' | 'updated_at'> | null;
      if (!login || !info) throw new AppError('USER_NOT_FOUND');
      const wallet = await models.UserBalance.findByPk(username, { attributes: ['balance', 'points'], raw: true });
      const byUser = { where: { username }, raw: true } as const;

      const addresses = (await models.AddressList.findAll({
        ...byUser,
        attributes: ['id', 'label', 'recipient_name', 'phone_number', 'address', 'is_default', 'created_at', 'updated_at'],
        order: [['id', 'ASC']],
      })) as Array<Omit<Row<AddressList>, 'username'>>;
      const ledger = (await models.UserTransaction.findAll({
        ...byUser,
        attributes: ['id', 'type', 'amount', 'balance_delta', 'status', 'payment_method', 'reference_id', 'description', 'currency', 'invoice_url', 'expiry_date', 'paid_at', 'destination_mask', 'failure_code', 'created_at', 'updated_at'],
        order: [['created_at', 'ASC'], ['id', 'ASC']],
      })) as LedgerRow[];
      const pointsHistory = (await models.PointMutation.findAll({
        ...byUser,
        attributes: ['id', 'type', 'amount', 'description', 'reference_id', 'created_at'],
        order: [['id', 'ASC']],
      })) as Array<Omit<Row<PointMutation>, 'username'>>;
      const referralColumns = ['referral_code', 'status', 'created_at', 'completed_at'] as const;
      const referredBy = (await models.ReferralHistory.findOne({
        where: { username },
        attributes: ['submitted_by', ...referralColumns],
        raw: true,
      })) as Pick<Row<ReferralHistory>, 'submitted_by' | (typeof referralColumns)[number]> | null;
      const referred = (await models.ReferralHistory.findAll({
        where: { submitted_by: username },
        attributes: ['username', ...referralColumns],
        order: [['id', 'ASC']],
        raw: true,
      })) as Array<Pick<Row<ReferralHistory>, 'username' | (typeof referralColumns)[number]>>;
      const vouchers = (await models.VoucherRedemption.findAll({
        ...byUser,
        attributes: ['id', 'voucher_code', 'redemption_no', 'discount_amount', 'redeemed_at'],
        order: [['id', 'ASC']],
      })) as Array<Omit<Row<VoucherRedemption>, 'username'>>;
      const banks = (await models.BankAccount.findAll({
        ...byUser,
        attributes: ['id', 'bank_code', 'account_number_last4', 'account_holder_name', 'created_at'],
        order: [['id', 'ASC']],
      })) as Array<Pick<Row<BankAccount>, 'id' | 'bank_code' | 'account_number_last4' | 'account_holder_name' | 'created_at'>>;
      const devices = (await models.Fcm.findAll({ ...byUser, attributes: ['id', 'device_type', 'created_at'], order: [['id', 'ASC']] })) as Array<
        Pick<Row<Fcm>, 'id' | 'device_type' | 'created_at'>
      >;
      const offers = (await models.MarketingOffer.findAll({
        ...byUser,
        attributes: ['id', 'title', 'description', 'image_url', 'valid_until', 'is_active', 'created_at'],
        order: [['id', 'ASC']],
      })) as Array<Omit<Row<MarketingOffer>, 'username'>>;
      const sessions = await models.UserSession.findAll({
        ...byUser,
        attributes: ['id', 'device', 'ip', 'created_at', 'last_seen_at', 'revoked_at'],
        order: [['created_at', 'DESC']],
      });
      const activity = await models.SecurityEvent.findAll({ ...byUser, attributes: ['kind', 'ip', 'device', 'details', 'created_at'], order: [['id', 'DESC']] });
      const deactivations = await models.DeactivateReason.findAll({ ...byUser, attributes: ['reason', 'created_at'], order: [['id', 'ASC']] });
      const [signedOut] = await sequelize.query<{ not_before_ms: string }>('SELECT not_before_ms FROM token_not_before WHERE username = :username', {
        replacements: { username },
        type: QueryTypes.SELECT,
      });
      const loggedOut = await sequelize.query<{ created_at: Date; expires_at: Date }>(
        // Entries for whole sessions (`sid:…`) are in `sessions`, with their end.
        "SELECT created_at, expires_at FROM token_denylist WHERE username = :username AND jti NOT LIKE 'sid:%' ORDER BY created_at ASC",
        { replacements: { username }, type: QueryTypes.SELECT },
      );

      return {
        generated_at: new Date().toISOString(),
        account: { username: login.username, disabled: login.disabled, created_at: login.created_at },
        profile: info,
        wallet: { balance: wallet?.balance ?? '0.00', points: wallet?.points ?? 0 },
        addresses,
        ledger,
        invoices: ledger.filter((row) => INVOICE_TYPES.has(row.type) && row.invoice_url !== null),
        payouts: ledger.filter((row) => row.type === 'PAYOUT'),
        points_history: pointsHistory,
        referrals: {
          referred_by: referredBy
            ? { referrer: referredBy.submitted_by, referral_code: referredBy.referral_code, status: referredBy.status, created_at: referredBy.created_at, completed_at: referredBy.completed_at }
            : null,
          referred,
        },
        voucher_redemptions: vouchers,
        bank_accounts: banks.map((b) => ({
          id: b.id,
          bank_code: b.bank_code,
          account_number_masked: `****${b.account_number_last4}`,
          account_holder_name: b.account_holder_name,
          created_at: b.created_at,
        })),
        fcm_devices: devices,
        marketing_offers: offers,
        sessions,
        security: {
          signed_out_everywhere_at: signedOut ? new Date(Number(signedOut.not_before_ms)).toISOString() : null,
          logged_out_sessions: loggedOut,
          deactivations: deactivations.map((d) => ({ reason: d.reason, created_at: d.created_at })),
          activity,
        },
      };
    },
  };
}
