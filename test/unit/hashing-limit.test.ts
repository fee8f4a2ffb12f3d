import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createYieldingLimit } from '../../src/utilities/hashing-center.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Keeps the event loop busy (synchronously) for `ms`. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

describe('hashing concurrency limit (createYieldingLimit)', () => {
  it('when the event loop is idle, then up to max tasks run at once and every task settles', async () => {
    const limit = createYieldingLimit(3);
    let running = 0;
    let peak = 0;
    const task = async (i: number) => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(20);
      running -= 1;
      return i;
    };
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => limit(() => task(i))));
    assert.deepEqual(results, Array.from({ length: 12 }, (_, i) => i));
    assert.equal(peak, 3);
  });

  it('when the event loop is busy, then at most half the slots (at least one) are used', async () => {
    const limit = createYieldingLimit(2);
    let running = 0;
    let peakWhileBusy = 0;
    // Make the last sampling window look busy: >50% of it spent in synchronous work.
    await sleep(5);
    spin(150);
    const task = async () => {
      running += 1;
      peakWhileBusy = Math.max(peakWhileBusy, running);
      spin(30);
      await sleep(1);
      running -= 1;
    };
    await Promise.all(Array.from({ length: 4 }, () => limit(task)));
    assert.equal(peakWhileBusy, 1);
  });

  it('when a task throws or rejects, then its slot is released and the error reaches the caller', async () => {
    const limit = createYieldingLimit(1);
    await assert.rejects(limit(() => { throw new Error('sync boom'); }), /sync boom/);
    await assert.rejects(limit(() => Promise.reject(new Error('async boom'))), /async boom/);
    assert.equal(await limit(async () => 'still works'), 'still works');
  });
});
