import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import type { Response } from 'supertest';
import { createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { qrCodeEtag, renderQrCodePng } from '../../src/utilities/qrcode.js';

// jsqr is CommonJS (module.exports = jsQR, plus .default); under NodeNext its typings see only the namespace.
type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR: JsQr = (jsQRModule as unknown as { default?: JsQr }).default ?? (jsQRModule as unknown as JsQr);

/** Reads the QR code in a PNG back to its text, as a phone camera would. */
function decodeQrPng(png: Buffer): string {
  const image = PNG.sync.read(png);
  const code = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  assert.ok(code, 'the PNG holds a readable QR code');
  return code.data;
}

function pngOf(res: Response): Buffer {
  assert.equal(res.headers['content-type'], 'image/png');
  assert.ok(Buffer.isBuffer(res.body), 'binary body');
  return res.body as Buffer;
}

describe('QR code utility', () => {
  it('when a link is drawn, then the PNG decodes back to exactly that link', async () => {
    const link = 'https://app.example/signup?ref=ABCD2345&utm=qr';
    assert.equal(decodeQrPng(await renderQrCodePng(link)), link);
  });

  it('when the same content is asked twice, then the ETag is the same strong tag; other content gets another', () => {
    assert.equal(qrCodeEtag('https://a.example/x'), qrCodeEtag('https://a.example/x'));
    assert.notEqual(qrCodeEtag('https://a.example/x'), qrCodeEtag('https://a.example/y'));
    assert.match(qrCodeEtag('x'), /^"[\w-]{32}"$/, 'strong (no W/ prefix)');
  });

  it('when the content is empty or too long for a QR code, then it is refused', async () => {
    await assert.rejects(renderQrCodePng(''), RangeError);
    await assert.rejects(renderQrCodePng('x'.repeat(3000)), RangeError);
  });
});

describe('GET /user/referral-code/qr', () => {
  const ctx = useTestServer({ PUBLIC_URL: 'https://userstate.example' });

  it('when a signed-in user asks, then the PNG decodes to PUBLIC_URL/signup?ref=<their code> and may be cached privately', async () => {
    const user = await createUser(ctx);
    const res = await ctx.api.get('/user/referral-code/qr').set('Authorization', user.auth);
    assert.equal(res.status, 200);
    assert.equal(decodeQrPng(pngOf(res)), `https://userstate.example/signup?ref=${user.referralCode}`);
    assert.equal(res.headers['cache-control'], 'private, max-age=300');
    assert.match(String(res.headers.etag), /^"[\w-]{32}"$/);
    assert.match(String(res.headers.vary), /Authorization/i);
  });

  it('when the client sends the ETag back in If-None-Match, then the answer is 304 without a body', async () => {
    const user = await createUser(ctx);
    const first = await ctx.api.get('/user/referral-code/qr').set('Authorization', user.auth);
    const etag = String(first.headers.etag);
    const again = await ctx.api.get('/user/referral-code/qr').set('Authorization', user.auth).set('If-None-Match', etag);
    assert.equal(again.status, 304);
    assert.equal(again.headers.etag, etag);
    assert.equal(again.text ?? '', '');
    const stale = await ctx.api.get('/user/referral-code/qr').set('Authorization', user.auth).set('If-None-Match', '"something-else"');
    assert.equal(stale.status, 200, 'another tag gets the image');
  });

  it('when two users ask, then each gets their own code under a different ETag', async () => {
    const [one, two] = await Promise.all([createUser(ctx), createUser(ctx)]);
    const [a, b] = await Promise.all([
      ctx.api.get('/user/referral-code/qr').set('Authorization', one.auth),
      ctx.api.get('/user/referral-code/qr').set('Authorization', two.auth),
    ]);
    assert.notEqual(a.headers.etag, b.headers.etag);
    assert.ok(decodeQrPng(pngOf(b)).endsWith(`?ref=${two.referralCode}`));
    const crossed = await ctx.api.get('/user/referral-code/qr').set('Authorization', two.auth).set('If-None-Match', String(a.headers.etag));
    assert.equal(crossed.status, 200, "another user's tag does not match");
  });

  it('when there is no token, then 401 in the envelope', async () => {
    const res = await ctx.api.get('/user/referral-code/qr');
    assert.equal(res.status, 401);
    assert.equal(res.body.status, false);
  });
});

describe('GET /user/referral-code/qr with REFERRAL_LINK_BASE set to an app link', () => {
  const ctx = useTestServer({ REFERRAL_LINK_BASE: 'myapp://join?src=qr' });

  it('when the base already has a query, then the code is appended with &ref=', async () => {
    const user = await createUser(ctx);
    const res = await ctx.api.get('/user/referral-code/qr').set('Authorization', user.auth);
    assert.equal(res.status, 200);
    assert.equal(decodeQrPng(pngOf(res)), `myapp://join?src=qr&ref=${user.referralCode}`);
  });
});

describe('GET /invoice/qr', () => {
  const ctx = useTestServer();

  async function insertInvoice(options: { invoiceUrl?: string | null } = {}) {
    const user = await createUser(ctx);
    const invoiceId = `inv_test_${randomUUID()}`;
    const invoiceUrl = options.invoiceUrl === undefined ? `https://checkout.example/${invoiceId}` : options.invoiceUrl;
    await ctx.server.clients.db.models.UserTransaction.create({
      id: `TRX-QR-${randomUUID().slice(0, 12)}`,
      username: user.username,
      type: 'TOPUP',
      amount: '10000.00',
      status: 'PENDING',
      reference_id: invoiceId,
      invoice_url: invoiceUrl,
    });
    return { user, invoiceId, invoiceUrl };
  }

  it('when the invoice exists, then the PNG decodes to its payment page, cacheable publicly for a minute, without signing in', async () => {
    const { invoiceId, invoiceUrl } = await insertInvoice();
    const res = await ctx.api.get('/invoice/qr').query({ invoice_id: invoiceId });
    assert.equal(res.status, 200);
    assert.equal(decodeQrPng(pngOf(res)), invoiceUrl);
    assert.equal(res.headers['cache-control'], 'public, max-age=60');
    assert.match(String(res.headers.etag), /^"[\w-]{32}"$/);
  });

  it('when If-None-Match carries the ETag, then 304', async () => {
    const { invoiceId } = await insertInvoice();
    const first = await ctx.api.get('/invoice/qr').query({ invoice_id: invoiceId });
    const again = await ctx.api
      .get('/invoice/qr')
      .query({ invoice_id: invoiceId })
      .set('If-None-Match', `"x", ${String(first.headers.etag)}`);
    assert.equal(again.status, 304);
  });

  it('when the invoice is unknown or has no payment page, then 404 "Invoice Not Found"', async () => {
    const unknown = await ctx.api.get('/invoice/qr').query({ invoice_id: `inv_test_${randomUUID()}` });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.status, false);
    assert.equal(unknown.body.message, 'Invoice Not Found');
    const { invoiceId } = await insertInvoice({ invoiceUrl: null });
    const noUrl = await ctx.api.get('/invoice/qr').query({ invoice_id: invoiceId });
    assert.equal(noUrl.status, 404);
    assert.equal(noUrl.body.message, 'Invoice Not Found');
  });

  it('when /invoice/detail finds an invoice (by Xendit id or our id) the QR exists, and where it does not, neither does the QR', async () => {
    const { invoiceId, invoiceUrl } = await insertInvoice();
    const row = await ctx.server.clients.db.models.UserTransaction.findOne({ where: { reference_id: invoiceId }, raw: true });
    const payout = await createUser(ctx);
    const payoutReference = `disb_test_${randomUUID()}`;
    await ctx.server.clients.db.models.UserTransaction.create({
      id: `PO-QR-${randomUUID().slice(0, 12)}`,
      username: payout.username,
      type: 'PAYOUT',
      amount: '10000.00',
      status: 'PENDING',
      reference_id: payoutReference,
      invoice_url: 'https://checkout.example/not-an-invoice',
    });
    for (const id of [invoiceId, row!.id, payoutReference]) {
      const detail = await ctx.api.get('/invoice/detail').query({ invoice_id: id });
      const qr = await ctx.api.get('/invoice/qr').query({ invoice_id: id });
      assert.equal(qr.status, detail.status, `${id}: /invoice/qr answers like /invoice/detail`);
      if (qr.status === 200) assert.equal(decodeQrPng(pngOf(qr)), invoiceUrl);
      else assert.equal(qr.body.message, 'Invoice Not Found');
    }
  });

  it('when invoice_id is missing or empty (an undeclared parameter beside it is ignored), then 400 in the envelope', async () => {
    for (const query of [{}, { invoice_id: '' }, { invoice_id: '', extra: '1' }, { invoice_id: 'x'.repeat(129) }]) {
      const res = await ctx.api.get('/invoice/qr').query(query);
      assert.equal(res.status, 400, JSON.stringify(query));
      assert.equal(res.body.status, false);
    }
  });
});
