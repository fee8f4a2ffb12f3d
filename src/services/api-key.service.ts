import { createHmac, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Config } from '../../config/index.js';
import { AppError, ServiceUnavailableError } from '../errors/app-error.js';
import type { Models } from '../models/index.js';
import type { HashingCenter } from '../utilities/hashing-center.js';
import type { RateLimitService } from './rate-limit.service.js';

export type ApiKeyService = ReturnType<typeof createApiKeyService>;

/**
 * API keys of internal services (Basic auth on /sys routes). Keys are stored as bcrypt hashes, as in the seed.
 * A verified key is remembered in Redis for a short while (keyed by an HMAC of the key, never the key), so a busy
 * caller does not pay a bcrypt compare per request; revoking deletes the memory at once on every instance.
 *
 * A check that has to hash first reserves a failed attempt for the caller's address (BASIC_MAX_FAILURES_PER_IP,
 * given back when the key is right), and an unknown holder is compared against a dummy hash, so bad credentials
 * are limited per address before any hashing and an unknown holder takes as long as a wrong key.
 */
export function createApiKeyService(deps: { auth: Config['auth']; redis: Redis; models: Models; hashing: HashingCenter; limits: RateLimitService }) {
  const { auth, redis, models, hashing, limits } = deps;
  const memoryKey = (holder: string) => `apikey:ok:${holder}`;
  const fingerprint = (key: string) => createHmac('sha256', auth.secret).update(key).digest('hex');

  /**
   * Concurrent misses for the same holder and key share one check: when the memory is empty (first call, or after
   * API_KEY_CACHE_SECONDS), a busy caller's 50 parallel requests would otherwise queue 50 bcrypt compares behind
   * HASH_CONCURRENCY (seconds of latency, measured by the bench) to learn the same answer.
   */
  const inFlight = new Map<string, Promise<boolean>>();

  async function verifyAgainstStore(holder: string, key: string, print: string): Promise<boolean> {
    const row = await models.ApiKey.findByPk(holder, { raw: true });
    if (!(await hashing.verifyApiKey(key, row?.key ?? null))) return false;
    if (auth.apiKeyCacheSeconds > 0) {
      await redis.multi().hset(memoryKey(holder), print, '1').expire(memoryKey(holder), auth.apiKeyCacheSeconds).exec();
      // A revoke that ran while we compared must win: forget again if the holder is gone now.
      if (!(await models.ApiKey.findByPk(holder, { attributes: ['holder'], raw: true }))) {
        await redis.del(memoryKey(holder));
        return false;
      }
    }
    return true;
  }

  return {
    async verify(holder: string, key: string, ip: string): Promise<boolean> {
      if (!holder || !key || holder.length > 64 || key.length > 256) return false;
      const print = fingerprint(key);
      try {
        if (auth.apiKeyCacheSeconds > 0 && (await redis.hget(memoryKey(holder), print)) === '1') return true;
      } catch {
        throw new ServiceUnavailableError('Session store is unavailable, please retry shortly', 5);
      }
      const flightKey = `${holder}\n${print}`;
      let check = inFlight.get(flightKey);
      if (check) return check;
      // The flight exists before the first await, so parallel requests with one key share one reservation.
      check = (async () => {
        const attempt = await limits.reserveBasicAttempt(ip);
        let ok: boolean;
        try {
          ok = await verifyAgainstStore(holder, key, print);
        } catch (error) {
          await attempt.giveBack();
          throw error;
        }
        if (ok) await attempt.giveBack();
        return ok;
      })().finally(() => inFlight.delete(flightKey));
      inFlight.set(flightKey, check);
      return check;
    },

    /** Creates a key for `holder` and returns it; only its hash is stored. */
    async create(holder: string, description: string | null): Promise<string> {
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(holder)) throw new AppError('API_KEY_HOLDER_INVALID');
      if (await models.ApiKey.findByPk(holder)) throw new AppError('API_KEY_EXISTS', `holder "${holder}" already has a key; revoke it first`);
      const key = randomBytes(32).toString('base64url');
      await models.ApiKey.create({ holder, key: await hashing.hashApiKey(key), description });
      return key;
    },

    async list(): Promise<Array<{ holder: string; description: string | null; created_at: Date }>> {
      return models.ApiKey.findAll({ attributes: ['holder', 'description', 'created_at'], order: [['holder', 'ASC']], raw: true });
    },

    async revoke(holder: string): Promise<void> {
      const deleted = await models.ApiKey.destroy({ where: { holder } });
      await redis.del(memoryKey(holder));
      if (!deleted) throw new AppError('API_KEY_NOT_FOUND', `no API key for holder "${holder}"`);
    },
  };
}
