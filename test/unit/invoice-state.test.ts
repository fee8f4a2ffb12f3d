import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALLOWED_FROM, canMove, PAID_STATUSES } from '../../src/services/invoice-state.js';

const STATUSES = ['PENDING', 'PAID', 'SETTLED', 'EXPIRED'];
const ALLOWED = new Set(['PENDING→PAID', 'PENDING→SETTLED', 'PAID→SETTLED', 'PENDING→EXPIRED']);

describe('invoice state machine (ALLOWED_FROM / canMove)', () => {
  it('the table holds exactly the forward moves', () => {
    const moves = Object.entries(ALLOWED_FROM).flatMap(([to, froms]) => froms.map((from) => `${from}→${to}`));
    assert.deepEqual(new Set(moves), ALLOWED);
  });

  it('allows each move in the table and refuses every other pair of statuses', () => {
    for (const from of STATUSES) {
      for (const to of STATUSES) {
        assert.equal(canMove(from, to), ALLOWED.has(`${from}→${to}`), `${from}→${to}`);
      }
    }
  });

  it('refuses statuses it does not know, including prototype keys', () => {
    for (const [from, to] of [
      ['PENDING', 'UNKNOWN'],
      ['UNKNOWN', 'PAID'],
      ['PENDING', 'constructor'],
      ['PENDING', 'toString'],
      ['paid', 'SETTLED'],
    ] as const) {
      assert.equal(canMove(from, to), false, `${from}→${to}`);
    }
  });

  it('a paid status can be reached from PENDING (the move that credits a top-up)', () => {
    for (const status of PAID_STATUSES) assert.equal(canMove('PENDING', status), true, status);
    assert.deepEqual([...PAID_STATUSES].sort(), ['PAID', 'SETTLED']);
  });
});
