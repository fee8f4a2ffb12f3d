import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Config } from '../../config/index.js';

/**
 * Authenticated encryption for data at rest (AES-256-GCM). A ciphertext reads `v1.<keyId>.<iv>.<tag>.<data>`
 * (base64url parts): the key id travels with it, so old ciphertexts still decrypt after a rotation while new
 * ones use the current key.
 */
export interface Encryptor {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
  /** True when the ciphertext was made with a key other than the current one (the re-encrypt CLI uses it). */
  needsReencrypt(ciphertext: string): boolean;
}

const VERSION = 'v1';

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

export function createEncryptor(encryption: Config['encryption']): Encryptor {
  const keys = new Map(encryption.keys.map((k) => [k.id, k.key]));
  const current = keys.get(encryption.currentKeyId);
  if (!current) throw new Error(`encryption key "${encryption.currentKeyId}" is not configured`);

  const parse = (ciphertext: string) => {
    const [version, keyId, iv, tag, data] = ciphertext.split('.');
    if (version !== VERSION || !keyId || !iv || !tag || data === undefined) throw new DecryptionError('not a ciphertext of this service');
    return { keyId, iv: Buffer.from(iv, 'base64url'), tag: Buffer.from(tag, 'base64url'), data: Buffer.from(data, 'base64url') };
  };

  return {
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, encryption.currentKeyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
    },
    decrypt(ciphertext) {
      const { keyId, iv, tag, data } = parse(ciphertext);
      const key = keys.get(keyId);
      if (!key) throw new DecryptionError(`ciphertext uses unknown key "${keyId}"`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
      } catch {
        throw new DecryptionError('ciphertext failed authentication');
      }
    },
    needsReencrypt(ciphertext) {
      return parse(ciphertext).keyId !== encryption.currentKeyId;
    },
  };
}
