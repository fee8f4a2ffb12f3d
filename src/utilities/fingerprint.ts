import { createHmac } from 'node:crypto';

/**
 * Keyed fingerprints (HMAC-SHA256, FINGERPRINT_KEY) of identifiers that must be compared but not read back: two
 * bank accounts or two phone numbers are "the same" when their fingerprints are equal, without decrypting either.
 * Values are normalised first, so formatting differences do not make two equal numbers look different.
 */
export type FingerprintKind = 'phone' | 'bank_account';

export interface Fingerprinter {
  fingerprint(kind: FingerprintKind, value: string): string;
}

/** Digits only; an Indonesian phone's 0… and +62… forms become 62…. */
export function normalizeIdentifier(kind: FingerprintKind, value: string): string {
  const digits = value.replace(/\D/g, '');
  if (kind === 'phone' && digits.startsWith('0')) return `62${digits.slice(1)}`;
  return digits;
}

export function createFingerprinter(key: Buffer): Fingerprinter {
  return {
    fingerprint(kind, value) {
      return createHmac('sha256', key).update(`${kind}:${normalizeIdentifier(kind, value)}`).digest('hex');
    },
  };
}

/**
 * The fingerprint an erased account leaves of its username (lower-cased), so the name is never given to anybody
 * else while the name itself is not kept.
 */
export function fingerprintUsername(key: Buffer, username: string): string {
  return createHmac('sha256', key).update(`username:${username.trim().toLowerCase()}`).digest('hex');
}
