import argon2 from 'argon2';
import bcrypt from 'bcrypt';
import pLimit from 'p-limit';
import type { Config } from '../../config/index.js';

export interface HashingCenter {
  hashPassword(plain: string): Promise<string>;
  verifyPassword(plain: string, hash: string): Promise<boolean>;
  /** True when the stored hash was made with another algorithm or cost than the configured one. */
  needsRehash(hash: string): boolean;
  /** bcrypt for API keys, as in the seed. */
  hashApiKey(plain: string): Promise<string>;
  verifyApiKey(plain: string, hash: string): Promise<boolean>;
}

/** bcrypt only reads the first 72 bytes of a password; longer ones are refused by the password policy. */
export const BCRYPT_MAX_BYTES = 72;

const BCRYPT_PREFIX = /^\$2[aby]\$(\d{2})\$/;

/**
 * Centralised hashing. Hashes run on libuv's thread pool and saturate the CPU, so at most `hashConcurrency`
 * run at once: a login flood queues here instead of starving every other request.
 */
export function createHashingCenter(auth: Config['auth']): HashingCenter {
  const limit = pLimit(auth.hashConcurrency);
  const argonOptions = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

  const verifyPassword = (plain: string, hash: string) =>
    limit(async () => {
      if (hash.startsWith('$argon2')) return argon2.verify(hash, plain);
      if (BCRYPT_PREFIX.test(hash)) return bcrypt.compare(plain, hash);
      return false;
    });

  return {
    hashPassword: (plain) =>
      limit(() => (auth.passwordHashAlgorithm === 'argon2id' ? argon2.hash(plain, argonOptions) : bcrypt.hash(plain, auth.bcryptCost))),
    verifyPassword,
    needsRehash(hash) {
      if (auth.passwordHashAlgorithm === 'argon2id') {
        return !hash.startsWith('$argon2id$') || argon2.needsRehash(hash, argonOptions);
      }
      const cost = BCRYPT_PREFIX.exec(hash)?.[1];
      return cost === undefined || Number(cost) !== auth.bcryptCost;
    },
    hashApiKey: (plain) => limit(() => bcrypt.hash(plain, auth.bcryptCost)),
    verifyApiKey: (plain, hash) => verifyPassword(plain, hash),
  };
}
