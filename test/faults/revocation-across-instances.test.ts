/**
 * A logged-out or revoked token, a deactivated user and a changed password are refused on every instance within
 * 1 s, before and after Redis restarts empty, for the token check (GET /verify) and for the cached profile read
 * (GET /user/profile, which answers from memory and must not outlive the token either).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import supertest from 'supertest';
import { freshIp, linkTokenFor } from '../auth/auth-helpers.js';
import { createServiceCredentials, createUser, type TestUser } from '../helpers/factories.js';
import { useSecondInstance, useTestServer, type TestContext } from '../helpers/server.js';
import { sleep, useOwnRedis, waitFor } from './fault-helpers.js';

const WITHIN_MS = 1000;

/** Waits until `auth` is refused (401) on `url`'s /verify and /user/profile; fails when that takes over 1 s. */
async function refusedWithin(url: string, auth: string, who: string): Promise<void> {
  const started = Date.now();
  for (;;) {
    const [verify, profile] = await Promise.all([
      supertest(url).get('/verify').set('Authorization', auth),
      supertest(url).get('/user/profile').set('Authorization', auth),
    ]);
    if (verify.status === 401 && profile.status === 401) return;
    if (Date.now() - started > WITHIN_MS) assert.fail(`${who}: still ${verify.status} / ${profile.status} at ${url} after ${WITHIN_MS} ms`);
    await sleep(10);
  }
}

async function acceptedOn(url: string, user: TestUser): Promise<void> {
  const [verify, profile] = await Promise.all([
    supertest(url).get('/verify').set('Authorization', user.auth),
    supertest(url).get('/user/profile').set('Authorization', user.auth),
  ]);
  assert.equal(verify.status, 200, JSON.stringify(verify.body));
  assert.equal(profile.status, 200, JSON.stringify(profile.body));
}

type Revocation = [label: string, revoke: (ctx: TestContext, user: TestUser) => Promise<void>];

const REVOCATIONS: Revocation[] = [
  ['GET /logout', async (ctx, user) => {
    assert.equal((await ctx.api.get('/logout').set('Authorization', user.auth)).status, 200);
  }],
  ['POST /update-pwd', async (ctx, user) => {
    const res = await ctx.api.post('/update-pwd').set('Authorization', user.auth).send({ old_password: user.password, new_password: 'Changed-pass-77' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }],
  ['a password reset', async (ctx, user) => {
    assert.equal((await ctx.api.post('/request-reset-pwd').set('X-Forwarded-For', freshIp()).send({ email: user.email })).status, 200);
    const token = await linkTokenFor(ctx, user.email, '/reset-pwd');
    const res = await ctx.api.post('/reset-pwd').send({ token, password: 'Reset-pass-77x' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }],
  ['POST /deactivate', async (ctx, user) => {
    assert.equal((await ctx.api.post('/deactivate').set('Authorization', user.auth).send({ reason: 'leaving' })).status, 200);
  }],
  ['an agent demotion by /sys/user/agent', async (ctx, user) => {
    const operator = await createServiceCredentials(ctx);
    const res = await ctx.api.post('/sys/user/agent').set('Authorization', operator.auth).send({ username: user.username, agent: false });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }],
];

describe('revocation reaches every instance within 1 s', () => {
  const { redis, overrides } = useOwnRedis();
  // Registered after the hook above, so both instances start against our Redis.
  const ctx = useTestServer(overrides);
  const second = useSecondInstance(ctx, overrides);
  after(() => redis.stop());

  const both = () => [ctx.server.url, second.url];

  for (const [label, revoke] of REVOCATIONS) {
    it(`when ${label} happens on one instance, then its tokens are refused on both within 1 s (profile cached on both beforehand)`, async () => {
      const user = await createUser(ctx, { agent: label.includes('agent') });
      for (const url of both()) await acceptedOn(url, user);
      await revoke(ctx, user);
      for (const url of both()) await refusedWithin(url, user.auth, label);
    });
  }

  it('when Redis restarts empty, then tokens revoked before stay refused on both instances, and revocations right after it reach both within 1 s', async () => {
    const before = await Promise.all(REVOCATIONS.map(() => createUser(ctx, { agent: true })));
    const after = await Promise.all(REVOCATIONS.map(() => createUser(ctx, { agent: true })));
    const bystander = await createUser(ctx);
    for (const user of [...before, ...after, bystander]) for (const url of both()) await acceptedOn(url, user);
    for (const [i, [, revoke]] of REVOCATIONS.entries()) await revoke(ctx, before[i]!);

    await redis.stop();
    await redis.start();
    for (const url of both()) await waitFor(`Redis answers ${url} again`, async () => (await supertest(url).get('/verify').set('Authorization', bystander.auth)).status === 200);

    for (const [i, [label]] of REVOCATIONS.entries()) for (const url of both()) await refusedWithin(url, before[i]!.auth, `${label} before the restart`);
    for (const [i, [label, revoke]] of REVOCATIONS.entries()) {
      await revoke(ctx, after[i]!);
      for (const url of both()) await refusedWithin(url, after[i]!.auth, `${label} after the restart`);
    }
    for (const url of both()) await acceptedOn(url, bystander);
  });
});
