/** Shared steps of the deployment tests: the built server, PM2 with its own home, production settings, clients. */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { io as connect, type Socket, type SocketOptions, type ManagerOptions } from 'socket.io-client';
import { PROJECT_ROOT } from '../../config/index.js';
import type { TestContext } from '../helpers/server.js';
import { TEST_ENV } from '../helpers/test-config.js';

const run = promisify(execFile);

function newestMtime(dir: string): number {
  let newest = 0;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  walk(dir);
  return newest;
}

/** `npm run build` unless dist/ is newer than every source file (CI builds once before these tests). */
export async function ensureBuilt(): Promise<void> {
  const entry = path.join(PROJECT_ROOT, 'dist/src/index.js');
  const sources = Math.max(newestMtime(path.join(PROJECT_ROOT, 'src')), newestMtime(path.join(PROJECT_ROOT, 'config')));
  if (existsSync(entry) && statSync(entry).mtimeMs >= sources) return;
  await run('npm', ['run', 'build'], { cwd: PROJECT_ROOT, timeout: 600_000 });
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The machine's PostgreSQL/Redis connection settings (PS_*, REDIS_*), as the test config reads them. */
function machineEnv(): Record<string, string> {
  const machine: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && /^(PS_|REDIS_)/.test(key)) machine[key] = value;
  }
  return machine;
}

/**
 * What a production instance needs, pointed at the test database, Redis db and the in-process stand-ins of `ctx`
 * (same secrets as the test server, so its tokens and callbacks are accepted).
 */
export function productionEnv(ctx: TestContext, extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.tmpdir(),
    ...machineEnv(),
    PS_DB: TEST_ENV.PS_DB!,
    REDIS_DB: TEST_ENV.REDIS_DB!,
    PS_POOL_MAX: '5',
    NODE_ENV: 'production',
    SECRET_AUTH_CONFIG: TEST_ENV.SECRET_AUTH_CONFIG!,
    XENDIT_CALLBACK_TOKEN: TEST_ENV.XENDIT_CALLBACK_TOKEN!,
    XENDIT_SECRET_KEY: TEST_ENV.XENDIT_SECRET_KEY!,
    XENDIT_API_URL: ctx.xendit.url,
    XENDIT_SYNC_ENABLED: 'false',
    EMAIL_HOST: '127.0.0.1',
    EMAIL_PORT: String(ctx.smtp.port),
    EMAIL_SECURE: 'false',
    EMAIL_FROM: 'UserState <noreply@userstate.test>',
    ENCRYPTION_KEYS: `deploytest:${randomBytes(32).toString('base64')}`,
    FIREBASE_KEY_PATH: 'keystore/does-not-exist-in-tests.json',
    BCRYPT_COST: '4',
    LOG_LEVEL: 'warn',
    ACCESS_LOG: 'false',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...extra,
  };
}

/** PM2 (the dev dependency) with a home of its own in a temp folder; `kill()` stops its daemon and every app. */
export async function startPm2Home() {
  const home = await mkdtemp(path.join(os.tmpdir(), 'userstate-pm2-'));
  const bin = path.join(PROJECT_ROOT, 'node_modules/pm2/bin/pm2');
  const pm2 = async (args: string[], env: Record<string, string> = {}) => {
    const { stdout } = await run(process.execPath, [bin, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...env, PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? home, PM2_HOME: home },
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  };
  return {
    home,
    pm2,
    /** The PM2 processes of the app: instance id, pid, status. */
    async list(): Promise<Array<{ pm_id: number; pid: number; status: string; restarts: number }>> {
      const apps = JSON.parse(await pm2(['jlist'])) as Array<{ pm_id: number; pid: number; pm2_env: { status: string; restart_time: number } }>;
      return apps.map((a) => ({ pm_id: a.pm_id, pid: a.pid, status: a.pm2_env.status, restarts: a.pm2_env.restart_time }));
    },
    async kill() {
      await pm2(['kill']).catch(() => undefined);
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Polls `url` until it answers 200 (an instance starting), or fails after `timeoutMs`. */
export async function waitForOk(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const status = await getStatus(url);
      if (status === 200) return;
      last = `status ${status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.fail(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}

/** One GET on a fresh connection (no keep-alive), resolving with the status code. */
export function getStatus(url: string, timeoutMs = 15_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

export type ClientOptions = Partial<ManagerOptions & SocketOptions>;

/** A Socket.io client as an app would open it (default transports unless `options` say otherwise). */
export async function connectClient(url: string, token: string, options: ClientOptions = {}): Promise<Socket> {
  const socket = connect(url, { forceNew: true, reconnection: false, timeout: 20_000, auth: { token }, ...options });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(new Error(`connect_error: ${error.message}`)));
  });
  return socket;
}

/** Subscribes to the user's payments and resolves with the first update for `invoiceId` once `pay()` is called. */
export async function subscribeAndListen(socket: Socket, username: string) {
  const updates: Array<{ invoice_id: string; status: string }> = [];
  socket.on('payment:status:update', (update: { invoice_id: string; status: string }) => updates.push(update));
  const ack = (await socket.timeout(20_000).emitWithAck('subscribe:payment', { username })) as { status: boolean };
  assert.equal(ack.status, true, `subscribe of ${username}: ${JSON.stringify(ack)}`);
  return updates;
}

/** Spawns `command` and collects its output; `stop()` kills it by pid if it is still running. */
export function spawnProcess(command: string, args: string[], options: { cwd?: string; env: Record<string, string> }) {
  const child = spawn(command, args, { cwd: options.cwd ?? PROJECT_ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    exited,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Every descendant pid of `pid` (children, grandchildren, ...), read from /proc. */
export async function descendantsOf(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we read
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const child of parents.get(p) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/** Running: the process exists and is not a zombie (an orphan's zombie waits on PID 1, which may never reap it). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
