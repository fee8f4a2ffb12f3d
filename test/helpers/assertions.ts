import assert from 'node:assert/strict';
import type { Response } from 'supertest';
import { ERROR_CODES, isErrorCode, type ErrorCode } from '../../src/errors/error-codes.js';

/**
 * An error envelope with this status (and message, and machine code when given). Whatever is asked, the answer's
 * `code` must be in the table with this very status: a client switching on `code` never meets an unknown one.
 */
export function assertError(res: Response, status: number, message?: string | RegExp, code?: ErrorCode): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.status, false);
  assert.equal(res.body.errorCode, status);
  if (typeof message === 'string') assert.equal(res.body.message, message);
  else if (message) assert.match(String(res.body.message), message);
  const answered = res.body.code as string;
  assert.ok(isErrorCode(answered), `the answer's code ${JSON.stringify(answered)} is in the table`);
  // BAD_REQUEST also carries a 4xx another layer (body-parser, Express) chose.
  if (answered !== 'BAD_REQUEST') assert.equal(ERROR_CODES[answered].status, status, `${answered} answers its table status`);
  if (code) assert.equal(answered, code);
}
