/** `npm start` as an operator or a supervisor runs it: a signal to the npm process stops the server and leaves nothing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TEST_ENV } from '../helpers/test-config.js';
import { descendantsOf, freePort, getStatus, isAlive, spawnProcess, waitForOk } from './deploy-helpers.js';

async function startAndSignal(signal: 'SIGTERM' | 'SIGINT') {
  const port = await freePort();
  const machine: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && /^(PS_|REDIS_)/.test(key)) machine[key] = value;
  const npm = spawnProcess('npm', ['start'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...machine, ...TEST_ENV, API_PORT: String(port), LOG_LEVEL: 'info' },
  });
  let tree: number[] = [];
  try {
    await waitForOk(`http://127.0.0.1:${port}/health/live`, 120_000);
    tree = await descendantsOf(npm.child.pid!);
    assert.ok(tree.length >= 1, 'npm started the server as a child');
    npm.child.kill(signal);
    const exit = await Promise.race([npm.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 30_000))]);
    assert.ok(exit, `npm start did not exit within 30 s of ${signal}`);
    // Helpers of the server (tsx's esbuild service on a cold cache) end when its pipes close, a moment after it: allow
    // them 5 s. An orphaned server would still be there, answering on the port.
    let left = tree.filter(isAlive);
    for (let waited = 0; left.length > 0 && waited < 5000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = tree.filter(isAlive);
    }
    assert.deepEqual(left, [], `processes left behind after ${signal} to npm: ${left.join(', ')}`);
    await assert.rejects(getStatus(`http://127.0.0.1:${port}/health/live`, 2000), 'nothing answers on the port any more');
    assert.match(npm.output(), new RegExp(`${signal} received: shutting down gracefully`));
  } finally {
    // Whatever is still running (an orphan on the old code) is ours to end, by pid.
    for (const pid of [...tree, ...(await descendantsOf(npm.child.pid!).catch(() => []))].filter(isAlive)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await npm.stop();
  }
}

describe('npm start and signals', () => {
  it('when SIGTERM is sent to the npm start process, then the server shuts down gracefully and no process is left', async () => {
    await startAndSignal('SIGTERM');
  });

  it('when SIGINT is sent to the npm start process, then the server shuts down gracefully and no process is left', async () => {
    await startAndSignal('SIGINT');
  });
});
