/** Child processes of the bench: the built API server, the baseline server and the raw bcrypt loop. */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

export interface Child {
  name: string;
  pid: number;
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before answering (see bench/results/${name}.log)`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not answer ${url} within ${timeoutMs} ms (see bench/results/${name}.log)`);
}

/** Spawns `node <args>`, logging stdout+stderr to bench/results/<name>.log, and waits until `readyPath` answers 200. */
export async function startChild(options: {
  name: string;
  nodeBinary: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  port: number;
  readyPath: string;
  timeoutMs?: number;
}): Promise<Child> {
  // stdout/stderr go straight to a file: through a pipe, the server's synchronous stdout writes (the access log)
  // would wait for this busy process to read them, and the bench would measure its own backlog.
  const log = openSync(path.join(RESULTS_DIR, `${options.name}.log`), 'w');
  const child = spawn(options.nodeBinary, options.args, { cwd: ROOT, env: options.env, stdio: ['ignore', log, log] });
  closeSync(log);
  const url = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForHttp(url + options.readyPath, child, options.name, options.timeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name: options.name, pid: child.pid!, url, process: child, stop };
}

/** Resident set size of a process in bytes, from /proc/<pid>/status (VmRSS). */
export async function readRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc/<pid>/stat. */
export async function readCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[11] = utime, fields[12] = stime (fields 14 and 15 of proc(5), counted from state = field 3)
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs `node --import tsx bench/bcrypt-loop.ts` and returns its compares per second. */
export async function measureRawBcrypt(nodeBinary: string, cost: number, concurrency: number, seconds: number): Promise<number> {
  const child = spawn(nodeBinary, ['--import', 'tsx', path.join('bench', 'bcrypt-loop.ts'), String(cost), String(concurrency), String(seconds)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bcrypt loop exited with ${code}`);
  return (JSON.parse(out.trim()) as { rate: number }).rate;
}
