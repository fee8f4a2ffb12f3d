import type { Counter } from 'prom-client';
import { ALL_CHANGED, type ChangeFeed } from '../models/change-feed.js';

export type ProfileCache<T> = ReturnType<typeof createProfileCache<T>>;

interface Entry<T> {
  value: T;
  loadedAtMs: number;
}

/**
 * GET /user/profile answers from memory while the PostgreSQL change feed is live; every committed write to the
 * profile's tables drops the user's entry on every instance (migration 0730). While the feed is down, and while a
 * write by the user is in flight on this instance, reads go to the database.
 *
 * A read that overlapped any invalidation does not store what it read (it may predate the write), so an entry
 * never outlives the notification of a write committed after it was read.
 */
export function createProfileCache<T>(deps: {
  feed: ChangeFeed;
  /** Upper bound on an entry's age even without a notification; 0 turns the cache off. */
  maxAgeMs: number;
  maxEntries: number;
  lookups?: Counter<'result'>;
}) {
  const { feed, maxAgeMs, maxEntries, lookups } = deps;
  const entries = new Map<string, Entry<T>>();
  const writesInFlight = new Map<string, number>();
  let generation = 0;

  function forget(key: string): void {
    generation += 1;
    if (key === ALL_CHANGED) entries.clear();
    else entries.delete(key);
  }

  feed.subscribe({
    changed: forget,
    reset: () => forget(ALL_CHANGED),
  });

  function store(key: string, entry: Entry<T>): void {
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
    entries.set(key, entry);
  }

  return {
    async read(key: string, load: () => Promise<T>): Promise<T> {
      if (maxAgeMs === 0 || !feed.live) {
        lookups?.inc({ result: 'bypass' });
        return load();
      }
      const cached = entries.get(key);
      if (cached && Date.now() - cached.loadedAtMs < maxAgeMs) {
        lookups?.inc({ result: 'hit' });
        return cached.value;
      }
      lookups?.inc({ result: 'miss' });
      const before = generation;
      const loadedAtMs = Date.now();
      const value = await load();
      if (generation === before && feed.live && !writesInFlight.has(key)) store(key, { value, loadedAtMs });
      return value;
    },

    /**
     * A write by `key`'s user starts on this instance: its entry is dropped, and nothing read until the returned
     * function is called (when the answer has gone out) is kept, so the user reads their own write back even before
     * its notification arrives.
     */
    beginWrite(key: string): () => void {
      writesInFlight.set(key, (writesInFlight.get(key) ?? 0) + 1);
      forget(key);
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        const left = (writesInFlight.get(key) ?? 1) - 1;
        if (left > 0) writesInFlight.set(key, left);
        else writesInFlight.delete(key);
        forget(key);
      };
    },
  };
}
