/**
 * B1 authenticated reads (GET /verify, GET /user/profile) and B2 an internal Basic-auth call (GET /sys/whoami),
 * interleaved with the bare Express baseline at 50 connections.
 */
import { interleave, type Interleaved, type LoadSpec } from '../lib/measure.js';
import { ms, perSecond, ratio, type BenchContext, type Row } from '../lib/context.js';

export const CONNECTIONS = 50;
const TOKENS_IN_ROTATION = 200;

export function readSpecs(ctx: Pick<BenchContext, 'api' | 'baseline' | 'seeded' | 'duration'>) {
  const users = ctx.seeded.users.slice(0, TOKENS_IN_ROTATION).map((u) => ({ headers: { authorization: u.auth } }));
  const base = { connections: CONNECTIONS, duration: ctx.duration };
  return {
    baseline: (): LoadSpec => ({ ...base, url: ctx.baseline.url, path: '/baseline' }),
    verify: (): LoadSpec => ({ ...base, url: ctx.api.url, path: '/verify', rotate: users }),
    profile: (): LoadSpec => ({ ...base, url: ctx.api.url, path: '/user/profile', rotate: users }),
    whoami: (): LoadSpec => ({ ...base, url: ctx.api.url, path: '/sys/whoami', headers: { authorization: ctx.seeded.service.auth } }),
  };
}

export function readRows(result: Interleaved, prefix = ''): Row[] {
  const rows: Row[] = [];
  const detail = (name: string) =>
    `${perSecond(result.rps[name]!)} vs baseline ${perSecond(result.baselineRps)}; p99 ${ms(result.p99[name]!)}`;
  if (result.ratio.verify !== undefined) {
    rows.push({ id: `${prefix}B1`, what: 'GET /verify throughput', value: ratio(result.ratio.verify), target: '≥ 0.45×', pass: result.ratio.verify >= 0.45, detail: detail('verify') });
    rows.push({ id: `${prefix}B1`, what: 'GET /verify p99', value: ms(result.p99.verify!), target: '≤ 25 ms', pass: result.p99.verify! <= 25 });
  }
  if (result.ratio.profile !== undefined) {
    rows.push({ id: `${prefix}B1`, what: 'GET /user/profile throughput', value: ratio(result.ratio.profile), target: '≥ 0.30×', pass: result.ratio.profile >= 0.3, detail: detail('profile') });
    rows.push({ id: `${prefix}B1`, what: 'GET /user/profile p99', value: ms(result.p99.profile!), target: '≤ 25 ms', pass: result.p99.profile! <= 25 });
  }
  if (result.ratio.whoami !== undefined) {
    rows.push({ id: `${prefix}B2`, what: 'GET /sys/whoami (Basic) throughput', value: ratio(result.ratio.whoami), target: '≥ 0.35×', pass: result.ratio.whoami >= 0.35, detail: detail('whoami') });
  }
  return rows;
}

export async function runReads(ctx: BenchContext): Promise<{ rows: Row[]; raw: Interleaved }> {
  const specs = readSpecs(ctx);
  const raw = await interleave({
    rounds: ctx.rounds,
    warmupSeconds: 2,
    baseline: specs.baseline,
    scenarios: { verify: specs.verify, profile: specs.profile, whoami: specs.whoami },
    onRound: (t) => ctx.log(`  B1/B2 ${t}`),
  });
  for (const [name, runs] of Object.entries(raw.scenarios)) {
    const failed = runs.reduce((n, r) => n + r.failed, 0);
    if (failed) ctx.log(`  warning: ${name} had ${failed} non-2xx/errored responses`);
  }
  return { rows: readRows(raw), raw };
}
