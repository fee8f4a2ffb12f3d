/**
 * The cost ladder (a profiling aid, not part of `npm run bench`): how much server CPU per request each library of the
 * GET /verify pipeline costs on this machine, with none of our code. Starts bench/ladder/app.ts once per step (each
 * adds one piece), loads it like B1 does (50 connections, 200 rotated tokens), and prints req/s and the server's
 * CPU µs per request, per round and as medians.
 *
 *   node --import tsx bench/ladder/run.ts [rounds] [seconds]      LADDER_NODE=/tmp/node24/bin/node for another Node
 */
import { fork } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { createSecretKey, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { load, loadWithCpu, median } from '../lib/measure.js';
import { RESULTS_DIR } from '../lib/processes.js';
import { LADDER_KEY, STEPS } from './steps.js';

const [rounds = 3, seconds = 4] = process.argv.slice(2).map(Number);
const key = createSecretKey(LADDER_KEY);
const rotate = Array.from({ length: 200 }, (_, i) => ({
  headers: { authorization: `Bearer ${jwt.sign({ user: `user${i}`, jti: randomUUID(), exp: Math.floor(Date.now() / 1000) + 3600 }, key, { algorithm: 'HS256' })}` },
}));

async function measure(step: number): Promise<{ rps: number; cpuUs: number }> {
  // The access log goes to a file, as the bench's server log does (bench/results/api.log).
  const accessLog = openSync(path.join(RESULTS_DIR, 'ladder-access.log'), 'w');
  const child = fork(new URL('./app.ts', import.meta.url).pathname, {
    execPath: process.env.LADDER_NODE ?? process.execPath,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, LADDER_STEP: String(step) },
    stdio: ['ignore', accessLog, 'inherit', 'ipc'],
  });
  try {
    const port = await new Promise<number>((resolve) => child.once('message', (message) => resolve(Number(message))));
    const spec = { url: `http://127.0.0.1:${port}`, path: '/ladder', connections: 50, rotate };
    await load({ ...spec, duration: 1 });
    const result = await loadWithCpu({ ...spec, duration: seconds }, child.pid!);
    if (result.failed) throw new Error(`step ${step}: ${result.failed} failed requests`);
    return { rps: result.rps, cpuUs: result.cpuUs! };
  } finally {
    child.kill();
    closeSync(accessLog);
  }
}

const runs = STEPS.map(() => [] as Array<{ rps: number; cpuUs: number }>);
for (let round = 1; round <= rounds; round += 1) {
  for (const [step] of STEPS.entries()) runs[step]!.push(await measure(step));
  process.stdout.write(`round ${round}: ${runs.map((r) => `${r.at(-1)!.cpuUs.toFixed(0)} µs`).join(', ')}\n`);
}
process.stdout.write(`\nNode ${process.env.LADDER_NODE ?? process.version}; medians of ${rounds} rounds × ${seconds} s\n`);
let previous = 0;
for (const [step, name] of STEPS.entries()) {
  const cpuUs = median(runs[step]!.map((r) => r.cpuUs));
  const rps = median(runs[step]!.map((r) => r.rps));
  process.stdout.write(`| ${step} | ${name} | ${rps.toFixed(0)}/s | ${cpuUs.toFixed(0)} µs | ${step ? `${cpuUs - previous >= 0 ? '+' : ''}${(cpuUs - previous).toFixed(0)} µs` : ''} |\n`);
  previous = cpuUs;
}
