import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { createRedis } from '../../src/models/redis.js';
import { scheduleXenditSync } from '../../src/scheduler/xendit.scheduler.js';
import { createSyncLockService } from '../../src/services/sync-lock.service.js';
import { createLogger } from '../../src/utilities/logger.js';
import { createServiceCredentials, createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { testConfig } from '../helpers/test-config.js';
import { checkout, sleep } from './payment-helpers.js';

/** A TCP proxy that holds every chunk for `delayMs` in both directions: an instance on a slow link. */
async function startDelayingProxy(target: { host: string; port: number }, delayMs: number) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const relay = (from: net.Socket, to: net.Socket) =>
      from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), delayMs));
    relay(client, upstream);
    relay(upstream, client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('the sync job lock', () => {
  const ctx = useTestServer({ XENDIT_SYNC_LOCK_SECONDS: '1' });

  it('when a sync run outlives the lock lease, then the lock is renewed and a second runner is refused (409) until it ends', async () => {
    const service = await createServiceCredentials(ctx);
    const user = await createUser(ctx);
    await checkout(ctx, user, { amount: 10000 });
    // The first run reads Xendit for 3 s: three times the 1 s lease.
    ctx.xendit.delayNext(3000, 1);
    const first = ctx.api.post('/sys/scheduler/xendit-sync').set('Authorization', service.auth).then((r) => r);
    await sleep(1500);
    const second = await ctx.api.post('/sys/scheduler/xendit-sync').set('Authorization', service.auth);
    await sleep(1000);
    const third = await ctx.api.post('/sys/scheduler/xendit-sync').set('Authorization', service.auth);
    const firstAnswer = await first;
    assert.equal(firstAnswer.status, 200, JSON.stringify(firstAnswer.body));
    assert.deepEqual([second.status, third.status], [409, 409], 'a second runner must not start while the first still runs');
    // Released at the end: the next run goes ahead.
    const after = await ctx.api.post('/sys/scheduler/xendit-sync').set('Authorization', service.auth);
    assert.equal(after.status, 200);
  });

  it('when two schedulers share a fast cron and one of them reaches Redis late, then every tick runs exactly once', async () => {
    const config = testConfig();
    const quiet = createLogger('silent');
    const proxy = await startDelayingProxy({ host: config.redis.host, port: config.redis.port }, 400);
    const onTime = createRedis(config.redis, { name: 'sched-a' });
    const late = createRedis({ ...config.redis, host: '127.0.0.1', port: proxy.port }, { name: 'sched-b' });
    await Promise.all([onTime.connect(), late.connect()]);
    const runs: number[] = [];
    const job = async () => {
      runs.push(Date.now());
      await sleep(20);
      return { checked: 0, updated: 0, failed: 0 };
    };
    const name = `xendit-sync-test-${process.pid}-${Date.now()}`;
    const tasks = [onTime, late].map((redis) =>
      scheduleXenditSync({
        enabled: true,
        expression: '*/2 * * * * *',
        syncLock: createSyncLockService({ redis, logger: quiet, leaseMs: 5000, name }),
        logger: quiet,
        job,
      })!,
    );
    try {
      await sleep(9000);
    } finally {
      await Promise.all(tasks.map((task) => task.stop()));
      await sleep(600);
      onTime.disconnect();
      late.disconnect();
      await proxy.close();
    }
    const perTick = new Map<number, number>();
    for (const at of runs) perTick.set(Math.floor(at / 2000), (perTick.get(Math.floor(at / 2000)) ?? 0) + 1);
    assert.ok(perTick.size >= 3, `expected at least 3 ticks in 9 s, saw ${perTick.size}`);
    assert.deepEqual([...perTick.values()].filter((n) => n !== 1), [], `runs per tick: ${JSON.stringify([...perTick.values()])}`);
  });
});
