/** The invoice state machine: which statuses an invoice row may move between. */
export const PAID_STATUSES = new Set(['PAID', 'SETTLED']);
