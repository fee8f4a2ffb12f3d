/**
 * Payment anomalies: what Xendit reported that contradicts a final local status, which no code path may resolve on
 * its own (a payout SUCCEEDED or REVERSED after we marked it FAILED and refunded it, an invoice PAID after we marked it
 * EXPIRED, a payout whose outcome stays unknown). Each is logged as an error and kept in payment_anomaly, one row per
 * (kind, transaction) whose `occurrences` counts the reports, for operators (`npm run cli -- payments:anomalies`).
 */
import { QueryTypes, type InferAttributes, type Sequelize } from 'sequelize';
import type { PaymentAnomaly } from '../models/payment-anomaly.model.js';
import type { Logger } from '../utilities/logger.js';

export type AnomalyKind =
  | 'PAYOUT_SUCCEEDED_AFTER_FAILED'
  | 'PAYOUT_REVERSED_AFTER_FAILED'
  | 'PAYOUT_SUCCEEDED_AFTER_CANCELLED'
  | 'PAYOUT_REVERSED_AFTER_CANCELLED'
  | 'PAYOUT_RESUBMISSION_REFUSED'
  | 'PAYOUT_DUPLICATED_AT_XENDIT'
  | 'INVOICE_PAID_AFTER_EXPIRED';

export interface AnomalyReport {
  kind: AnomalyKind;
  transactionId: string;
  username: string;
  localStatus: string;
  reportedStatus: string;
  source: string;
  /** Identifiers only (Xendit ids, codes); never account numbers or personal data. */
  detail?: Record<string, unknown>;
}

export type AnomalyRow = InferAttributes<PaymentAnomaly>;

export type PaymentAnomalyService = ReturnType<typeof createPaymentAnomalyService>;

export function createPaymentAnomalyService(deps: { sequelize: Sequelize; logger: Logger }) {
  const { sequelize, logger } = deps;

  /** Logs the report as an error and records it (a repeat of the same kind for the same transaction is counted). */
  async function record(report: AnomalyReport): Promise<number> {
    logger.error(`payment anomaly ${report.kind}: Xendit reports ${report.reportedStatus} for ${report.localStatus} transaction ${report.transactionId}`, {
      kind: report.kind,
      transactionId: report.transactionId,
      localStatus: report.localStatus,
      reportedStatus: report.reportedStatus,
      source: report.source,
      ...report.detail,
    });
    const [row] = await sequelize.query<{ occurrences: number }>(
      `INSERT INTO payment_anomaly (kind, transaction_id, username, local_status, reported_status, source, detail)
       VALUES (:kind, :transactionId, :username, :localStatus, :reportedStatus, :source, CAST(:detail AS jsonb))
       ON CONFLICT (kind, transaction_id) DO UPDATE
         SET occurrences = payment_anomaly.occurrences + 1, last_seen_at = now(),
             reported_status = EXCLUDED.reported_status, source = EXCLUDED.source,
             detail = COALESCE(EXCLUDED.detail, payment_anomaly.detail)
       RETURNING occurrences`,
      {
        replacements: {
          kind: report.kind,
          transactionId: report.transactionId,
          username: report.username,
          localStatus: report.localStatus.slice(0, 16),
          reportedStatus: report.reportedStatus.slice(0, 32),
          source: report.source.slice(0, 32),
          detail: report.detail ? JSON.stringify(report.detail) : null,
        },
        type: QueryTypes.SELECT,
      },
    );
    return row?.occurrences ?? 1;
  }

  /** Newest first, with the number of anomalies and of reports per kind. */
  async function list(options: { kind?: string; limit?: number } = {}) {
    const byKind = options.kind ? 'WHERE kind = :kind' : '';
    const rows = await sequelize.query<AnomalyRow>(
      `SELECT * FROM payment_anomaly ${byKind} ORDER BY last_seen_at DESC, id DESC LIMIT :limit`,
      { replacements: { kind: options.kind ?? null, limit: options.limit ?? 100 }, type: QueryTypes.SELECT },
    );
    const totals = await sequelize.query<{ kind: string; anomalies: number; reports: number }>(
      `SELECT kind, COUNT(*)::int AS anomalies, SUM(occurrences)::int AS reports FROM payment_anomaly ${byKind} GROUP BY kind ORDER BY kind`,
      { replacements: { kind: options.kind ?? null }, type: QueryTypes.SELECT },
    );
    return { rows, totals };
  }

  return { record, list };
}
