/**
 * B6 memory: the server's RSS after a warm-up (40,000 requests) and after 100,000 more (a mix of authenticated reads).
 * RSS rises and falls by ±15% with V8's garbage collection on its own, so each figure is the median of the RSS
 * sampled every 250 ms over the second half of its window, not one reading: a leak still shows as growth.
 */
import { load, median } from '../lib/measure.js';
import { readRss } from '../lib/processes.js';
import type { BenchContext, Row } from '../lib/context.js';

const REQUESTS = 100_000;
const WARMUP = 40_000;

/** Runs `work` while sampling the server's RSS; returns the median of the samples taken in its second half. */
async function sampled<T>(pid: number, work: Promise<T>): Promise<{ result: T; rss: number; samples: number }> {
  const samples: Array<{ at: number; rss: number }> = [];
  const started = performance.now();
  const timer = setInterval(() => {
    readRss(pid).then(
      (rss) => samples.push({ at: performance.now(), rss }),
      () => undefined,
    );
  }, 250);
  try {
    const result = await work;
    const half = started + (performance.now() - started) / 2;
    const late = samples.filter((s) => s.at >= half).map((s) => s.rss);
    return { result, rss: late.length ? median(late) : await readRss(pid), samples: late.length };
  } finally {
    clearInterval(timer);
  }
}

export async function runMemory(ctx: BenchContext): Promise<{ rows: Row[]; raw: unknown }> {
  const users = ctx.seeded.users.slice(0, 1000);
  const mix = users.flatMap((u, i) => [
    { path: '/verify', headers: { authorization: u.auth } },
    { path: i % 2 ? '/user/profile' : '/balance', headers: { authorization: u.auth } },
    { path: '/sys/whoami', headers: { authorization: ctx.seeded.service.auth } },
  ]);
  const spec = { url: ctx.api.url, path: '/verify', connections: 50, rotate: mix };
  const warm = await sampled(ctx.api.pid, load({ ...spec, amount: WARMUP }));
  const started = performance.now();
  const after = await sampled(ctx.api.pid, load({ ...spec, amount: REQUESTS }));
  const seconds = (performance.now() - started) / 1000;
  const finalRss = await readRss(ctx.api.pid);
  const growth = after.rss / warm.rss - 1;
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
  const run = after.result;
  ctx.log(
    `  B6 RSS (median of late samples) ${mb(warm.rss)} → ${mb(after.rss)} over ${run.ok + run.failed} requests in ${seconds.toFixed(1)} s (${run.failed} failed); last reading ${mb(finalRss)}`,
  );
  return {
    rows: [
      {
        id: 'B6',
        what: `RSS growth over ${REQUESTS.toLocaleString('en')} requests`,
        value: `${(growth * 100).toFixed(1)}%`,
        target: '≤ 10%',
        pass: growth <= 0.1,
        detail: `${mb(warm.rss)} after warm-up → ${mb(after.rss)} (medians of ${warm.samples} and ${after.samples} samples)`,
      },
    ],
    raw: { warm: warm.rss, after: after.rss, finalRss, growth, failed: run.failed },
  };
}
