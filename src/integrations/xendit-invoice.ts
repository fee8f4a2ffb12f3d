/** Xendit's invoice wire format (an API read or a callback body) mapped to the InvoiceUpdate the payment service applies. */
import type { XenditInvoice } from './xendit.js';

/** What a callback, the sync job or a fresh read from Xendit says about one invoice. */
export interface InvoiceUpdate {
  /** Xendit's invoice id (our reference_id). */
  invoiceId: string;
  /** Our transaction id, when the sender tells it (callbacks do). */
  externalId?: string | undefined;
  status: string;
  amount?: number | undefined;
  paidAmount?: number | undefined;
  currency?: string | undefined;
  paidAt?: string | null | undefined;
  paymentMethod?: string | null | undefined;
  paymentChannel?: string | null | undefined;
}

export const fromXendit = (invoice: XenditInvoice): InvoiceUpdate => ({
  invoiceId: invoice.id,
  externalId: invoice.external_id,
  status: invoice.status,
  amount: invoice.amount,
  currency: invoice.currency,
  paidAt: invoice.paid_at,
  paymentMethod: invoice.payment_method,
  paymentChannel: invoice.payment_channel,
});

/** The flat snake_case body of Xendit's invoice callback (POST /payment-callback). */
export interface XenditInvoiceCallback {
  id: string;
  external_id?: string;
  status: string;
  amount?: number;
  paid_amount?: number;
  currency?: string;
  paid_at?: string;
  payment_method?: string;
  payment_channel?: string;
  ewallet_type?: string;
  bank_code?: string;
}

export const fromXenditCallback = (body: XenditInvoiceCallback): InvoiceUpdate => ({
  invoiceId: body.id,
  externalId: body.external_id,
  status: body.status,
  amount: body.amount,
  paidAmount: body.paid_amount,
  currency: body.currency,
  paidAt: body.paid_at ?? null,
  paymentMethod: body.payment_method ?? null,
  paymentChannel: body.payment_channel ?? body.ewallet_type ?? body.bank_code ?? null,
});
