/**
 * SIGTERM under load: the real entry file runs as a child process; a burst of requests is in flight when SIGTERM
 * arrives. Every request the server accepted gets a complete answer, later ones are refused at connect time, and
 * the process exits 0.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { describe, it } from 'node:test';
import { TEST_ENV } from '../helpers/test-config.js';

type Outcome = { kind: 'answered'; status: number; body: string } | { kind: 'refused' } | { kind: 'broken'; error: string };

/** One request on its own connection (no keep-alive), so "refused" can only mean "never accepted". */
function post(port: number, path: string, body: object, ip: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const payload = JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-forwarded-for': ip, connection: 'close' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ kind: 'answered', status: res.statusCode ?? 0, body: text }));
        res.on('error', (error) => resolve({ kind: 'broken', error: error.message }));
      },
    );
    // Refused, or reset while still connecting (left in the listen backlog when the server stopped listening):
    // either way the server never accepted it. A reset after connecting would be a dropped request.
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ECONNREFUSED' || error.syscall === 'connect' ? { kind: 'refused' } : { kind: 'broken', error: `${error.code} ${error.message}` }),
    );
    req.end(payload);
  });
}

describe('when SIGTERM arrives during a burst of requests', () => {
  it('then every accepted request gets a complete 2xx/4xx answer and the process exits 0', async () => {
    const env: Record<string, string> = { ...(process.env as Record<string, string>), ...TEST_ENV, API_PORT: '0', LOG_LEVEL: 'info', BCRYPT_COST: '10', HASH_CONCURRENCY: '1', SHUTDOWN_TIMEOUT_MS: '10000' };
    delete env.NODE_TEST_CONTEXT; // the child is a server, not a test file reporting to this runner
    if (process.env.TEST_PS_DB) env.PS_DB = process.env.TEST_PS_DB;
    if (process.env.TEST_REDIS_DB) env.REDIS_DB = process.env.TEST_REDIS_DB;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening on port" line:\n${output}`)), 30_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on port (\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', () => reject(new Error(`the server exited before listening:\n${output}`)));
    });

    // Names and addresses of this run only: failed-login counters of earlier runs must not answer 429 at once.
    const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
    const ip = (group: number, i: number) => `10.${group}.${(process.pid >> 8) & 255}.${(process.pid + i) & 255}`;
    try {
      // Warm up (first requests load and compile modules), so the burst below is accepted at once, not left in
      // the kernel's listen backlog (which the closing listener resets: never accepted, so not this test's case).
      for (let i = 0; i < 3; i += 1) assert.equal((await post(port, '/auth', { username: `warm_${run}_${i}`, password: 'Wrong-Password-1' }, ip(76, i))).kind, 'answered');
      // Logins of unknown users: each costs a bcrypt verify, one at a time, so the burst stays in flight a while.
      const burst = Array.from({ length: 30 }, (_, i) =>
        post(port, '/auth', { username: `shutdown_${run}_${i}`, password: 'Wrong-Password-1' }, ip(77, i)),
      );
      let settled = 0;
      for (const request of burst) void request.then(() => (settled += 1));
      const first = await Promise.race(burst);
      assert.equal(first.kind, 'answered', JSON.stringify(first));
      await new Promise((resolve) => setTimeout(resolve, 250));
      child.kill('SIGTERM');
      const inFlightAtSigterm = burst.length - settled;
      assert.ok(inFlightAtSigterm >= 10, `only ${inFlightAtSigterm} requests were in flight at SIGTERM`);
      // Requests sent after SIGTERM race the listener closing: they may be answered, or refused/reset at the
      // connection level (the kernel can complete a handshake the server never accepts), but never half-answered.
      const late = await Promise.all(Array.from({ length: 5 }, (_, i) => post(port, '/auth', { username: `late_${run}_${i}`, password: 'x-Wrong-1' }, ip(78, i))));
      const outcomes = await Promise.all(burst);
      const dropped = outcomes.map((o, i) => ({ ...o, which: `burst ${i}` })).filter((o) => o.kind !== 'answered');
      assert.deepEqual(dropped, [], `a request in flight at SIGTERM was dropped (server exit code ${String(child.exitCode)}); server output:\n${output.slice(-3000)}`);
      for (const answer of [...outcomes, ...late]) {
        if (answer.kind !== 'answered') continue;
        assert.ok(answer.status >= 200 && answer.status < 500, `answered ${answer.status} ${answer.body}`);
        assert.doesNotThrow(() => JSON.parse(answer.body), `incomplete body: ${answer.body}`);
      }
      assert.ok(late.every((o) => o.kind === 'answered' || o.kind === 'refused' || /ECONNRESET/.test(o.error)), JSON.stringify(late));
      assert.equal(await exited, 0, `exit code; output:\n${output.slice(-2000)}`);
      assert.match(output, /SIGTERM received/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
