import type { Response } from 'express';
import type { IdempotentResult } from '../services/idempotency.service.js';

/** Answers an Idempotency-Key-wrapped result; a replay is marked `Idempotent-Replayed: true` (here and nowhere else). */
export function sendIdempotent(res: Response, result: IdempotentResult<unknown>): void {
  if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(result.status).json(result.body);
}
