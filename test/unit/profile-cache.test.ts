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
type Cache = ReturnType<typeof cacheOn>;

/** A read that goes to the database, which answers `value`; resolves to what the cache answered. */
async function readThrough(cache: Cache, db: ReturnType<typeof loads>, key: string, value: string): Promise<string> {
  const calls = db.calls;
  const read = cache.read(key, db.load);
  assert.equal(db.calls, calls + 1, `${key} was read from the database`);
  db.finish(value);
  return read;
}

describe('the profile cache', () => {
  it('answers a second read from memory, and reads again after the user changed', async () => {
    const feed = drivenFeed();
    const cache = cacheOn(feed);
    const db = loads();
    assert.equal(await readThrough(cache, db, 'ana', 'v1'), 'v1');
    assert.equal(await cache.read('ana', db.load), 'v1');
    assert.equal(db.calls, 1);
    feed.changed('ana');
    assert.equal(await readThrough(cache, db, 'ana', 'v2'), 'v2');
  });

  it('does not keep a read that overlapped a change: it may predate the write', async () => {
    const feed = drivenFeed();
    const cache = cacheOn(feed);
    const db = loads();
    const overlapping = cache.read('ana', db.load);
    feed.changed('ana');
    db.finish('before the write');
    assert.equal(await overlapping, 'before the write');
    assert.equal(await readThrough(cache, db, 'ana', 'after the write'), 'after the write', 'the overlapping answer was not kept');
  });

  it('reads through while the feed is down, drops everything when it goes down, and keeps nothing read meanwhile', async () => {
    const feed = drivenFeed();
    const cache = cacheOn(feed);
    const db = loads();
    await readThrough(cache, db, 'ana', 'v1');
    feed.goDown();
    assert.equal(await readThrough(cache, db, 'ana', 'v2'), 'v2');
    feed.live = true;
    assert.equal(await readThrough(cache, db, 'ana', 'v3'), 'v3', 'nothing from before or during the outage was answered');
  });

  it("reads through while the user's own write is in flight, and reads again once it is answered", async () => {
    const feed = drivenFeed();
    const cache = cacheOn(feed);
    const db = loads();
    await readThrough(cache, db, 'ana', 'v1');
    const end = cache.beginWrite('ana');
    // What is read while the write is in flight may predate its commit: none of it is kept.
    assert.equal(await readThrough(cache, db, 'ana', 'v2'), 'v2');
    assert.equal(await readThrough(cache, db, 'ana', 'v2'), 'v2');
    end();
    end();
    assert.equal(await readThrough(cache, db, 'ana', 'v3'), 'v3');
    assert.equal(await cache.read('ana', db.load), 'v3');
    assert.equal(db.calls, 4);
  });

  it('forgets an entry after its maximum age, and keeps at most maxEntries users', async () => {
    const feed = drivenFeed();
    const db = loads();
    const aged = cacheOn(feed, 1);
    await readThrough(aged, db, 'ana', 'v1');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await readThrough(aged, db, 'ana', 'v2');

    const small = cacheOn(feed);
    for (const user of ['a', 'b', 'c', 'd']) await readThrough(small, db, user, user);
    assert.equal(await readThrough(small, db, 'a', 'a'), 'a', 'the oldest entry made room');
  });
});
