import type { Config } from '../../config/index.js';
import { AppError } from '../errors/app-error.js';
import type { Models } from '../models/index.js';
import { qrCodeEtag, renderQrCodePng } from '../utilities/qrcode.js';

/** A QR code ready to send: its identity is known before it is drawn, so a revalidation costs no drawing. */
export interface QrCode {
  /** What the code encodes (a URL). */
  content: string;
  /** Strong validator for HTTP caching. */
  etag: string;
  render(): Promise<Buffer>;
}

export type QrCodeService = ReturnType<typeof createQrCodeService>;

function qrCodeOf(content: string): QrCode {
  return { content, etag: qrCodeEtag(content), render: () => renderQrCodePng(content) };
}

/** `${base}?ref=CODE`, or `&ref=` when the configured base already carries a query (an app link). */
export function buildReferralLink(linkBase: string, referralCode: string): string {
  const separator = linkBase.includes('?') ? '&' : '?';
  return `${linkBase}${separator}ref=${encodeURIComponent(referralCode)}`;
}

/** The public invoice lookup of GET /invoice/detail (the payments service): throws 404 "Invoice Not Found". */
export interface PublicInvoiceLookup {
  getPublicInvoice(invoiceId: string): Promise<{ invoice_url: string | null }>;
}

/** QR codes of the links users share or open on another device: their referral link and an invoice's payment page. */
export function createQrCodeService(deps: { referral: Config['referral']; models: Models; invoices: PublicInvoiceLookup }) {
  const { referral, models, invoices } = deps;
  return {
    /** The caller's referral link (REFERRAL_LINK_BASE, default PUBLIC_URL/signup) with their code. */
    async referralQrCode(username: string): Promise<QrCode> {
      const info = await models.UserInfo.findOne({ where: { username }, attributes: ['referral_code'], raw: true });
      if (!info) throw new AppError('USER_NOT_FOUND', 'User Not Found');
      return qrCodeOf(buildReferralLink(referral.linkBase, info.referral_code));
    },

    /**
     * The payment page of an invoice, found exactly as GET /invoice/detail finds it (no auth: the invoice id is the
     * capability, and the QR shows nothing /invoice/detail does not). No payment page → "Invoice Not Found".
     */
    async invoiceQrCode(invoiceId: string): Promise<QrCode> {
      const invoice = await invoices.getPublicInvoice(invoiceId);
      if (!invoice.invoice_url) throw new AppError('INVOICE_NOT_FOUND');
      return qrCodeOf(invoice.invoice_url);
    },
  };
}
