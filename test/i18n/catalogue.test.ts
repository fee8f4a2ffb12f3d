import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { catalogueKeys, translateMessage, t } from '../../src/i18n/translate.js';
import { scanMessages, templateShape } from '../helpers/message-scan.js';

const SRC = path.resolve(import.meta.dirname, '../../src');

describe('the Bahasa Indonesia catalogue', () => {
  const found = scanMessages(SRC);
  const keys = catalogueKeys('id');
  const shapes = new Set(keys.map(templateShape));

  it('when the source is scanned, then it finds the messages of errors, field errors, success answers and mails', () => {
    const texts = new Set(found.map((f) => f.text));
    // One of each kind the scan must see, or it would pass by finding nothing.
    for (const text of ['Invalid Credential', 'Payout Not Found', 'Password must not be the same as the email', 'is required', 'Logged out', 'Route {} {} not found']) {
      assert.ok(texts.has(text), `the scan did not find "${text}"`);
    }
    assert.ok(found.some((f) => f.kind === 'key' && f.text === 'Hello {name},'));
    assert.ok(found.length > 150, `only ${found.length} messages found`);
  });

  it('when a message is written anywhere in src, then the catalogue has its Indonesian text', () => {
    const missing = found.filter((f) => !shapes.has(templateShape(f.text))).map((f) => `${f.where}: ${JSON.stringify(f.text)}`);
    assert.deepEqual([...new Set(missing)], [], 'messages without an Indonesian text (add them to src/i18n/messages.id.ts)');
  });

  it('when a key is a template, then its Indonesian text keeps the same placeholders', () => {
    for (const key of keys) {
      const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      assert.deepEqual(names(t('id', key)), names(key), `placeholders differ for "${key}"`);
    }
  });

  it('when an Indonesian text is written, then it uses the formal "Anda", never "kamu" or "kau"', () => {
    for (const key of keys) assert.doesNotMatch(t('id', key), /\b(kamu|kau|dikau|lu|lo|gue)\b/i, key);
  });

  it('when a finished message has variable parts, then its template translates it and keeps the values', () => {
    assert.equal(translateMessage('Route GET /nowhere not found', 'id'), 'Rute GET /nowhere tidak ditemukan');
    assert.equal(
      translateMessage(
        'The account cannot be deleted while the wallet holds money, points or a pending payout: first withdraw the balance of Rp 10.000 (POST /payout), then redeem the 5 points (POST /points/redeem)',
        'id',
      ),
      'Akun tidak dapat dihapus selama dompet masih berisi uang, poin, atau penarikan dana yang tertunda: terlebih dahulu tarik saldo sebesar Rp 10.000 (POST /payout), lalu tukarkan 5 poin (POST /points/redeem)',
    );
    assert.equal(translateMessage('Invalid Credential', 'en'), 'Invalid Credential');
    assert.equal(translateMessage('a message nobody wrote', 'id'), 'a message nobody wrote');
  });
});
