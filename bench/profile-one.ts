/**
 * Profiling aid (not part of `npm run bench`): starts the built API server with --cpu-prof, seeds it, and loads one
 * route for a while, so the profile holds that route only.
 *
 *   BENCH_SKIP_BUILD=1 node --import tsx bench/profile-one.ts /verify [seconds] [connections]
 *   → bench/results/profiles/*.cpuprofile (open in Chrome DevTools → Performance, or VS Code)
 * PROFILE_ENTRY=path/to/index.js runs another build (A/B); PROFILE_NODE=/path/to/node another Node binary. PROFILE_CPU=0 skips the profiler; the server's CPU time per request is printed either way (steadier than req/s
 * on a busy machine). PROFILE_ENV='{"ACCESS_LOG":"false"}' adds server environment.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config/index.js';
import { startFakeXendit } from '../test/helpers/fake-xendit.js';
import { loadWithCpu } from './lib/measure.js';
import { serverEnvironment } from './lib/server-env.js';
import { freePort, RESULTS_DIR, startChild } from './lib/processes.js';
import { PASSWORD, resetStores, seed } from './lib/seed.js';

const [route = '/verify', seconds = '5', connections = '50'] = process.argv.slice(2);
await mkdir(path.join(RESULTS_DIR, 'profiles'), { recursive: true });
const xendit = await startFakeXendit();
const port = await freePort();
const env: NodeJS.ProcessEnv = {
  ...serverEnvironment(port, xendit.url),
  ...(process.env.PROFILE_ENV ? (JSON.parse(process.env.PROFILE_ENV) as Record<string, string>) : {}),
};
const config = loadConfig(env);
await resetStores(config);
const api = await startChild({
  name: 'api-profile',
  nodeBinary: process.env.PROFILE_NODE ?? process.execPath,
  args: [
    ...(process.env.PROFILE_CPU === '0' ? [] : ['--cpu-prof', `--cpu-prof-dir=${path.join(RESULTS_DIR, 'profiles')}`]),
    process.env.PROFILE_ENTRY ?? 'dist/src/index.js',
  ],
  env,
  port,
  readyPath: '/health',
});
try {
  const seeded = await seed(config, 200);
  const users = seeded.users;
  const isLogin = route === '/auth';
  const rotate = users.map((u) =>
    isLogin
      ? { body: JSON.stringify({ username: u.username, password: PASSWORD }) }
      : { headers: { authorization: route.startsWith('/sys') ? seeded.service.auth : u.auth } },
  );
  const result = await loadWithCpu(
    {
      url: api.url,
      path: route,
      method: isLogin ? 'POST' : 'GET',
      connections: Number(connections),
      duration: Number(seconds),
      rotate,
      ...(isLogin ? { body: rotate[0]!.body } : {}),
    },
    api.pid,
  );
  process.stdout.write(
    `${route}: ${result.rps.toFixed(0)}/s p50 ${result.p50} ms p99 ${result.p99} ms, ${result.failed} failed; server CPU ${result.cpuUs!.toFixed(0)} µs per request\n`,
  );
} finally {
  await api.stop();
  await xendit.close();
}
