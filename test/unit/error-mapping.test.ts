import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDependencyUnavailable, toAppError } from '../../src/middleware/error-handler.js';

function named(name: string, message = 'x', extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name }, extra);
}

describe('toAppError: an unreachable PostgreSQL or Redis is a 503, a bug stays a 500', () => {
  const unavailable: Array<[string, unknown]> = [
    ['SequelizeConnectionError', named('SequelizeConnectionError', 'Connection terminated unexpectedly')],
    ['SequelizeConnectionRefusedError', named('SequelizeConnectionRefusedError', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['SequelizeConnectionAcquireTimeoutError', named('SequelizeConnectionAcquireTimeoutError', 'Operation timeout')],
    ['a query on a connection that died (DatabaseError wrapping pg)', named('SequelizeDatabaseError', 'Connection terminated unexpectedly', { parent: new Error('Connection terminated unexpectedly') })],
    ['pg admin shutdown 57P01', named('SequelizeDatabaseError', 'terminating connection due to administrator command', { parent: { code: '57P01' } })],
    ['ioredis closed', new Error('Connection is closed.')],
    ['ioredis offline', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['ioredis MaxRetriesPerRequestError', named('MaxRetriesPerRequestError', 'Reached the max retries per request limit (which is 1).')],
    ['a wrapped cause', new Error('login failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }) })],
  ];
  for (const [label, error] of unavailable) {
    it(`when ${label} reaches the handler, then it answers 503 with Retry-After`, () => {
      assert.equal(isDependencyUnavailable(error), true);
      const appError = toAppError(error);
      assert.equal(appError.status, 503);
      assert.equal(appError.headers?.['Retry-After'], '5');
      assert.doesNotMatch(appError.message, /ECONNREFUSED|terminated|ioredis|Stream/);
    });
  }

  for (const [label, error] of [
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['an SQL error', named('SequelizeDatabaseError', 'syntax error at or near "SELEC"', { parent: { code: '42601' } })],
    ['a constraint violation', named('SequelizeDatabaseError', 'new row violates check constraint', { parent: { code: '23514' } })],
  ] as const) {
    it(`when ${label} reaches the handler, then it stays a 500`, () => {
      assert.equal(isDependencyUnavailable(error), false);
      assert.equal(toAppError(error).status, 500);
    });
  }
});
