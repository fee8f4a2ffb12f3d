/**
 * The profile cache's rules, step by step, with a change feed the test drives (the end-to-end proof on PostgreSQL
 * is test/profile/profile-cache.test.ts; the races below are too narrow to hit reliably there).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeFeed, ChangeListener } from '../../src/models/change-feed.js';
import { createProfileCache } from '../../src/services/profile-cache.js';

function drivenFeed() {
  const listeners: ChangeListener[] = [];
  const feed = {
    live: true,
    subscribe: (listener: ChangeListener) => void listeners.push(listener),
    close: async () => undefined,
    changed: (key: string) => listeners.forEach((l) => l.changed(key)),
    goDown() {
      feed.live = false;
      listeners.forEach((l) => l.reset());
    },
  };
  return feed satisfies ChangeFeed;
}

/** A load the test finishes when it wants, counting how often the database was asked. */
function loads() {
  let calls = 0;
  const pending: Array<(value: string) => void> = [];
  return {
    get calls() {
      return calls;
    },
    load: () => {
      calls += 1;
      return new Promise<string>((resolve) => pending.push(resolve));
    },
    finish: (value: string) => pending.shift()!(value),
  };
}

const cacheOn = (feed: ChangeFeed, maxAgeMs = 60_000) => createProfileCache<string>({ feed, maxAgeMs, maxEntries: 3 });

describe('the profile cache', () => {
  it('answers a second read from memory, and reads again after the user changed', async () => {
    const feed = drivenFeed();
    const cache = cacheOn(feed);
    const db = loads();
    const first = cache.read('ana', db.load);
    db.finish('v1');
    assert.equal(await first, 'v1');
    assert.equal(await cache.read('ana', db.load), 'v1');
    assert.equal(db.calls, 1);
    feed.changed('ana');
    const third = cache.read('ana', db.load);
    db.finish('v2');
    assert.equal(await third, 'v2');
    assert.equal(db.calls, 2);
  });

  it('does not keep a read that overlapped a change: it may predate the write', async () => {
    const feed = drivenFeed();
    const cache = cacheOn(feed);
    const db = loads();
    const overlapping = cache.read('ana', db.load);
    feed.changed('ana');
    db.finish('before the write');
    assert.equal(await overlapping, 'before the write');
    const next = cache.read('ana', db.load);
    assert.equal(db.calls, 2, 'the overlapping answer was not kept');
    db.finish('after the write');
    assert.equal(await next, 'after the write');
  });

  it('reads through while the feed is down, drops everything when it goes down, and keeps nothing read meanwhile', async () => {
    const feed = drivenFeed();
    const cache = cacheOn(feed);
    const db = loads();
    const warm = cache.read('ana', db.load);
    db.finish('v1');
    await warm;
    feed.goDown();
    const down = cache.read('ana', db.load);
    db.finish('v2');
    assert.equal(await down, 'v2');
    feed.live = true;
    const back = cache.read('ana', db.load);
    assert.equal(db.calls, 3, 'nothing from before or during the outage was answered');
    db.finish('v3');
    assert.equal(await back, 'v3');
  });

  it("reads through while the user's own write is in flight, and reads again once it is answered", async () => {
    const feed = drivenFeed();
    const cache = cacheOn(feed);
    const db = loads();
    const warm = cache.read('ana', db.load);
    db.finish('v1');
    await warm;
    const end = cache.beginWrite('ana');
    const during = cache.read('ana', db.load);
    db.finish('v2');
    assert.equal(await during, 'v2');
    end();
    end();
    const after = cache.read('ana', db.load);
    db.finish('v3');
    assert.equal(await after, 'v3');
    assert.equal(await cache.read('ana', db.load), 'v3');
    assert.equal(db.calls, 3);
  });

  it('forgets an entry after its maximum age, and keeps at most maxEntries users', async () => {
    const feed = drivenFeed();
    const db = loads();
    const aged = cacheOn(feed, 1);
    const first = aged.read('ana', db.load);
    db.finish('v1');
    await first;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = aged.read('ana', db.load);
    assert.equal(db.calls, 2);
    db.finish('v2');
    await second;

    const small = cacheOn(feed);
    for (const user of ['a', 'b', 'c', 'd']) {
      const read = small.read(user, db.load);
      db.finish(user);
      await read;
    }
    const callsBefore = db.calls;
    const evicted = small.read('a', db.load);
    assert.equal(db.calls, callsBefore + 1, 'the oldest entry made room');
    db.finish('a');
    await evicted;
  });
});
