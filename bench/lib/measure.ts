/** autocannon runs, medians and the interleaved baseline/scenario rounds every figure is built from. */
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  path: string;
  method?: 'GET' | 'POST';
  connections: number;
  /** seconds; ignored when `amount` is set */
  duration?: number;
  /** total requests instead of a duration */
  amount?: number;
  /** fixed headers, or one header set per request (rotated, e.g. a different user's token each time) */
  headers?: Record<string, string>;
  rotate?: Array<{ headers?: Record<string, string>; body?: string; path?: string }>;
  body?: string;
}

export interface LoadResult {
  /** successful (2xx) responses per second */
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
  seconds: number;
}

export async function load(spec: LoadSpec): Promise<LoadResult> {
  const headers = { ...(spec.body ? { 'content-type': 'application/json' } : {}), ...spec.headers };
  let next = 0;
  const rotate = spec.rotate;
  const result = await autocannon({
    url: spec.url + spec.path,
    method: spec.method ?? 'GET',
    connections: spec.connections,
    pipelining: 1,
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.duration ?? 5 }),
    headers,
    ...(spec.body ? { body: spec.body } : {}),
    ...(rotate && rotate.length
      ? {
          requests: [
            {
              setupRequest: (req: autocannon.Request) => {
                const pick = rotate[next++ % rotate.length]!;
                return {
                  ...req,
                  ...(pick.path ? { path: pick.path } : {}),
                  ...(pick.body ? { body: pick.body } : {}),
                  headers: { ...headers, ...pick.headers },
                };
              },
            },
          ],
        }
      : {}),
  });
  const ok = result['2xx'];
  const failed = result.non2xx + result.errors + result.timeouts;
  return { rps: ok / result.duration, p50: result.latency.p50, p99: result.latency.p99, ok, failed, seconds: result.duration };
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface Interleaved {
  baseline: LoadResult[];
  scenarios: Record<string, LoadResult[]>;
  /** per scenario: median over rounds of (scenario rps / that round's baseline rps) */
  ratio: Record<string, number>;
  /** per scenario: median over rounds of p99 (ms) */
  p99: Record<string, number>;
  rps: Record<string, number>;
  baselineRps: number;
}

/**
 * baseline, A, B, …, baseline, A, B, … for `rounds` rounds, after one short warm-up of each. The ratio of a round is
 * scenario / the baseline measured just before it, and the reported figure is the median over rounds.
 */
export async function interleave(options: {
  rounds: number;
  warmupSeconds: number;
  baseline: () => LoadSpec;
  scenarios: Record<string, () => LoadSpec>;
  onRound?: (text: string) => void;
}): Promise<Interleaved> {
  const names = Object.keys(options.scenarios);
  await load({ ...options.baseline(), duration: options.warmupSeconds });
  for (const name of names) await load({ ...options.scenarios[name]!(), duration: options.warmupSeconds });
  const baseline: LoadResult[] = [];
  const scenarios: Record<string, LoadResult[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    const base = await load(options.baseline());
    baseline.push(base);
    const parts = [`baseline ${base.rps.toFixed(0)}/s`];
    for (const name of names) {
      const r = await load(options.scenarios[name]!());
      scenarios[name]!.push(r);
      parts.push(`${name} ${r.rps.toFixed(0)}/s p99 ${r.p99} ms${r.failed ? ` (${r.failed} failed)` : ''}`);
    }
    options.onRound?.(`round ${round + 1}: ${parts.join(', ')}`);
  }
  const ratio: Record<string, number> = {};
  const p99: Record<string, number> = {};
  const rps: Record<string, number> = {};
  for (const name of names) {
    const runs = scenarios[name]!;
    ratio[name] = median(runs.map((r, i) => r.rps / baseline[i]!.rps));
    p99[name] = median(runs.map((r) => r.p99));
    rps[name] = median(runs.map((r) => r.rps));
  }
  return { baseline, scenarios, ratio, p99, rps, baselineRps: median(baseline.map((b) => b.rps)) };
}
