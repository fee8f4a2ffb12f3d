/**
 * B8 the one-port cluster setup (README "Deployment", one host): the built server (dist/src/index.js) under PM2
 * cluster mode with the settings of the project's ecosystem.config.js, once with 1 instance and once with 2 instances
 * on the same port, GET /verify at 50 connections with the tokens of 200 users in rotation (as B1), interleaved
 * (1 instance, 2 instances, 1, 2, …) for the bench's rounds; the figure is the median of the per-round ratios.
 *
 * PM2 runs from the dev dependency with a PM2_HOME of its own under /tmp (as test/deploy/pm2-cluster.test.ts does),
 * so nothing touches a user's PM2; its daemon and every instance are killed at the end, on error too, and on SIGINT
 * or SIGTERM of the bench. Each configuration is started fresh (pm2 start → all online → warm-up) and deleted after
 * its run, so the two never share the port. Two instances can only serve more than one where there are cores for
 * them beside the load generator and PostgreSQL/Redis: below MIN_CORES the ratio is reported without a verdict.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { load, median, type LoadResult, type LoadSpec } from '../lib/measure.js';
import { freePort, readCpuSeconds, RESULTS_DIR, ROOT } from '../lib/processes.js';
import { serverEnvironment } from '../lib/server-env.js';
import { ms, perSecond, ratio, type BenchContext, type Row } from '../lib/context.js';
import { CONNECTIONS, TOKENS_IN_ROTATION } from './reads.js';

const run = promisify(execFile);
const PM2_BIN = path.join(ROOT, 'node_modules', 'pm2', 'bin', 'pm2');
const APP = 'userstate-api';
/** 2 instances + the load generator + PostgreSQL/Redis */
export const MIN_CORES = 4;
const TARGET = 1.7;
const WARMUP_SECONDS = 2;
const COUNTS = [1, 2] as const;

interface Pm2App {
  pm_id: number;
  pid: number;
  status: string;
  restarts: number;
}

