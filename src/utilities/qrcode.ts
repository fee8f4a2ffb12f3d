/**
 * QR codes (the seed's qrcode.util.js): PNG images of links people scan with another device, e.g. a referral
 * link or an invoice's payment page. Pure: text in, image out.
 */
import { createHash } from 'node:crypto';
import QRCode from 'qrcode';

/** How every QR code is drawn. Part of the ETag, so a change here makes clients fetch the new image. */
const RENDER_OPTIONS = { type: 'png', errorCorrectionLevel: 'M', margin: 4, width: 320 } as const;
const RENDER_VERSION = `qr1:${RENDER_OPTIONS.errorCorrectionLevel}:${RENDER_OPTIONS.margin}:${RENDER_OPTIONS.width}`;
/** QR version 40 at level M holds 2331 bytes; links longer than this are refused before drawing. */
export const QR_MAX_CONTENT_BYTES = 2048;
/** Rendered images, newest last; the same link is asked for again and again (clients revalidate after max-age). */
const CACHE_LIMIT = 500;
const cache = new Map<string, Buffer>();

/**
 * A strong ETag for the QR image of `content`: the hash of what is encoded plus how it is drawn, so it is known
 * before (and without) drawing, and equal images get equal tags on every instance.
 */
export function qrCodeEtag(content: string): string {
  const digest = createHash('sha256').update(RENDER_VERSION).update('\n').update(content, 'utf8').digest('base64url');
  return `"${digest.slice(0, 32)}"`;
}

/** The PNG of a QR code that decodes to exactly `content`. */
export async function renderQrCodePng(content: string): Promise<Buffer> {
  if (content.length === 0) throw new RangeError('QR content must not be empty');
  if (Buffer.byteLength(content, 'utf8') > QR_MAX_CONTENT_BYTES)
    throw new RangeError(`QR content longer than ${QR_MAX_CONTENT_BYTES} bytes`);
  const cached = cache.get(content);
  if (cached) {
    cache.delete(content);
    cache.set(content, cached);
    return cached;
  }
  const png = await QRCode.toBuffer(content, RENDER_OPTIONS);
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(content, png);
  return png;
}
