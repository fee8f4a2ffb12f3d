/** Xendit's invoice wire format (a read from the API) mapped to the InvoiceUpdate the payment service applies. */
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
