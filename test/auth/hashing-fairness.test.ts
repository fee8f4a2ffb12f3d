import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import bcrypt from 'bcrypt';
import { createServiceCredentials, createUser } from '../helpers/factories.js';
import { uniqueName, useTestServer } from '../helpers/server.js';
import { freshIp, login } from './auth-helpers.js';

const basic = (holder: string, key: string) => `Basic ${Buffer.from(`${holder}:${key}`).toString('base64')}`;
const SAMPLES = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(fire: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fire();
  return performance.now() - start;
}

/** Medians of interleaved samples, so a load spike on the machine hits every series alike. */
async function interleavedMedians(series: Array<() => Promise<unknown>>, samples = SAMPLES): Promise<number[]> {
  const times: number[][] = series.map(() => []);
  for (let i = 0; i < samples; i += 1) {
    for (const [j, fire] of series.entries()) times[j]!.push(await timed(fire));
  }
  return times.map(median);
}

// Costs high enough that hashing dominates a request's time (bcrypt cost 8 is ~20 ms, each step doubles it).
describe('equal time and fair hashing', () => {
  const ctx = useTestServer({ BCRYPT_COST: '8', HASH_CONCURRENCY: '2', BASIC_MAX_FAILURES_PER_IP: '5', LOGIN_MAX_FAILURES_PER_IP: '1000' });

  it('Basic auth for an unknown holder costs what a wrong key for a known holder does', async () => {
    const service = await createServiceCredentials(ctx);
    let n = 0;
    const [unknown, known] = await interleavedMedians([
      () => ctx.api.get('/sys/whoami').set('X-Forwarded-For', freshIp()).set('Authorization', basic(uniqueName('ghost'), `wrong-key-${(n += 1)}`)),
      () => ctx.api.get('/sys/whoami').set('X-Forwarded-For', freshIp()).set('Authorization', basic(service.holder, `wrong-key-${(n += 1)}`)),
    ]);
    assert.ok(unknown! >= 0.5 * known!, `unknown holder ${unknown!.toFixed(1)} ms vs wrong key of a known holder ${known!.toFixed(1)} ms`);
  });

  it('a failed login for an unknown account costs what one for an account with an older, costlier hash does (and a current one too)', async () => {
    const migrated = await createUser(ctx);
    await ctx.server.clients.db.models.UserLogin.update({ pwd: await bcrypt.hash(migrated.password, 10) }, { where: { username: migrated.username } });
    const current = await createUser(ctx);
    try {
      const [unknown, costly, cheap] = await interleavedMedians([
        () => login(ctx, uniqueName('ghost'), 'Wrong-password-1'),
        () => login(ctx, migrated.username, 'Wrong-password-1'),
        () => login(ctx, current.username, 'Wrong-password-1'),
      ]);
      const detail = `unknown ${unknown!.toFixed(1)} ms, cost-10 account ${costly!.toFixed(1)} ms, cost-8 account ${cheap!.toFixed(1)} ms`;
      assert.ok(unknown! >= 0.5 * costly!, detail);
      assert.ok(cheap! >= 0.5 * costly!, detail);
      assert.ok(unknown! <= 2 * costly! && cheap! <= 2 * costly!, detail);
    } finally {
      // Later test servers read the costliest stored hash: leave none behind.
      await ctx.server.clients.db.models.UserLogin.update({ pwd: await ctx.server.services.hashing.hashPassword(migrated.password) }, { where: { username: migrated.username } });
    }
  });

  it('a burst of bad Basic requests from many addresses does not starve logins of hashing slots', async () => {
    const service = await createServiceCredentials(ctx);
    const user = await createUser(ctx);
    const loginOnce = () => timed(async () => assert.equal((await login(ctx, user.username, user.password)).status, 200));
    const alone = median([await loginOnce(), await loginOnce(), await loginOnce(), await loginOnce(), await loginOnce()]);

    // Count the bad requests the server has taken in: the login is timed once all of them wait for hashing.
    const FLOOD = 60;
    let received = 0;
    let allReceived: () => void = () => undefined;
    const taken = new Promise<void>((resolve) => (allReceived = resolve));
    const onRequest = (req: { url?: string }) => {
      if (req.url === '/sys/whoami' && (received += 1) === FLOOD) allReceived();
    };
    ctx.server.httpServer.on('request', onRequest);
    const requests = Array.from({ length: FLOOD }, (_, i) =>
      ctx.api
        .get('/sys/whoami')
        .set('X-Forwarded-For', freshIp())
        .set('Authorization', i % 3 ? basic(service.holder, `wrong-key-${i}`) : basic(uniqueName('ghost'), `wrong-key-${i}`))
        .then((r) => r),
    );
    await taken;
    ctx.server.httpServer.off('request', onRequest);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const during = Math.max(await loginOnce(), await loginOnce(), await loginOnce());
    const answers = await Promise.all(requests);
    assert.ok(answers.every((r) => r.status === 401 || r.status === 429));
    assert.ok(during <= 5 * alone + 200, `login alone ${alone.toFixed(1)} ms (median), during the Basic flood ${during.toFixed(1)} ms (slowest of 3)`);
  });
});
