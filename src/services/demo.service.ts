import { randomBytes } from 'node:crypto';
import type { Sequelize } from 'sequelize';
import type { Models } from '../models/index.js';
import type { HashingCenter } from '../utilities/hashing-center.js';
import { generateDateCodedId } from '../utilities/general.js';
import type { MarketingOfferService } from './marketing-offer.service.js';
import type { ReferralService } from './referral.service.js';
import type { VoucherService } from './voucher.service.js';
import type { WalletService } from './wallet.service.js';

/** The demo accounts: alice refers bob, bob has a paid top-up and a redeemed voucher, carol is an agent. */
const DEMO_USERS = [
  { username: 'demo_alice', fullName: 'Alice Demo', phone: '6289900000001', referralCode: 'DEMOALICE', agent: false },
  { username: 'demo_bob', fullName: 'Bob Demo', phone: '6289900000002', referralCode: 'DEMOBOB', agent: false },
  { username: 'demo_carol', fullName: 'Carol Demo (agent)', phone: '6289900000003', referralCode: 'DEMOCAROL', agent: true },
] as const;
const TOP_UP_AMOUNT = '150000.00';

export interface DemoSeedResult {
  /** false when demo users already existed: nothing was changed. */
  created: boolean;
  users: Array<{ username: string; email: string; password: string; agent: boolean }>;
  existing: string[];
  offers: string[];
  topUp?: { username: string; transactionId: string; amount: string };
  referral?: { referrer: string; referred: string; completed: boolean };
  voucher?: { username: string; code: string };
  vouchersAvailable: string[];
}

export type DemoService = ReturnType<typeof createDemoService>;

/** A password the policy accepts, random each run (printed once by the CLI). */
function demoPassword(): string {
  return `Demo-${randomBytes(9).toString('base64url')}-1`;
}

/**
 * Demo data for a development database, so a newcomer can sign in and click through /docs: three users (passwords
 * printed), offers, a paid top-up through the ledger, a referral and a voucher redemption. Refuses to touch a
 * database that already has the demo users.
 */
export function createDemoService(deps: {
  sequelize: Sequelize;
  models: Models;
  hashing: HashingCenter;
  wallet: WalletService;
  referrals: ReferralService;
  marketingOffers: MarketingOfferService;
  vouchers: VoucherService;
}) {
  const { sequelize, models, hashing, wallet } = deps;

  return {
    async seed(): Promise<DemoSeedResult> {
      const vouchersAvailable = [...deps.vouchers.catalog.keys()];
      const existing = (await models.UserLogin.findAll({ where: { username: DEMO_USERS.map((u) => u.username) }, attributes: ['username'], raw: true })).map(
        (row) => row.username,
      );
      if (existing.length > 0) return { created: false, users: [], existing, offers: [], vouchersAvailable };

      const users = await Promise.all(
        DEMO_USERS.map(async (u) => {
          const password = demoPassword();
          return { ...u, email: `${u.username.replace('_', '.')}@demo.userstate.test`, password, pwd: await hashing.hashPassword(password) };
        }),
      );
      const [alice, bob] = users as [(typeof users)[number], (typeof users)[number], (typeof users)[number]];
      const transactionId = generateDateCodedId('TRX');

      await sequelize.transaction(async (transaction) => {
        for (const u of users) {
          await models.UserLogin.create({ username: u.username, pwd: u.pwd }, { transaction });
          await models.UserInfo.create(
            { username: u.username, full_name: u.fullName, email: u.email, email_verified: true, phone_number: u.phone, agent: u.agent, referral_code: u.referralCode },
            { transaction },
          );
          await models.UserBalance.create({ username: u.username }, { transaction });
        }
        await models.ReferralHistory.create(
          { username: bob.username, submitted_by: alice.username, referral_code: alice.referralCode, status: 'pending' },
          { transaction },
        );
        // A top-up paid at Xendit, as the callback would have left it: a PAID ledger row and the balance it adds.
        await wallet.credit(transaction, {
          id: transactionId,
          username: bob.username,
          type: 'TOPUP',
          amount: TOP_UP_AMOUNT,
          status: 'PAID',
          payment_method: 'DEMO',
          // Where Xendit's invoice id sits; a demo id (there is no invoice at Xendit) so the invoice lists show it.
          reference_id: `demo-${randomBytes(12).toString('hex')}`,
          description: 'Demo top-up (paid)',
        });
        await models.UserTransaction.update({ paid_at: new Date() }, { where: { id: transactionId }, transaction });
      });

      const offers = [
        await deps.marketingOffers.create({ title: 'Demo: double points weekend', description: 'Every top-up earns double points this weekend.' }),
        await deps.marketingOffers.create({ title: 'Demo: a personal offer for Bob', description: 'Only demo_bob sees this one.', username: bob.username }),
      ].map((offer) => offer.title);
      // The qualifying top-up starts the referral's payout hold (or completes it at once when there is none).
      const referral = await deps.referrals.completeReferral(bob.username, { transactionId });
      const now = new Date();
      const redeemable = [...deps.vouchers.catalog.values()].find((v) => v.valid_from <= now && v.valid_until >= now && v.quota > 0);
      if (redeemable) await deps.vouchers.redeem(bob.username, redeemable.code, now);

      return {
        created: true,
        users: users.map((u) => ({ username: u.username, email: u.email, password: u.password, agent: u.agent })),
        existing: [],
        offers,
        topUp: { username: bob.username, transactionId, amount: TOP_UP_AMOUNT },
        referral: { referrer: alice.username, referred: bob.username, completed: referral.completed },
        ...(redeemable ? { voucher: { username: bob.username, code: redeemable.code } } : {}),
        vouchersAvailable,
      };
    },
  };
}
