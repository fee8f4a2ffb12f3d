/**
 * GET /user/profile answers from memory, and no answer outlives a write: every committed change to the profile or
 * the wallet (through any route, the payment callback, plain SQL, on either instance) is seen on both instances
 * within 1 s, and on the writer's own instance at once; while the change feed is down, reads go to the database.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import supertest from 'supertest';
import { createChangeFeed, PROFILE_CHANGED_CHANNEL } from '../../src/models/change-feed.js';
import { assertError } from '../helpers/assertions.js';
import { createUser, type TestUser } from '../helpers/factories.js';
import { useSecondInstance, useTestServer, type TestContext } from '../helpers/server.js';
import { sleep, topUp } from '../payment/payment-helpers.js';

const WITHIN_MS = 1000;

interface ProfileAnswer {
  full_name: string;
  balance: number;
  points: number;
}

async function profileAt(url: string, user: TestUser): Promise<ProfileAnswer> {
  const res = await supertest(url).get('/user/profile').set('Authorization', user.auth);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as ProfileAnswer;
}

/** Polls until `accept` holds; answers how long it took. Fails after WITHIN_MS. */
async function seenWithin(url: string, user: TestUser, accept: (profile: ProfileAnswer) => boolean): Promise<number> {
  const started = Date.now();
  for (;;) {
    const profile = await profileAt(url, user);
    if (accept(profile)) return Date.now() - started;
    if (Date.now() - started > WITHIN_MS) assert.fail(`still ${JSON.stringify(profile)} after ${WITHIN_MS} ms at ${url}`);
    await sleep(10);
  }
}

/** A write the triggers never see (as if the change feed had missed it): only a cached answer can hide it. */
async function renameBehindTheFeed(ctx: TestContext, username: string, fullName: string): Promise<void> {
  await ctx.server.clients.db.sequelize.transaction(async (transaction) => {
    await ctx.server.clients.db.sequelize.query("SET LOCAL session_replication_role = 'replica'", { transaction });
    await ctx.server.clients.db.sequelize.query('UPDATE user_info SET full_name = :fullName WHERE username = :username', {
      replacements: { fullName, username },
      transaction,
    });
  });
}

async function lookups(ctx: TestContext, result: 'hit' | 'miss' | 'bypass'): Promise<number> {
  const text = await ctx.server.services.metrics.render();
  const line = text.split('\n').find((l) => l.startsWith(`userstate_profile_cache_lookups_total{result="${result}"}`));
  return Number(line?.split(' ')[1] ?? 0);
}

async function eventuallyTrue(check: () => boolean, pollMs = 10): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > 10_000) assert.fail('not so within 10 s');
    await sleep(pollMs);
  }
}

