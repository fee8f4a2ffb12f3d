import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';
import type { SecurityActivityService } from '../services/security-activity.service.js';
import { clientOf, userOf } from './request-context.js';

/**
 * The route guard for money leaving the account (POST /payout, adding a bank account): refused with 423 and
 * Retry-After during the cooling-off after a password reset, an email or a phone change.
 */
export function createMoneyGuards(activity: SecurityActivityService) {
  const coolingOff: RequestHandler = (req, res, next) => {
    const { username } = userOf(res);
    activity.coolingOffOf(username).then(async (pause) => {
      if (!pause) return next();
      const seconds = Math.max(1, Math.ceil((pause.until.getTime() - Date.now()) / 1000));
      await activity.record(username, 'money_cooling_off', clientOf(req), { route: `${req.method} ${req.path}`, because: pause.because, until: pause.until.toISOString() });
      const what = { password_reset: 'a password reset', email_changed: 'an email change', phone_changed: 'a phone change' }[pause.because as 'password_reset'] ?? 'a security change';
      next(
        new AppError('MONEY_COOLING_OFF', `Payouts and new bank accounts are paused until ${pause.until.toISOString()} after ${what} on this account`, {
          headers: { 'Retry-After': String(seconds) },
          fields: { paused_until: pause.until.toISOString() },
        }),
      );
    }, next);
  };

  return { coolingOff };
}

export type MoneyGuards = ReturnType<typeof createMoneyGuards>;
