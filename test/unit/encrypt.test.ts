import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, PROJECT_ROOT } from '../../config/index.js';
import { createEncryptor, DecryptionError } from '../../src/utilities/encrypt.js';

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const b64 = (key: Buffer) => key.toString('base64');

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.fail('expected a ConfigError');
}

describe('encryption at rest (AES-256-GCM with key ids)', () => {
  const underA = createEncryptor({ keys: [{ id: 'A', key: keyA }], currentKeyId: 'A' });
  const rotated = createEncryptor({
    keys: [
      { id: 'B', key: keyB },
      { id: 'A', key: keyA },
    ],
    currentKeyId: 'B',
  });

  it('when a value is encrypted, then it decrypts to the same text and the ciphertext does not contain it', () => {
    const ciphertext = underA.encrypt('1234567890');
    assert.match(ciphertext, /^v1\.A\.[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.ok(!ciphertext.includes('1234567890'));
    assert.equal(underA.decrypt(ciphertext), '1234567890');
    assert.equal(underA.decrypt(underA.encrypt('')), '', 'empty text round-trips');
    assert.equal(underA.decrypt(underA.encrypt('Rekening ñ 🏦')), 'Rekening ñ 🏦', 'UTF-8 round-trips');
  });

  it('when the same value is encrypted twice, then the ciphertexts differ (random IV)', () => {
    assert.notEqual(underA.encrypt('1234567890'), underA.encrypt('1234567890'));
  });

  it('when any part of a ciphertext is tampered with, then decryption fails with DecryptionError', () => {
    const ciphertext = underA.encrypt('1234567890');
    const parts = ciphertext.split('.');
    for (const index of [2, 3, 4]) {
      const changed = [...parts];
      const part = changed[index]!;
      changed[index] = (part[0] === 'A' ? 'B' : 'A') + part.slice(1);
      assert.throws(() => underA.decrypt(changed.join('.')), DecryptionError, `part ${index}`);
    }
    assert.throws(() => underA.decrypt('1234567890'), DecryptionError, 'plaintext is not a ciphertext');
    assert.throws(() => underA.decrypt('v2.A.x.y.z'), DecryptionError, 'unknown version');
  });

  it('when a ciphertext names a key this encryptor does not hold, then decryption fails', () => {
    const onlyB = createEncryptor({ keys: [{ id: 'B', key: keyB }], currentKeyId: 'B' });
    assert.throws(() => onlyB.decrypt(underA.encrypt('1234567890')), /unknown key "A"/);
  });

  it('when the key id is swapped to another configured key, then authentication fails', () => {
    const forged = underA.encrypt('1234567890').replace(/^v1\.A\./, 'v1.B.');
    assert.throws(() => rotated.decrypt(forged), DecryptionError);
  });

  it('when keys are rotated, then old ciphertexts still decrypt and new ones use the current key', () => {
    const old = underA.encrypt('9876543210');
    assert.equal(rotated.decrypt(old), '9876543210');
    assert.equal(rotated.needsReencrypt(old), true);
    const fresh = rotated.encrypt('9876543210');
    assert.match(fresh, /^v1\.B\./);
    assert.equal(rotated.needsReencrypt(fresh), false);
    assert.equal(rotated.decrypt(fresh), '9876543210');
  });

  it('when the current key id is not among the keys, then no encryptor is built', () => {
    assert.throws(() => createEncryptor({ keys: [{ id: 'A', key: keyA }], currentKeyId: 'B' }), /"B" is not configured/);
  });
});

describe('encryption keys in the configuration', () => {
  it('when ENCRYPTION_KEYS lists keys, then the config carries them and ENCRYPTION_CURRENT_KEY picks the current one', () => {
    const config = loadConfig({ ENCRYPTION_KEYS: `B:${b64(keyB)},A:${b64(keyA)}`, ENCRYPTION_CURRENT_KEY: 'A' });
    assert.deepEqual(
      config.encryption.keys.map((k) => k.id),
      ['B', 'A'],
    );
    assert.equal(config.encryption.currentKeyId, 'A');
    assert.ok(config.encryption.keys[1]!.key.equals(keyA));
    assert.equal(loadConfig({ ENCRYPTION_KEYS: `B:${b64(keyB)},A:${b64(keyA)}` }).encryption.currentKeyId, 'B', 'default: the first key');
  });

  it('when a key is not 32 bytes of base64, then a ConfigError names ENCRYPTION_KEYS and never prints the key', () => {
    const short = b64(randomBytes(16));
    const error = configError({ ENCRYPTION_KEYS: `A:${short}` });
    assert.ok(
      error.problems.some((p) => p.startsWith('ENCRYPTION_KEYS:')),
      error.message,
    );
    assert.ok(!error.message.includes(short), 'key material is not echoed');
    // 44 base64 characters without padding decode to 33 bytes: the pattern passes, the length check does not.
    const long = 'Q'.repeat(44);
    assert.match(configError({ ENCRYPTION_KEYS: `A:${long}` }).message, /ENCRYPTION_KEYS: key "A" must be 32 bytes/);
    assert.match(configError({ ENCRYPTION_KEYS: 'no-colon-here' }).message, /ENCRYPTION_KEYS/);
  });

  it('when ENCRYPTION_CURRENT_KEY is not one of the keys, then a ConfigError names it', () => {
    const error = configError({ ENCRYPTION_KEYS: `A:${b64(keyA)}`, ENCRYPTION_CURRENT_KEY: 'Z' });
    assert.deepEqual(error.problems, ['ENCRYPTION_CURRENT_KEY: "Z" is not one of ENCRYPTION_KEYS']);
    assert.match(configError({ ENCRYPTION_CURRENT_KEY: 'Z' }).message, /ENCRYPTION_CURRENT_KEY: "Z" is set but ENCRYPTION_KEYS is empty/);
  });

  it('when a key id is listed twice, then a ConfigError names ENCRYPTION_KEYS', () => {
    assert.match(configError({ ENCRYPTION_KEYS: `A:${b64(keyA)},A:${b64(keyB)}` }).message, /ENCRYPTION_KEYS: key id "A" is listed twice/);
  });

  it('when NODE_ENV is production and no keys are set, then the config is refused', () => {
    const production = { NODE_ENV: 'production', SECRET_AUTH_CONFIG: 'x'.repeat(40), EMAIL_HOST: 'smtp.example', XENDIT_SECRET_KEY: 'k'.repeat(30), XENDIT_CALLBACK_TOKEN: 't'.repeat(30) };
    assert.deepEqual(configError(production).problems, ['ENCRYPTION_KEYS: must be set in production (keyId:base64 of 32 random bytes)']);
    assert.equal(loadConfig({ ...production, ENCRYPTION_KEYS: `k1:${b64(keyA)}` }).encryption.currentKeyId, 'k1');
  });

  it('when nothing is set outside production, then a development key derived from the secret is used', () => {
    const one = loadConfig({ SECRET_AUTH_CONFIG: 'a'.repeat(40) });
    const again = loadConfig({ SECRET_AUTH_CONFIG: 'a'.repeat(40) });
    const other = loadConfig({ SECRET_AUTH_CONFIG: 'b'.repeat(40) });
    assert.equal(one.encryption.currentKeyId, 'dev');
    assert.ok(one.encryption.keys[0]!.key.equals(again.encryption.keys[0]!.key), 'stable across restarts');
    assert.ok(!one.encryption.keys[0]!.key.equals(other.encryption.keys[0]!.key), 'depends on the secret');
  });

  it('when the server is started with a malformed key, then it exits 1 with the config message naming the variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', ENCRYPTION_KEYS: `A:${b64(keyA)}`, ENCRYPTION_CURRENT_KEY: 'B' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /Invalid configuration \(1 problem\)/);
    assert.match(result.stderr, /ENCRYPTION_CURRENT_KEY: "B" is not one of ENCRYPTION_KEYS/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });
});
