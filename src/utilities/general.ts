/**
 * Pure helpers (the seed's general.util.js plus its OTP generator): money formatting and exact decimal arithmetic,
 * random strings and ids, and masks for log lines. No I/O beyond the static tables in libraries/.
 */
import { randomInt } from 'node:crypto';
// Imported as JSON modules so tsx and tsc agree, and `tsc` copies them next to the compiled code (dist/libraries/).
import dayCodes from '../../libraries/dir_day.json' with { type: 'json' };
import digitCodes from '../../libraries/dir_digits.json' with { type: 'json' };
import monthCodes from '../../libraries/dir_month.json' with { type: 'json' };
import yearCodes from '../../libraries/dir_year.json' with { type: 'json' };

const DIGITS = '0123456789';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** No 0/O, 1/I/L: codes people read aloud or type from a screen. */
const UNAMBIGUOUS = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

const REFERRAL_CODE_LENGTH = 8;
const REFERRAL_MIN_RANDOM = 4;
/** 36^12 ≈ 2^62 ids per prefix and day. */
const ID_RANDOM_LENGTH = 12;
const ID_MAX_LENGTH = 40;
const ID_PREFIX = /^[A-Z0-9]{1,16}$/;

/** A plain decimal: optional minus, digits, optional fraction. No exponent, no grouping, no spaces. */
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Random characters from an alphabet. `randomInt` draws uniformly (rejection sampling), so no character is
 * favoured the way `byte % alphabet.length` would favour some.
 */
function pickRandom(alphabet: string, length: number): string {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`length must be a non-negative integer, got ${length}`);
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** The seed's generateRandomString: mixed-case letters and digits, or digits only (OTPs). */
export function generateRandomString(length: number, numberOnly = false): string {
  return pickRandom(numberOnly ? DIGITS : ALPHANUMERIC, length);
}

/**
 * `<PREFIX>-<year><month><day><hour>-<12 random A-Z0-9>`, e.g. `TRX-CLVCD-7Q2M9XK4B1ZD` (2026-12-31, 23h), from the
 * libraries/ tables: year, month and day one character each (dir_year, dir_month, dir_day), the two-digit hour
 * one character per digit (dir_digits: 0 → A … 9 → J). The date is read in UTC so every instance codes the same
 * instant the same way, and ids sort by day and hour within a prefix.
 */
export function generateDateCodedId(prefix: string, date = new Date()): string {
  if (!ID_PREFIX.test(prefix)) throw new RangeError(`id prefix must be 1-16 characters A-Z0-9, got "${prefix}"`);
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid date for id');
  const year = lookupCode(yearCodes, date.getUTCFullYear(), 'year');
  const month = lookupCode(monthCodes, date.getUTCMonth() + 1, 'month');
  const day = lookupCode(dayCodes, date.getUTCDate(), 'day');
  const hour = encodeDigits(date.getUTCHours(), 2);
  const id = `${prefix}-${year}${month}${day}${hour}-${pickRandom(UPPER_ALPHANUMERIC, ID_RANDOM_LENGTH)}`;
  if (id.length > ID_MAX_LENGTH) throw new RangeError(`id longer than ${ID_MAX_LENGTH} characters`);
  return id;
}

/** `value` zero-padded to `width` digits, each digit replaced by its letter from libraries/dir_digits.json. */
function encodeDigits(value: number, width: number): string {
  return [...String(value).padStart(width, '0')].map((digit) => lookupCode(digitCodes, Number(digit), 'digits')).join('');
}

function lookupCode(table: Readonly<Record<string, string>>, value: number, what: string): string {
  const code = table[String(value)];
  if (code === undefined) throw new RangeError(`no ${what} code for ${value} in libraries/dir_${what}.json`);
  return code;
}

/**
 * Up to 4 letters/digits of the username, uppercased, then random unambiguous characters up to 8 in all
 * (at least 4 random). Not unique by itself: the caller retries on a unique violation.
 */
