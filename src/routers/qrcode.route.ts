import type { createQrCodeController } from '../controllers/qrcode.controller.js';
import { invoiceQrQuery } from '../schemas/qrcode.schema.js';
import { defineRoute, type RouteDeclaration } from './route.js';

const PNG = {
  status: 200,
  contentType: 'image/png',
  description: 'PNG image of a QR code; strong ETag, answers 304 to a matching If-None-Match',
};
const CACHE_HEADERS = [{ name: 'If-None-Match', description: 'ETag of a copy the client holds; 304 when it is still current' }];

export function qrCodeRoutes(controller: ReturnType<typeof createQrCodeController>): RouteDeclaration[] {
  return [
    defineRoute({
      method: 'get',
      path: '/user/referral-code/qr',
      auth: 'jwt',
      summary: "QR code (PNG) of the caller's referral link, REFERRAL_LINK_BASE?ref=CODE (default PUBLIC_URL/signup)",
      description: "A logged-in user (Bearer JWT). Answers a PNG QR code of the caller's referral link (REFERRAL_LINK_BASE?ref=CODE). Changes nothing.",
      tags: ['User'],
      headers: CACHE_HEADERS,
      response: PNG,
      errors: ['USER_NOT_FOUND'],
      handler: controller.getReferralQrCode,
    }),
    defineRoute({
      method: 'get',
      path: '/invoice/qr',
      auth: 'none',
      summary: "QR code (PNG) of an invoice's payment page, to open it on another device (same visibility as /invoice/detail)",
      description: "Anyone who knows the invoice id. Answers a PNG QR code of the invoice's payment page, to open it on another device. Changes nothing.",
      tags: ['Payment'],
      schemas: { query: invoiceQrQuery },
      headers: CACHE_HEADERS,
      response: PNG,
      errors: ['INVOICE_NOT_FOUND'],
      handler: controller.getInvoiceQrCode,
    }),
  ];
}
