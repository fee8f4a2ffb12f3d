/**
 * B1 authenticated reads (GET /verify, GET /user/profile) and B2 an internal Basic-auth call (GET /sys/whoami),
 * interleaved with the bare Express baseline at 50 connections. The server's (and the baseline's) CPU time per request
 * is read from /proc around every run (`readCpuSeconds`, as in bench/profile-one.ts) and shown in B1's detail.
 */
import { interleave, type Interleaved, type LoadSpec } from '../lib/measure.js';
import { ms, perSecond, ratio, type BenchContext, type Row } from '../lib/context.js';

export const CONNECTIONS = 50;
export const TOKENS_IN_ROTATION = 200;

export function readSpecs(ctx: Pick<BenchContext, 'api' | 'baseline' | 'seeded' | 'duration'>) {
  const users = ctx.seeded.users.slice(0, TOKENS_IN_ROTATION).map((u) => ({ headers: { authorization: u.auth } }));
  const base = { connections: CONNECTIONS, duration: ctx.duration };
  return {
    // The baseline gets the same requests (the same rotated Authorization headers, which it ignores) and every
    // scenario builds its requests the same way, so the load generator, on the same cores, works as hard for each.
    baseline: (): LoadSpec => ({ ...base, url: ctx.baseline.url, path: '/baseline', rotate: users }),
    verify: (): LoadSpec => ({ ...base, url: ctx.api.url, path: '/verify', rotate: users }),
    profile: (): LoadSpec => ({ ...base, url: ctx.api.url, path: '/user/profile', rotate: users }),
    whoami: (): LoadSpec => ({ ...base, url: ctx.api.url, path: '/sys/whoami', rotate: [{ headers: { authorization: ctx.seeded.service.auth } }] }),
  };
}

/** The targets B1 and B2 (and B7, which is B1 again on Node 24) are held to. */
export const READ_TARGETS = { verify: 0.6, profile: 0.4, whoami: 0.5, p99Ms: 25 };

export function readRows(result: Interleaved, prefix = ''): Row[] {
  const rows: Row[] = [];
  const us = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '?' : value.toFixed(0));
  const cpu = (name: string) =>
    result.cpuUs[name] === undefined ? '' : `; ${us(result.cpuUs[name])} µs CPU/req (baseline ${us(result.baselineCpuUs)} µs CPU/req)`;
  const detail = (name: string) =>
    `${perSecond(result.rps[name]!)} vs baseline ${perSecond(result.baselineRps)}; p99 ${ms(result.p99[name]!)}${cpu(name)}`;
  const p99Target = `≤ ${READ_TARGETS.p99Ms} ms`;
  const atLeast = (value: number) => `≥ ${value.toFixed(2)}×`;
  if (result.ratio.verify !== undefined) {
    rows.push({ id: `${prefix}B1`, what: 'GET /verify throughput', value: ratio(result.ratio.verify), target: atLeast(READ_TARGETS.verify), pass: result.ratio.verify >= READ_TARGETS.verify, detail: detail('verify') });
    rows.push({ id: `${prefix}B1`, what: 'GET /verify p99', value: ms(result.p99.verify!), target: p99Target, pass: result.p99.verify! <= READ_TARGETS.p99Ms });
  }
  if (result.ratio.profile !== undefined) {
    rows.push({ id: `${prefix}B1`, what: 'GET /user/profile throughput', value: ratio(result.ratio.profile), target: atLeast(READ_TARGETS.profile), pass: result.ratio.profile >= READ_TARGETS.profile, detail: detail('profile') });
    rows.push({ id: `${prefix}B1`, what: 'GET /user/profile p99', value: ms(result.p99.profile!), target: p99Target, pass: result.p99.profile! <= READ_TARGETS.p99Ms });
  }
  if (result.ratio.whoami !== undefined) {
    rows.push({ id: `${prefix}B2`, what: 'GET /sys/whoami (Basic) throughput', value: ratio(result.ratio.whoami), target: atLeast(READ_TARGETS.whoami), pass: result.ratio.whoami >= READ_TARGETS.whoami, detail: detail('whoami') });
  }
  return rows;
}

/** CPU time per request is read for the B1 routes (the API server's pid) and the baseline (its own pid). */
export function readCpuPids(ctx: Pick<BenchContext, 'api' | 'baseline'>) {
  return { baseline: ctx.baseline.pid, scenarios: { verify: ctx.api.pid, profile: ctx.api.pid } };
}

export async function runReads(ctx: BenchContext): Promise<{ rows: Row[]; raw: Interleaved }> {
  const specs = readSpecs(ctx);
  const raw = await interleave({
    rounds: ctx.rounds,
    warmupSeconds: 2,
    baseline: specs.baseline,
    scenarios: { verify: specs.verify, profile: specs.profile, whoami: specs.whoami },
    cpuPids: readCpuPids(ctx),
    onRound: (t) => ctx.log(`  B1/B2 ${t}`),
  });
  for (const [name, runs] of Object.entries(raw.scenarios)) {
    const failed = runs.reduce((n, r) => n + r.failed, 0);
    if (failed) ctx.log(`  warning: ${name} had ${failed} non-2xx/errored responses`);
  }
  return { rows: readRows(raw), raw };
}