export function generateReferralCode(username: string): string {
  const stem = username
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, REFERRAL_CODE_LENGTH - REFERRAL_MIN_RANDOM)
    .toUpperCase();
  return stem + pickRandom(UNAMBIGUOUS, REFERRAL_CODE_LENGTH - stem.length);
}

/** "****1234": only the last 4 characters, and always 4 stars, so the mask does not reveal the length. */
export function maskAccountNumber(accountNumber: string): string {
  const compact = accountNumber.replace(/[\s-]/g, '');
  return compact.length <= 4 ? '****' : `****${compact.slice(-4)}`;
}

/** "+6281*******90": the first 4 digits (country/operator prefix) and the last 2 stay; short numbers are fully masked. */
export function maskPhone(phone: string): string {
  const compact = phone.replace(/[\s-]/g, '');
  const plus = compact.startsWith('+') ? '+' : '';
  const digits = compact.slice(plus.length);
  if (digits.length < 8) return `${plus}****`;
  return `${plus}${digits.slice(0, 4)}${'*'.repeat(digits.length - 6)}${digits.slice(-2)}`;
}

/** "j***@example.com": the first character of the local part and the domain stay. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = at === -1 ? email : email.slice(0, at);
  const domain = at === -1 ? '' : email.slice(at);
  return `${local.length > 1 ? local[0] : ''}***${domain}`;
}

/**
 * Exact decimal → integer cents. Accepts "123", "123.4", "123.45", "123.4500" (extra digits must be zeros),
 * safe numbers written the same way, and bigint (whole rupiah). Anything that would need rounding throws.
 */
function parseCents(value: string | number | bigint): bigint {
  if (typeof value === 'bigint') return value * 100n;
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`);
  const match = DECIMAL.exec(String(value));
  if (!match) throw new RangeError(`not a plain decimal amount: "${String(value)}"`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  if (/[1-9]/.test(fraction.slice(2))) throw new RangeError(`more than 2 decimals in amount: "${String(value)}"`);
  const cents = BigInt(whole) * 100n + BigInt(fraction.slice(0, 2).padEnd(2, '0'));
  return sign === '-' ? -cents : cents;
}

function formatCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** "Rp 100.000", "Rp 1.234,50", "-Rp 5.000": dots group thousands, a comma and two digits only when cents are non-zero. */
export function formatRupiah(amount: string | number | bigint): string {
  const cents = parseCents(amount);
  const abs = cents < 0n ? -cents : cents;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const rest = abs % 100n;
  const fraction = rest === 0n ? '' : `,${rest.toString().padStart(2, '0')}`;
  return `${cents < 0n ? '-' : ''}Rp ${whole}${fraction}`;
}

/**
 * A non-negative plain decimal with at most `maxDecimals` decimals: "100000", "100000.5", "100000.50".
 * Numbers are judged by how they print, so 0.1 + 0.2 (0.30000000000000004) and 1e21 are not amounts.
 */
export function isValidAmount(value: string | number, maxDecimals = 2): boolean {
  if (typeof value === 'number' && !Number.isFinite(value)) return false;
  const match = DECIMAL.exec(String(value));
  return match !== null && match[1] === '' && (match[3] ?? '').length <= maxDecimals;
}

/** Normalises to two decimals: 123 → "123.00", "0123.5" → "123.50", "-0" → "0.00". Throws rather than round. */
export function toDecimalString(value: number | string): string {
  return formatCents(parseCents(value));
}

export function compareDecimal(a: number | string, b: number | string): -1 | 0 | 1 {
  const left = parseCents(a);
  const right = parseCents(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

export function addDecimal(a: number | string, b: number | string): string {
  return formatCents(parseCents(a) + parseCents(b));
}

export function subtractDecimal(a: number | string, b: number | string): string {
  return formatCents(parseCents(a) - parseCents(b));
}
