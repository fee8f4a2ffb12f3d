import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  addDecimal,
  compareDecimal,
  formatRupiah,
  generateDateCodedId,
  generateRandomString,
  generateReferralCode,
  isValidAmount,
  maskAccountNumber,
  maskEmail,
  maskPhone,
  subtractDecimal,
  toDecimalString,
} from '../../src/utilities/general.js';

describe('formatRupiah', () => {
  it('groups thousands with dots and drops zero cents', () => {
    assert.equal(formatRupiah('100000.00'), 'Rp 100.000');
    assert.equal(formatRupiah('0.00'), 'Rp 0');
    assert.equal(formatRupiah(999), 'Rp 999');
    assert.equal(formatRupiah(1000n), 'Rp 1.000');
    assert.equal(formatRupiah('1234567890'), 'Rp 1.234.567.890');
  });

  it('shows two decimals after a comma when cents are non-zero', () => {
    assert.equal(formatRupiah('1234.50'), 'Rp 1.234,50');
    assert.equal(formatRupiah('1234.5'), 'Rp 1.234,50');
    assert.equal(formatRupiah('0.05'), 'Rp 0,05');
    assert.equal(formatRupiah(1234.5), 'Rp 1.234,50');
  });

  it('formats amounts beyond float precision exactly', () => {
    assert.equal(formatRupiah('9007199254740993.99'), 'Rp 9.007.199.254.740.993,99');
  });

  it('puts the minus sign before Rp', () => {
    assert.equal(formatRupiah('-5000.00'), '-Rp 5.000');
  });

  it('refuses input that would need rounding or is not a plain decimal', () => {
    assert.throws(() => formatRupiah('1.005'), RangeError);
    assert.throws(() => formatRupiah('1e3'), RangeError);
    assert.throws(() => formatRupiah('Rp 1.000'), RangeError);
    assert.throws(() => formatRupiah(Number.NaN), RangeError);
  });
});

describe('generateRandomString', () => {
  it('returns the requested length of letters and digits', () => {
    const value = generateRandomString(32);
    assert.match(value, /^[A-Za-z0-9]{32}$/);
  });

  it('returns digits only for OTPs, keeping leading zeros possible', () => {
    for (let i = 0; i < 50; i += 1) assert.match(generateRandomString(6, true), /^\d{6}$/);
  });

  it('returns an empty string for length 0 and refuses bad lengths', () => {
    assert.equal(generateRandomString(0), '');
    assert.throws(() => generateRandomString(-1), RangeError);
    assert.throws(() => generateRandomString(2.5), RangeError);
  });

  it('uses every digit over many draws', () => {
    const seen = new Set(generateRandomString(2000, true));
    assert.equal(seen.size, 10);
  });
});

describe('generateDateCodedId', () => {
  it('codes year, month, day and hour from the libraries tables in UTC', () => {
    const id = generateDateCodedId('TRX', new Date('2026-12-31T23:30:00Z'));
    assert.match(id, /^TRX-CLVCD-[A-Z0-9]{12}$/);
    assert.match(generateDateCodedId('PAY', new Date('2024-01-01T00:00:00Z')), /^PAY-AA1AA-[A-Z0-9]{12}$/);
    assert.match(generateDateCodedId('TRX', new Date('2059-06-15T00:00:00Z')), /^TRX-9FFAA-[A-Z0-9]{12}$/);
  });

  it('stays within 40 characters for the longest prefix', () => {
    assert.ok(generateDateCodedId('ABCDEFGHIJKLMNOP').length <= 40);
  });

  it('does not repeat over many ids on the same day', () => {
    const date = new Date('2026-05-05T00:00:00Z');
    const ids = new Set(Array.from({ length: 5000 }, () => generateDateCodedId('TRX', date)));
    assert.equal(ids.size, 5000);
  });

  it('refuses a bad prefix, an invalid date and a year outside the table', () => {
    assert.throws(() => generateDateCodedId('trx'), RangeError);
    assert.throws(() => generateDateCodedId('TRX-1'), RangeError);
    assert.throws(() => generateDateCodedId('TRX', new Date('nope')), RangeError);
    assert.throws(() => generateDateCodedId('TRX', new Date('2023-12-31T00:00:00Z')), /no year code for 2023/);
  });
});

describe('generateReferralCode', () => {
  it('starts with up to 4 letters/digits of the username, uppercased, then random unambiguous characters', () => {
    const code = generateReferralCode('john_doe');
    assert.match(code, /^JOHN[2-9A-HJKMNP-Z]{4}$/);
  });

  it('keeps 8 characters when the username is short or has no usable characters', () => {
    assert.match(generateReferralCode('a.b'), /^AB[2-9A-HJKMNP-Z]{6}$/);
    assert.match(generateReferralCode('__'), /^[2-9A-HJKMNP-Z]{8}$/);
  });
});

describe('masks', () => {
  it('shows only the last 4 characters of an account number behind 4 stars', () => {
    assert.equal(maskAccountNumber('1234567890'), '****7890');
    assert.equal(maskAccountNumber('1234-5678 9012'), '****9012');
    assert.equal(maskAccountNumber('123'), '****');
  });

  it('keeps the phone prefix and the last 2 digits', () => {
    assert.equal(maskPhone('081234567890'), '0812******90');
    assert.equal(maskPhone('+62 812-3456-7890'), '+6281*******90');
    assert.equal(maskPhone('12345'), '****');
  });

  it('keeps the first character of the local part and the domain', () => {
    assert.equal(maskEmail('john.doe@example.com'), 'j***@example.com');
    assert.equal(maskEmail('a@example.com'), '***@example.com');
    assert.equal(maskEmail('not-an-email'), 'n***');
  });
});

describe('decimal helpers', () => {
  it('accepts non-negative plain decimals within the allowed decimals', () => {
    for (const ok of ['0', '100000', '100000.5', '100000.50', 10000, 12.34]) assert.equal(isValidAmount(ok), true, String(ok));
    assert.equal(isValidAmount('1.2345', 4), true);
  });

  it('rejects negatives, exponents, junk, too many decimals and float noise', () => {
    for (const bad of ['-1', '1.234', '1e3', '', ' 1', '1.', '.5', '1,5', 0.1 + 0.2, Number.NaN, Infinity, 1e21]) {
      assert.equal(isValidAmount(bad), false, String(bad));
    }
  });

  it('normalises to two decimals without rounding', () => {
    assert.equal(toDecimalString(123), '123.00');
    assert.equal(toDecimalString('0123.5'), '123.50');
    assert.equal(toDecimalString('100000.0000'), '100000.00');
    assert.equal(toDecimalString('-0'), '0.00');
    assert.equal(toDecimalString('-1.5'), '-1.50');
    assert.throws(() => toDecimalString('1.001'), RangeError);
  });

  it('compares by value, not by text', () => {
    assert.equal(compareDecimal('10.00', '9.99'), 1);
    assert.equal(compareDecimal('2', '2.00'), 0);
    assert.equal(compareDecimal(5, '5.01'), -1);
    assert.equal(compareDecimal('-1', '0'), -1);
  });

  it('adds and subtracts exactly', () => {
    assert.equal(addDecimal('0.10', '0.20'), '0.30');
    assert.equal(addDecimal('9007199254740992.01', '0.01'), '9007199254740992.02');
    assert.equal(subtractDecimal('100000.00', '10000.50'), '89999.50');
    assert.equal(subtractDecimal('1.00', '1.01'), '-0.01');
    assert.equal(subtractDecimal('5', 5), '0.00');
  });
});