describe('the profile read is cached and dropped on every write', () => {
  const ctx = useTestServer();
  const second = useSecondInstance(ctx);

  it('when a profile is read again, then it is answered from memory (a write the feed never saw stays hidden)', async () => {
    const user = await createUser(ctx, { balance: '5000.00' });
    await profileAt(ctx.server.url, user);
    const hitsBefore = await lookups(ctx, 'hit');
    for (let i = 0; i < 20; i += 1) await profileAt(ctx.server.url, user);
    assert.equal((await lookups(ctx, 'hit')) - hitsBefore, 20);
    await renameBehindTheFeed(ctx, user.username, 'Unseen Name');
    assert.notEqual((await profileAt(ctx.server.url, user)).full_name, 'Unseen Name');
  });

  it('when the user changes the profile on one instance, then that instance answers it at once and the other within 1 s', async () => {
    for (let trial = 0; trial < 10; trial += 1) {
      const user = await createUser(ctx);
      await Promise.all([profileAt(ctx.server.url, user), profileAt(second.url, user)]);
      const [writer, reader] = trial % 2 === 0 ? [ctx.server.url, second.url] : [second.url, ctx.server.url];
      const res = await supertest(writer).put('/user/profile').set('Authorization', user.auth).send({ full_name: `Renamed ${trial}` });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal((await profileAt(writer, user)).full_name, `Renamed ${trial}`);
      await seenWithin(reader, user, (p) => p.full_name === `Renamed ${trial}`);
    }
  });

  it('when the wallet moves by a payment, a debit, or plain SQL, then both instances answer the new balance within 1 s', async () => {
    const user = await createUser(ctx, { balance: '1000.00' });
    const both = async () => Promise.all([profileAt(ctx.server.url, user), profileAt(second.url, user)]);
    await both();

    await topUp(ctx, user, 50_000);
    await seenWithin(ctx.server.url, user, (p) => p.balance === 51_000);
    await seenWithin(second.url, user, (p) => p.balance === 51_000);

    const debit = await supertest(second.url).post('/balance/decrease').set('Authorization', user.auth).send({ amount: 1000, description: 'coffee' });
    assert.equal(debit.status, 200, JSON.stringify(debit.body));
    assert.equal((await profileAt(second.url, user)).balance, 50_000);
    await seenWithin(ctx.server.url, user, (p) => p.balance === 50_000);

    await ctx.server.clients.db.sequelize.query('UPDATE user_balance SET points = points + 7 WHERE username = :username', { replacements: { username: user.username } });
    await seenWithin(ctx.server.url, user, (p) => p.points === 7);
    await seenWithin(second.url, user, (p) => p.points === 7);
  });

  it('when reads race renames on two instances, then a read never shows a name older than one answered on its instance, or on the other over 1 s before (5 trials)', async () => {
    for (let trial = 0; trial < 5; trial += 1) {
      const user = await createUser(ctx);
      const urls = [ctx.server.url, second.url];
      const answered: Array<{ url: string; atMs: number }> = [];
      let stop = false;
      // The newest rename a read starting now must show: answered on its own instance, or on any over 1 s ago.
      const floorFor = (url: string, startedMs: number) => {
        let floor = -1;
        answered.forEach((write, i) => {
          if (write.url === url || startedMs - write.atMs > WITHIN_MS) floor = i;
        });
        return floor;
      };
      // 10 readers per instance hammer the profile while the renames happen, so reads overlap every write.
      const failures: unknown[] = [];
      const readUntilStopped = async (url: string) => {
        while (!stop) {
          const floor = floorFor(url, Date.now());
          const name = (await profileAt(url, user)).full_name;
          const seen = Number(/^Name (\d+)$/.exec(name)?.[1] ?? -1);
          assert.ok(seen >= floor, `read "${name}" on ${url} after "Name ${floor}" was answered`);
        }
      };
      const readers = urls.flatMap((url) =>
        Array.from({ length: 10 }, () =>
          readUntilStopped(url).catch((error: unknown) => {
            failures.push(error);
            stop = true;
          }),
        ),
      );
      try {
        for (let i = 0; i < 10 && !stop; i += 1) {
          const url = urls[i % 2]!;
          const res = await supertest(url).put('/user/profile').set('Authorization', user.auth).send({ full_name: `Name ${i}` });
          assert.equal(res.status, 200, JSON.stringify(res.body));
          answered.push({ url, atMs: Date.now() });
          await sleep(30);
        }
        if (!stop) {
          await seenWithin(ctx.server.url, user, (p) => p.full_name === 'Name 9');
          await seenWithin(second.url, user, (p) => p.full_name === 'Name 9');
        }
      } finally {
        stop = true;
        await Promise.all(readers);
      }
      assert.deepEqual(failures, []);
    }
  });

  it("when the user sends any write (even one refused with 400), then that user's cached profile on the instance is dropped once it is answered", async () => {
    const user = await createUser(ctx);
    await profileAt(ctx.server.url, user);
    await renameBehindTheFeed(ctx, user.username, 'Behind The Feed');
    assert.notEqual((await profileAt(ctx.server.url, user)).full_name, 'Behind The Feed', 'still answered from memory');
    const refused = await ctx.api.put('/user/profile').set('Authorization', user.auth).send({ nickname: 'x' });
    assertError(refused, 400);
    assert.equal((await profileAt(ctx.server.url, user)).full_name, 'Behind The Feed');
  });

  it('when the feed connection is cut, then it is not live and has told its listeners to forget before it reconnects', async () => {
    const events: string[] = [];
    const feed = createChangeFeed(ctx.config.postgres, PROFILE_CHANGED_CHANNEL, ctx.logger);
    feed.subscribe({ changed: (key) => events.push(`changed ${key}`), reset: () => events.push('reset') });
    try {
      await eventuallyTrue(() => feed.live);
      assert.deepEqual(events, ['reset'], 'told to forget what was cached before it listened');
      await ctx.server.clients.db.sequelize.query(`SELECT pg_notify('${PROFILE_CHANGED_CHANNEL}', 'someone')`);
      await eventuallyTrue(() => events.includes('changed someone'));
      events.length = 0;
      await ctx.server.clients.db.sequelize.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'userstate-change-feed' AND datname = current_database()",
      );
      await eventuallyTrue(() => !feed.live, 1);
      assert.deepEqual(events, ['reset'], 'forgotten at once, not only when it is back');
      await eventuallyTrue(() => feed.live);
      assert.deepEqual(events, ['reset', 'reset']);
    } finally {
      await feed.close();
    }
    assert.equal(feed.live, false);
  });

  it('when the change feed connection dies, then nothing cached is answered after it (within 1 s), and caching resumes once it is back', async () => {
    const user = await createUser(ctx);
    await Promise.all([profileAt(ctx.server.url, user), profileAt(second.url, user)]);
    await ctx.server.clients.db.sequelize.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'userstate-change-feed' AND datname = current_database()",
    );
    await renameBehindTheFeed(ctx, user.username, 'Missed Name');
    await seenWithin(ctx.server.url, user, (p) => p.full_name === 'Missed Name');
    await seenWithin(second.url, user, (p) => p.full_name === 'Missed Name');

    await eventuallyTrue(() => ctx.server.clients.profileChanges.live);
    await profileAt(ctx.server.url, user);
    await renameBehindTheFeed(ctx, user.username, 'Hidden Again');
    assert.equal((await profileAt(ctx.server.url, user)).full_name, 'Missed Name', 'answered from memory again');
  });
});

describe('with PROFILE_CACHE_SECONDS=0', () => {
  const ctx = useTestServer({ PROFILE_CACHE_SECONDS: '0' });

  it('then every profile read goes to the database, and no change feed connection is held', async () => {
    const user = await createUser(ctx);
    await profileAt(ctx.server.url, user);
    await renameBehindTheFeed(ctx, user.username, 'Read Through');
    assert.equal((await profileAt(ctx.server.url, user)).full_name, 'Read Through');
    assert.equal(await lookups(ctx, 'hit'), 0);
    assert.equal(ctx.server.clients.profileChanges.live, false);
  });
});
