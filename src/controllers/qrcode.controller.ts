import type { Request, Response } from 'express';
import type { RequestInput } from '../middleware/request-context.js';
import type { invoiceQrQuery } from '../schemas/qrcode.schema.js';
import type { QrCode, QrCodeService } from '../services/qrcode.service.js';

/** Sends the PNG, or 304 when the client's If-None-Match already names this image (Express's `req.fresh`). */
async function sendQrCode(req: Request, res: Response, qr: QrCode, cacheControl: string): Promise<void> {
  res.set({ ETag: qr.etag, 'Cache-Control': cacheControl, 'X-Content-Type-Options': 'nosniff' });
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  const png = await qr.render();
  res.status(200).type('image/png').send(png);
}

export function createQrCodeController(qrCodes: QrCodeService) {
  return {
    async getReferralQrCode({ principal }: RequestInput<'jwt'>, req: Request, res: Response) {
      const qr = await qrCodes.referralQrCode(principal.username);
      // Per user: never stored by shared caches, and a browser switching accounts must not reuse another's image.
      res.vary('Authorization');
      await sendQrCode(req, res, qr, 'private, max-age=300');
    },

    async getInvoiceQrCode({ query }: RequestInput<'none', { query: typeof invoiceQrQuery }>, req: Request, res: Response) {
      const qr = await qrCodes.invoiceQrCode(query.invoice_id);
      await sendQrCode(req, res, qr, 'public, max-age=60');
    },
  };
}
