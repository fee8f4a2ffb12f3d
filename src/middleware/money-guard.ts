import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';
import type { SecurityActivityService, SecurityEventKind } from '../services/security-activity.service.js';
import { userOf } from './request-context.js';

/**
 * Route guards for money leaving the account (POST /payout, adding a bank account): refused with 423 and
 * Retry-After during the cooling-off after a password reset, an email or a phone change, and recorded in the
 * caller's security activity when they succeed.
 */
export function createMoneyGuards(activity: SecurityActivityService) {
  const clientOf = (req: Parameters<RequestHandler>[0]) => ({ ip: req.ip ?? null, device: req.get('user-agent') ?? null });

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

  /** Appends `kind` to the caller's activity once the answer is a success. */
  const recordsOnSuccess = (kind: SecurityEventKind): RequestHandler => (req, res, next) => {
    const { username } = userOf(res);
    res.on('finish', () => {
      // A replayed answer (Idempotency-Key) did nothing new.
      if (res.statusCode >= 200 && res.statusCode < 300 && !res.get('Idempotent-Replayed')) void activity.record(username, kind, clientOf(req));
    });
    next();
  };

  return { coolingOff, recordsOnSuccess };
}

export type MoneyGuards = ReturnType<typeof createMoneyGuards>;
