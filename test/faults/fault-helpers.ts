/** Tools of the fault suites: a Redis the test owns, free ports, timing and polling. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { before } from 'node:test';

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A throw-away redis-server (no persistence) on `port`, started and stopped by the test. */
export function ownRedis(port: number) {
  let child: ChildProcess | undefined;
  return {
    port,
    async start(): Promise<void> {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      const deadline = Date.now() + 10_000;
      while (!(await canConnect(port))) {
        if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
        await sleep(50);
      }
    },
    async stop(): Promise<void> {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * A throw-away redis-server for the suite, started in a `before` hook registered here: call it before
 * `useTestServer(overrides)` so the server starts against it, and stop it in an `after` registered after the server's.
 */
export function useOwnRedis(): { redis: ReturnType<typeof ownRedis>; overrides: Record<string, string> } {
  const overrides: Record<string, string> = {};
  const redis = ownRedis(0);
  before(async () => {
    const port = await freePort();
    Object.assign(redis, ownRedis(port));
    Object.assign(overrides, { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(port), REDIS_DB: '0' });
    await redis.start();
  });
  return { redis, overrides };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` and returns its result with the time it took. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - started };
}

/** Polls `check` until it returns true, or fails after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}
