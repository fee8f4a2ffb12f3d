/**
 * How many invoices may be created per user per hour: every invoice is a Xendit call the merchant pays for.
 * The counters live in Redis (rate-limiter-flexible's RateLimiterRedis, one atomic consume per checkout), so a
 * parallel burst on any number of instances gets at most the budget through. A reservation is taken before Xendit is
 * called and given back only when no invoice can exist (our own failure before the call, or Xendit refusing it).
 * Redis down: checkout fails closed with 503 rather than creating invoices without a limit.
 */
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../../config/index.js';
import { AppError, ServiceUnavailableError } from '../errors/app-error.js';

export type CheckoutBudgetService = ReturnType<typeof createCheckoutBudgetService>;

/** Who is creating the invoice: the user's own top-up (JWT) or an internal service's order for the user (Basic). */
export type CheckoutKind = 'TOPUP' | 'CHECKOUT';

export interface CheckoutReservation {
  /** Gives the reservation back (idempotent). */
  release(): Promise<void>;
}

export function createCheckoutBudgetService(deps: { redis: Redis; budgets: Config['budgets'] }) {
  const hour = 3600;
  const limiters: Record<CheckoutKind, RateLimiterRedis> = {
    TOPUP: new RateLimiterRedis({ storeClient: deps.redis, keyPrefix: 'budget:checkout', points: deps.budgets.checkoutPerUserPerHour, duration: hour }),
    CHECKOUT: new RateLimiterRedis({
      storeClient: deps.redis,
      keyPrefix: 'budget:sys-checkout',
      points: deps.budgets.sysCheckoutPerUserPerHour,
      duration: hour,
    }),
  };

  return {
    /** Takes one invoice from the user's hourly budget, or throws 429 (with Retry-After) when it is used up. */
    async reserve(username: string, kind: CheckoutKind): Promise<CheckoutReservation> {
      const limiter = limiters[kind];
      try {
        await limiter.consume(username);
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          throw new AppError(
            'CHECKOUT_LIMIT_REACHED',
            kind === 'TOPUP'
              ? `Checkout limit reached: you can create at most ${limiter.points} invoices per hour; try again later`
              : `Checkout limit reached: this user can create at most ${limiter.points} invoices per hour; try again later`,
            { retryAfterSeconds: error.msBeforeNext / 1000 },
          );
        }
        throw new ServiceUnavailableError('Checkout limit store is unavailable, please retry shortly', 5);
      }
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await limiter.reward(username, 1).catch(() => undefined);
        },
      };
    },
  };
}
