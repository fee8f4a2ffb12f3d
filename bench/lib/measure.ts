/** autocannon runs, medians and the interleaved baseline/scenario rounds every figure is built from. */
import autocannon from 'autocannon';
import { readCpuSeconds } from './processes.js';

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
  /** the serving process's CPU time (user + system) per request in µs, when interleave() was given its pid */
  cpuUs?: number;
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
  /** per scenario (and the baseline): median over rounds of the server's CPU µs per request, where a pid was given */
  cpuUs: Record<string, number>;
  baselineCpuUs?: number;
}

/** load(), reading the CPU time of `pid` (the process that answers) before and after: µs per request. */
export async function loadWithCpu(spec: LoadSpec, pid: number | undefined): Promise<LoadResult> {
  if (pid === undefined) return load(spec);
  const before = await readCpuSeconds(pid);
  const result = await load(spec);
  const cpu = (await readCpuSeconds(pid)) - before;
  const requests = result.ok + result.failed;
  return { ...result, cpuUs: requests ? (cpu / requests) * 1e6 : NaN };
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
  /** pid of the process serving the baseline / each scenario: its CPU time per request is read around every run */
  cpuPids?: { baseline?: number; scenarios?: Record<string, number> };
  onRound?: (text: string) => void;
}): Promise<Interleaved> {
  const names = Object.keys(options.scenarios);
  await load({ ...options.baseline(), duration: options.warmupSeconds });
  for (const name of names) await load({ ...options.scenarios[name]!(), duration: options.warmupSeconds });
  const baseline: LoadResult[] = [];
  const scenarios: Record<string, LoadResult[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    const base = await loadWithCpu(options.baseline(), options.cpuPids?.baseline);
    baseline.push(base);
    const cpu = (r: LoadResult) => (r.cpuUs === undefined ? '' : ` ${r.cpuUs.toFixed(0)} µs CPU/req`);
    const parts = [`baseline ${base.rps.toFixed(0)}/s${cpu(base)}`];
    for (const name of names) {
      const r = await loadWithCpu(options.scenarios[name]!(), options.cpuPids?.scenarios?.[name]);
      scenarios[name]!.push(r);
      parts.push(`${name} ${r.rps.toFixed(0)}/s p99 ${r.p99} ms${cpu(r)}${r.failed ? ` (${r.failed} failed)` : ''}`);
    }
    options.onRound?.(`round ${round + 1}: ${parts.join(', ')}`);
  }
  const ratio: Record<string, number> = {};
  const p99: Record<string, number> = {};
  const rps: Record<string, number> = {};
  const cpuUs: Record<string, number> = {};
  const medianCpu = (runs: LoadResult[]) => (runs.length > 0 && runs.every((r) => r.cpuUs !== undefined) ? median(runs.map((r) => r.cpuUs!)) : undefined);
  for (const name of names) {
    const runs = scenarios[name]!;
    ratio[name] = median(runs.map((r, i) => r.rps / baseline[i]!.rps));
    p99[name] = median(runs.map((r) => r.p99));
    rps[name] = median(runs.map((r) => r.rps));
    const cpu = medianCpu(runs);
    if (cpu !== undefined) cpuUs[name] = cpu;
  }
  const baselineCpuUs = medianCpu(baseline);
  return { baseline, scenarios, ratio, p99, rps, baselineRps: median(baseline.map((b) => b.rps)), cpuUs, ...(baselineCpuUs === undefined ? {} : { baselineCpuUs }) };
}