/** A process's start time (field 22 of /proc/<pid>/stat) while it runs (not a zombie); undefined once it is gone. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

/** PM2 with a home of its own; `kill()` ends its daemon and every instance, whatever state they are in. */
async function privatePm2(envFor: (home: string) => NodeJS.ProcessEnv) {
  const home = await mkdtemp('/tmp/userstate-bench-pm2-');
  const env = envFor(home);
  // Every process PM2 reported to us (its daemon, each instance) by pid and start time, so a pid the system has
  // since given to another process is never signalled: killed by id at the end if still running.
  const seen = new Map<number, string>();
  const note = (pid: number | undefined) => {
    const started = pid ? startTime(pid) : undefined;
    if (pid && started && !seen.has(pid)) seen.set(pid, started);
  };
  /** Still the same process PM2 reported, and running. */
  const running = (pid: number) => seen.has(pid) && startTime(pid) === seen.get(pid);
  const daemonPid = (): number | undefined => {
    try {
      const pid = Number(readFileSync(path.join(home, 'pm2.pid'), 'utf8').trim());
      return pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  const pm2 = async (args: string[], timeout = 120_000) => {
    const { stdout } = await run(process.execPath, [PM2_BIN, ...args], {
      cwd: ROOT,
      env: { ...env, PM2_HOME: home },
      timeout,
      maxBuffer: 16 * 1024 * 1024,
    });
    note(daemonPid());
    return stdout;
  };
  const list = async (): Promise<Pm2App[]> => {
    const apps = JSON.parse(await pm2(['jlist'])) as Array<{ pm_id: number; pid: number; pm2_env: { status: string; restart_time: number } }>;
    for (const a of apps) note(a.pid);
    return apps.map((a) => ({ pm_id: a.pm_id, pid: a.pid, status: a.pm2_env.status, restarts: a.pm2_env.restart_time }));
  };
  /** Synchronous last resort (signal and exit handlers): SIGKILL by pid, daemon first so it restarts nothing. */
  const killNow = () => {
    note(daemonPid());
    const daemon = daemonPid();
    for (const pid of [...(daemon ? [daemon] : []), ...seen.keys()]) {
      if (running(pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    }
  };
  let killed = false;
  const kill = async () => {
    if (killed) return;
    killed = true;
    await pm2(['kill'], 60_000).catch(() => undefined);
    const deadline = Date.now() + 5000;
    while ([...seen.keys()].some(running) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    killNow();
    await rm(home, { recursive: true, force: true });
  };
  return { home, pm2, list, kill, killNow, daemonPid, running };
}

export async function runCluster(
  ctx: BenchContext,
  options: { xenditUrl: string; secretEnv: NodeJS.ProcessEnv },
): Promise<{ rows: Row[]; raw: unknown }> {
  const cores = os.availableParallelism();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The same production environment, database, Redis db and secrets as the bench's own API (so the seeded tokens
  // are accepted); Socket.io's peer sockets go into the private PM2 home.
  const pm = await privatePm2((home) => ({
    ...serverEnvironment(port, options.xenditUrl),
    ...options.secretEnv,
    API_PORT: String(port),
    SOCKET_PEER_DIR: path.join(home, 'peers'),
  }));
  const onSignal = (signal: NodeJS.Signals) => {
    pm.killNow();
    process.stderr.write(`B8: ${signal}: PM2 daemon and instances killed\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', pm.killNow);

  try {
    // The project's PM2 settings, with the instance count of the run and the logs in bench/results/ instead of ./logs/.
    const ecosystem = (await import(pathToFileURL(path.join(ROOT, 'ecosystem.config.js')).href)) as { apps: Array<Record<string, unknown>> };
    const app = ecosystem.apps.find((a) => a.name === APP);
    if (!app) throw new Error(`ecosystem.config.js has no app named ${APP}`);
    const logs = { out_file: path.join(RESULTS_DIR, 'api-pm2-out.log'), error_file: path.join(RESULTS_DIR, 'api-pm2-err.log') };
    await Promise.all(Object.values(logs).map((file) => writeFile(file, '')));
    const configFile = (instances: number) => path.join(pm.home, `ecosystem-${instances}.json`);
    for (const instances of COUNTS) {
      await writeFile(configFile(instances), JSON.stringify({ apps: [{ ...app, cwd: ROOT, instances, ...logs }] }, null, 2));
    }

    const users = ctx.seeded.users.slice(0, TOKENS_IN_ROTATION).map((u) => ({ headers: { authorization: u.auth } }));
    const verify = (duration: number): LoadSpec => ({ url, path: '/verify', connections: CONNECTIONS, duration, rotate: users });

    /** Starts `instances` fresh, waits until every one is online and the port answers, warms up, measures, deletes. */
    const measure = async (instances: number) => {
      await pm.pm2(['start', configFile(instances)]);
      const deadline = Date.now() + 90_000;
      let apps = await pm.list();
      while (!(apps.length === instances && apps.every((a) => a.status === 'online'))) {
        if (apps.some((a) => a.status === 'errored' || a.status === 'stopped')) break;
        if (Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 250));
        apps = await pm.list();
      }
      if (!(apps.length === instances && apps.every((a) => a.status === 'online'))) {
        throw new Error(`PM2 did not bring ${instances} instance(s) online: ${JSON.stringify(apps)} (see bench/results/api-pm2-err.log)`);
      }
      const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(10_000) });
      await health.arrayBuffer();
      if (!health.ok) throw new Error(`${url}/health answered ${health.status} with ${instances} instance(s)`);
      await load(verify(WARMUP_SECONDS));
      const daemon = pm.daemonPid();
      const pids = [...apps.map((a) => a.pid), ...(daemon ? [daemon] : [])];
      const before = await Promise.all(pids.map(readCpuSeconds));
      const result = await load(verify(ctx.duration));
      const after = await Promise.all(pids.map(readCpuSeconds));
      const cpu = pids.map((_, i) => after[i]! - before[i]!);
      const restarts = (await pm.list()).reduce((n, a) => n + a.restarts, 0);
      await pm.pm2(['delete', APP]);
      // The port is free and no instance is left before the next configuration starts.
      const gone = Date.now() + 20_000;
      while (apps.some((a) => pm.running(a.pid)) && Date.now() < gone) await new Promise((r) => setTimeout(r, 100));
      if (apps.some((a) => pm.running(a.pid))) throw new Error(`instances ${apps.map((a) => a.pid).join(', ')} still running after pm2 delete`);
      const cpuText = `CPU ${apps.map((a, i) => `instance ${a.pm_id} ${cpu[i]!.toFixed(1)} s`).join(', ')}${daemon ? `, PM2 daemon ${cpu[apps.length]!.toFixed(1)} s` : ''}`;
      return { result, cpu, cpuText, restarts };
    };

    const runs: Record<number, LoadResult[]> = { 1: [], 2: [] };
    const rawRounds: unknown[] = [];
    for (let round = 0; round < ctx.rounds; round += 1) {
      const parts: string[] = [];
      const record: Record<string, unknown> = {};
      for (const instances of COUNTS) {
        const m = await measure(instances);
        runs[instances]!.push(m.result);
        record[instances] = { ...m.result, cpuSeconds: m.cpu, restarts: m.restarts };
        parts.push(
          `${instances} instance${instances > 1 ? 's' : ''} ${m.result.rps.toFixed(0)}/s p99 ${m.result.p99} ms${m.result.failed ? ` (${m.result.failed} failed)` : ''}${m.restarts ? ` (${m.restarts} restarts)` : ''}; ${m.cpuText}`,
        );
      }
      rawRounds.push(record);
      ctx.log(`  B8 round ${round + 1}: ${parts.join(' | ')}`);
    }

    const one = runs[1]!;
    const two = runs[2]!;
    const r = median(two.map((t, i) => t.rps / one[i]!.rps));
    const failed = [...one, ...two].reduce((n, x) => n + x.failed, 0);
    const enough = cores >= MIN_CORES;
    const detail =
      `2 instances ${perSecond(median(two.map((x) => x.rps)))} p99 ${ms(median(two.map((x) => x.p99)))} vs 1 instance ` +
      `${perSecond(median(one.map((x) => x.rps)))} p99 ${ms(median(one.map((x) => x.p99)))}; ${cores} cores` +
      (failed ? `; ${failed} requests failed` : '') +
      (enough ? '' : `; not held to the target: needs ≥ ${MIN_CORES} cores for 2 instances + load generator; this machine has ${cores}`);
    return {
      rows: [
        {
          id: 'B8',
          what: 'GET /verify, 2 instances vs 1 (PM2 cluster, one port)',
          value: ratio(r),
          target: `≥ ${TARGET}×`,
          pass: enough ? r >= TARGET && failed === 0 : null,
          detail,
        },
      ],
      raw: { cores, minCores: MIN_CORES, port, ratio: r, rounds: rawRounds },
    };
  } finally {
    // The signal and exit handlers stay until the daemon is gone: a Ctrl-C during `pm2 kill` still kills it.
    await pm.kill();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('exit', pm.killNow);
  }
}
