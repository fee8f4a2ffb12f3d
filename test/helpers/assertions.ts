import assert from 'node:assert/strict';
import type { Response } from 'supertest';

/** The answer is the seed's error envelope with this status (and message, when given). */
export function assertError(res: Response, status: number, message?: string | RegExp): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.status, false);
  assert.equal(res.body.errorCode, status);
  if (typeof message === 'string') assert.equal(res.body.message, message);
  else if (message) assert.match(String(res.body.message), message);
}
