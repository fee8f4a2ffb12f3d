/**
 * `npm run bench`: builds the server, starts it (node dist/src/index.js) as a separate process on real PostgreSQL and
 * Redis with a database of its own, seeds it, runs the scenarios against a bare Express baseline measured in the same
 * invocation, prints a table and writes bench/results/latest.json. Never part of `npm test`.
 *
 * Scenarios: B1 GET /verify and GET /user/profile vs the baseline (with the server's CPU µs per request), B2 a
 * Basic-auth call, B3 login vs raw bcrypt and reads during a login flood, B4 payment callback → socket push,
 * B5 contended wallet, B6 memory over 100k requests, B7 B1 on Node 24, B8 GET /verify with 2 instances vs 1 under
 * PM2 cluster mode on one port (ecosystem.config.js; held to its target only with ≥ 4 cores, reported otherwise).
 *
 * Knobs (environment): BENCH_ONLY=B1,B3 (a subset, for smoke runs; default B1,B2,B3,B4,B5,B6,B7,B8),
 * BENCH_DURATION=5 (seconds per run), BENCH_ROUNDS=3, BENCH_SKIP_BUILD=1, BENCH_NODE24=skip,
 * BENCH_STRICT=1 (exit 1 when a target is missed; a row without a verdict, e.g. B8 below 4 cores, is no miss),
 * BENCH_CPU_PROF=1 (CPU profile of the API server into bench/results/profiles/; not of B8's PM2 instances),
 * plus PS_HOST/PS_PORT/PS_USER/PS_PASSWORD and REDIS_HOST/REDIS_PORT/REDIS_PASSWORD to reach the stores.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/index.js';
import { startFakeXendit } from '../test/helpers/fake-xendit.js';
import type { BenchContext, Row } from './lib/context.js';
import { serverEnvironment } from './lib/server-env.js';
import { freePort, RESULTS_DIR, ROOT, startChild, type Child } from './lib/processes.js';
import { resetStores, seed } from './lib/seed.js';
import { runCluster } from './scenarios/cluster.js';
import { runLogin } from './scenarios/login.js';
import { runMemory } from './scenarios/memory.js';
import { findNode24, runNode24 } from './scenarios/node24.js';
import { runPush } from './scenarios/push.js';
import { runReads } from './scenarios/reads.js';
import { runWallet } from './scenarios/wallet.js';

const startedAt = new Date();
const only = new Set((process.env.BENCH_ONLY ?? 'B1,B2,B3,B4,B5,B6,B7,B8').toUpperCase().split(',').map((s) => s.trim()));
const duration = Number(process.env.BENCH_DURATION ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const SEEDED_USERS = 1000;

const log = (text: string) => process.stdout.write(`${text}\n`);
const elapsed = () => `${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s`;

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    nproc: os.availableParallelism(),
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    memoryGb: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    kernel: os.release(),
  };
}

async function startPair(nodeBinary: string, xenditUrl: string, secretEnv?: NodeJS.ProcessEnv) {
  const apiPort = await freePort();
  const env = { ...serverEnvironment(apiPort, xenditUrl), ...(secretEnv ?? {}), API_PORT: String(apiPort) };
  const suffix = nodeBinary === process.execPath ? '' : '-node24';
  // BENCH_CPU_PROF=1 writes a V8 CPU profile of the API server to bench/results/profiles/ when it stops.
  const profile = process.env.BENCH_CPU_PROF === '1' ? ['--cpu-prof', `--cpu-prof-dir=${path.join(RESULTS_DIR, 'profiles')}`] : [];
  const api = await startChild({ name: `api${suffix}`, nodeBinary, args: [...profile, 'dist/src/index.js'], env, port: apiPort, readyPath: '/health', timeoutMs: 90_000 });
  const basePort = await freePort();
  const baseline = await startChild({
    name: `baseline${suffix}`,
    nodeBinary,
    args: ['--import', 'tsx', 'bench/baseline-server.ts'],
    env: { ...process.env, BASELINE_PORT: String(basePort), NODE_ENV: 'production' },
    port: basePort,
    readyPath: '/baseline',
  });
  return { api, baseline, env };
}

function printTable(rows: Row[]): string {
  const header = ['', 'scenario', 'result', 'target', 'met', 'detail'];
  const lines = rows.map((r) => [r.id, r.what, r.value, r.target, r.pass === null ? '—' : r.pass ? 'yes' : 'NO', r.detail ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n');
}

async function main(): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const info = machine();
  log(`UserState API bench: ${info.nproc} CPU (${info.cpu}), Node ${info.node}; ${rounds} rounds × ${duration} s; scenarios ${[...only].join(',')}`);
  if (process.env.BENCH_SKIP_BUILD !== '1') {
    log('building (npm run build)…');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  }

  const xendit = await startFakeXendit();
  const children: Child[] = [];
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  let failed = false;
  try {
    const probeEnv = serverEnvironment(0, xendit.url);
    const config = loadConfig(probeEnv);
    await resetStores(config);
    log(`starting the API (node dist/src/index.js, database ${config.postgres.database}, Redis db ${config.redis.db}) and the baseline…`);
    const secretEnv = { SECRET_AUTH_CONFIG: probeEnv.SECRET_AUTH_CONFIG, ENCRYPTION_KEYS: probeEnv.ENCRYPTION_KEYS };
    const pair = await startPair(process.execPath, xendit.url, secretEnv);
    children.push(pair.api, pair.baseline);
    const seeded = await seed(config, SEEDED_USERS);
    log(`seeded ${SEEDED_USERS} users with wallets and PENDING top-ups, one contended wallet and an API key (${elapsed()})`);
    const ctx: BenchContext = { api: pair.api, baseline: pair.baseline, config, seeded, duration, rounds, nodeBinary: process.execPath, log };

    const step = async (id: string, title: string, run: () => Promise<{ rows: Row[]; raw: unknown }>) => {
      log(`${id} ${title}…`);
      try {
        const result = await run();
        rows.push(...result.rows);
        raw[id] = result.raw;
      } catch (error) {
        failed = true;
        log(`  ${id} failed: ${(error as Error).stack ?? String(error)}`);
        rows.push({ id, what: title, value: 'error', target: '', pass: false, detail: (error as Error).message });
      }
      log(`  (${elapsed()})`);
    };

    let node20 = { verify: NaN, profile: NaN };
    if (only.has('B1') || only.has('B2') || only.has('B7')) {
      await step('B1+B2', 'authenticated reads and Basic-auth call vs baseline', async () => {
        const r = await runReads(ctx);
        node20 = { verify: r.raw.rps.verify!, profile: r.raw.rps.profile! };
        return r;
      });
    }
    if (only.has('B3')) await step('B3', 'login vs raw bcrypt, and reads during a login flood', () => runLogin(ctx));
    if (only.has('B4')) await step('B4', 'payment callback → socket push with 1,000 clients', () => runPush(ctx));
    if (only.has('B5')) await step('B5', 'contended wallet', () => runWallet(ctx));
    if (only.has('B6')) await step('B6', 'memory over 100k requests', () => runMemory(ctx));

    if (only.has('B7')) {
      const node24 = await findNode24();
      if ('skip' in node24) {
        log(`B7 skipped: ${node24.skip}`);
        rows.push({ id: 'B7', what: 'B1 on Node 24', value: 'skipped', target: 'reported', pass: null, detail: node24.skip });
      } else {
        // One server pair at a time: the Node 20 pair stops so both runs get the same machine.
        await Promise.all(children.splice(0).map((c) => c.stop()));
        await step('B7', `B1 on Node ${node24.version}`, async () => {
          const pair24 = await startPair(node24.binary, xendit.url, secretEnv);
          children.push(pair24.api, pair24.baseline);
          return runNode24({ ...ctx, api: pair24.api, baseline: pair24.baseline }, node24.version, node20);
        });
      }
    }

    if (only.has('B8')) {
      // B8 runs last, after the single-instance API and the baseline are stopped (nothing needs them afterwards):
      // simpler than stopping and restarting them around it, and the PM2 instances get the machine to themselves.
      // The API had to start first all the same: it creates and migrates the bench database that seed() fills.
      await Promise.all(children.splice(0).map((c) => c.stop()));
      await step('B8', 'GET /verify, 2 instances vs 1 under PM2 cluster mode on one port', () => runCluster(ctx, { xenditUrl: xendit.url, secretEnv }));
    }
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await xendit.close();
  }

  const table = printTable(rows);
  const targets = rows.filter((r) => r.pass !== null);
  const met = targets.filter((r) => r.pass).length;
  const finishedAt = new Date();
  log(`\n${table}\n\n${met} of ${targets.length} targets met; ${((finishedAt.getTime() - startedAt.getTime()) / 1000).toFixed(0)} s in all.`);
  await writeFile(
    path.join(RESULTS_DIR, 'latest.json'),
    `${JSON.stringify({ startedAt, finishedAt, machine: info, settings: { duration, rounds, scenarios: [...only] }, rows, table, raw }, null, 2)}\n`,
  );
  log(`written: bench/results/latest.json`);
  if (failed || (process.env.BENCH_STRICT === '1' && met < targets.length)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
