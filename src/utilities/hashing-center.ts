import argon2 from 'argon2';
import bcrypt from 'bcrypt';
import pLimit from 'p-limit';
import type { Config } from '../../config/index.js';

export interface HashingCenter {
  hashPassword(plain: string): Promise<string>;
  verifyPassword(plain: string, hash: string): Promise<boolean>;
  /**
   * Login's compare: against `hash`, or (no account) a dummy hash at the configured cost; a wrong password then
   * lasts as long as a bcrypt compare at `equalCost` would, by waiting (not hashing) for the difference.
   */
  verifyEvenly(plain: string, hash: string | null, equalCost: number): Promise<boolean>;
  /** True when the stored hash was made with another algorithm or cost than the configured one. */
  needsRehash(hash: string): boolean;
  /** bcrypt for API keys, as in the seed. */
  hashApiKey(plain: string): Promise<string>;
  /** Compares in the API-key lane; a null hash (unknown holder) compares against a dummy key hash, for equal time. */
  verifyApiKey(plain: string, hash: string | null): Promise<boolean>;
}

/** bcrypt only reads the first 72 bytes of a password; longer ones are refused by the password policy. */
export const BCRYPT_MAX_BYTES = 72;

const BCRYPT_PREFIX = /^\$2[aby]\$(\d{2})\$/;

/** The cost of a bcrypt hash, or null for any other format. */
export function bcryptCostOf(hash: string): number | null {
  const cost = BCRYPT_PREFIX.exec(hash)?.[1];
  return cost === undefined ? null : Number(cost);
}

/** The longest a failed login waits to look like a costlier compare. */
const MAX_EVENING_WAIT_MS = 5000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Event-loop utilisation above which hashing gives up half its slots (see createYieldingLimit). */
const BUSY_LOOP_UTILISATION = 0.5;
const UTILISATION_WINDOW_MS = 100;

/**
 * At most `max` tasks at once, and only half of that (at least one) while the event loop is busy serving requests.
 * A hash keeps a core busy for tens of milliseconds; on a 2-core machine two of them leave the event loop fighting
 * for CPU, and the bench measured GET /verify's p99 at ~70 ms during a login flood with 2 slots versus ~45 ms with 1,
 * while logins alone need both cores to reach the raw bcrypt rate. Utilisation is sampled over the last ~100 ms.
 */
export function createYieldingLimit(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  const limit = pLimit(max);
  const busyMax = Math.max(1, Math.floor(max / 2));
  let sample = performance.eventLoopUtilization();
  let sampledAt = performance.now();

  // p-limit starts queued tasks itself when the concurrency is raised again.
  const adjust = () => {
    const now = performance.now();
    if (now - sampledAt < UTILISATION_WINDOW_MS) return;
    const current = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(current, sample).utilization > BUSY_LOOP_UTILISATION;
    sample = current;
    sampledAt = now;
    const wanted = busy ? busyMax : max;
    if (limit.concurrency !== wanted) limit.concurrency = wanted;
  };
  return (task) => {
    adjust();
    return limit(async () => {
      try {
        return await task();
      } finally {
        adjust();
      }
    });
  };
}

/**
 * Centralised hashing. Hashes run on libuv's thread pool and saturate the CPU, so at most `hashConcurrency`
 * run at once (half of that while the event loop is busy): a login flood queues here instead of starving every
 * other request.
 *
 * API-key compares (Basic auth, known holder or not) run in a lane of their own with half the slots (at least
 * one): a flood of bad Basic credentials, even from many addresses, queues behind itself and never takes the
 * slots logins hash in.
 */
export function createHashingCenter(auth: Config['auth']): HashingCenter {
  const limit = createYieldingLimit(auth.hashConcurrency);
  const apiKeyLimit = createYieldingLimit(Math.max(1, Math.floor(auth.hashConcurrency / 2)));
  const argonOptions = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

  const compare = async (plain: string, hash: string) => {
    if (hash.startsWith('$argon2')) return argon2.verify(hash, plain);
    if (BCRYPT_PREFIX.test(hash)) return bcrypt.compare(plain, hash);
    return false;
  };
  const hashPassword = (plain: string) =>
    limit(() => (auth.passwordHashAlgorithm === 'argon2id' ? argon2.hash(plain, argonOptions) : bcrypt.hash(plain, auth.bcryptCost)));

  let dummyPassword: Promise<string> | undefined;
  let dummyApiKey: Promise<string> | undefined;

  return {
    hashPassword,
    verifyPassword: (plain, hash) => limit(() => compare(plain, hash)),
    async verifyEvenly(plain, hash, equalCost) {
      const target = hash ?? (await (dummyPassword ??= hashPassword('dummy-password-for-constant-time')));
      // Timed inside the slot: the wait for a slot is load, not cost.
      const { ok, ms } = await limit(async () => {
        const start = performance.now();
        const matched = await compare(plain, target);
        return { ok: hash !== null && matched, ms: performance.now() - start };
      });
      const cost = bcryptCostOf(target);
      if (!ok && cost !== null && equalCost > cost) {
        // bcrypt's time doubles with each cost step.
        await sleep(Math.min(MAX_EVENING_WAIT_MS, ms * (2 ** (equalCost - cost) - 1)));
      }
      return ok;
    },
    needsRehash(hash) {
      if (auth.passwordHashAlgorithm === 'argon2id') {
        return !hash.startsWith('$argon2id$') || argon2.needsRehash(hash, argonOptions);
      }
      const cost = BCRYPT_PREFIX.exec(hash)?.[1];
      return cost === undefined || Number(cost) !== auth.bcryptCost;
    },
    hashApiKey: (plain) => apiKeyLimit(() => bcrypt.hash(plain, auth.bcryptCost)),
    async verifyApiKey(plain, hash) {
      const target = hash ?? (await (dummyApiKey ??= apiKeyLimit(() => bcrypt.hash('dummy-api-key-for-constant-time', auth.bcryptCost))));
      const matched = await apiKeyLimit(() => compare(plain, target));
      return hash !== null && matched;
    },
  };
}
