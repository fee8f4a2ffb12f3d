/**
 * Redis restarts without its data (no persistence, or a failover that lost it): revocations recorded before the
 * restart still hold, because PostgreSQL is their authority and the Redis copy is rebuilt when found empty.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createServiceCredentials, createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { useOwnRedis, waitFor } from './fault-helpers.js';

describe('when Redis restarts empty', () => {
  const { redis, overrides } = useOwnRedis();
  // Registered after the hook above, so the server starts against our Redis.
  const ctx = useTestServer(overrides);
  after(() => redis.stop());

  it('then a logged-out token, a demoted agent and a deactivated user stay out, and live tokens keep working', async () => {
    const verify = (auth: string) => ctx.api.get('/verify').set('Authorization', auth);
    const loggedOut = await createUser(ctx);
    const demoted = await createUser(ctx, { agent: true });
    const deactivated = await createUser(ctx);
    const changedPassword = await createUser(ctx);
    const bystander = await createUser(ctx);
    const operator = await createServiceCredentials(ctx);

    assert.equal((await ctx.api.get('/logout').set('Authorization', loggedOut.auth)).status, 200);
    const demotion = await ctx.api.post('/sys/user/agent').set('Authorization', operator.auth).send({ username: demoted.username, agent: false });
    assert.equal(demotion.status, 200, JSON.stringify(demotion.body));
    assert.equal((await ctx.api.post('/deactivate').set('Authorization', deactivated.auth).send({ reason: 'leaving' })).status, 200);
    const changed = await ctx.api
      .post('/update-pwd')
      .set('Authorization', changedPassword.auth)
      .send({ old_password: changedPassword.password, new_password: 'Changed-pass-42' });
    assert.equal(changed.status, 200);
    const revoked = { loggedOut, demoted, deactivated, changedPassword };
    for (const [who, user] of Object.entries(revoked)) assert.equal((await verify(user.auth)).status, 401, `${who} before the restart`);

    await redis.stop();
    await redis.start();
    await waitFor('Redis answers again', async () => (await verify(bystander.auth)).status === 200);

    for (const [who, user] of Object.entries(revoked)) {
      const res = await verify(user.auth);
      assert.equal(res.status, 401, `${who}: a token revoked before the restart works again: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const demotedMe = await ctx.api.get('/user/profile').set('Authorization', demoted.auth);
    assert.equal(demotedMe.status, 401, 'the ex-agent token says agent: true and must stay dead');
    assert.equal((await verify(`Bearer ${changed.body.token as string}`)).status, 200, 'the token issued after the change still works');
    assert.equal((await verify(bystander.auth)).status, 200);

    // And again after a second wipe (FLUSHALL while running), revocations written after the first restart hold too.
    const later = await createUser(ctx);
    assert.equal((await ctx.api.get('/logout').set('Authorization', later.auth)).status, 200);
    await ctx.server.clients.redis.flushall();
    assert.equal((await verify(later.auth)).status, 401, 'logged out after the first restart, then Redis flushed');
    assert.equal((await verify(loggedOut.auth)).status, 401);
    assert.equal((await verify(bystander.auth)).status, 200);
  });

  it('then a failover that kept the sentinel but lost the latest revocations does not let them back in', async () => {
    const verify = (auth: string) => ctx.api.get('/verify').set('Authorization', auth);
    const loggedOut = await createUser(ctx);
    const deactivated = await createUser(ctx);
    const bystander = await createUser(ctx);
    assert.equal((await ctx.api.get('/logout').set('Authorization', loggedOut.auth)).status, 200);
    assert.equal((await ctx.api.post('/deactivate').set('Authorization', deactivated.auth).send({ reason: 'leaving' })).status, 200);
    const sentinel = await ctx.server.clients.redis.get('auth:epoch');
    assert.ok(sentinel, 'the copy carries its sentinel');

    // The promoted server has the sentinel (replicated long ago) but not the last writes.
    await redis.stop();
    await redis.start();
    const promoted = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true });
    await promoted.connect();
    await promoted.set('auth:epoch', sentinel);
    promoted.disconnect();

    await waitFor('Redis answers again', async () => (await verify(bystander.auth)).status === 200);
    for (const [who, user] of Object.entries({ loggedOut, deactivated })) {
      const res = await verify(user.auth);
      assert.equal(res.status, 401, `${who}: a token revoked before the failover works again: ${res.status} ${JSON.stringify(res.body)}`);
    }
  });
});
