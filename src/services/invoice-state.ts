/**
 * The invoice state machine, forward only: PENDING → PAID, PENDING → SETTLED (a first news of SETTLED), PAID → SETTLED,
 * PENDING → EXPIRED. Nothing leaves SETTLED or EXPIRED (a payment reported for an EXPIRED row is an anomaly).
 */
export const ALLOWED_FROM: Readonly<Record<string, readonly string[]>> = {
  PAID: ['PENDING'],
  SETTLED: ['PENDING', 'PAID'],
  EXPIRED: ['PENDING'],
};

/** Statuses that say the invoice was paid: moving a PENDING row to one of them credits a top-up. */
export const PAID_STATUSES = new Set(['PAID', 'SETTLED']);

export function canMove(from: string, to: string): boolean {
  return Object.hasOwn(ALLOWED_FROM, to) && (ALLOWED_FROM[to]?.includes(from) ?? false);
}
