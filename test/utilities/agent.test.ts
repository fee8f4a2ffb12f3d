import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createServiceCredentials, createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { claimsOf } from './jwt-claims.js';

describe('POST /sys/user/agent', () => {
  const ctx = useTestServer();

  it("when an operator makes a user an agent, then the user's next token (GET /extend, or a new login) says agent: true", async () => {
    const service = await createServiceCredentials(ctx);
    const user = await createUser(ctx);
    const res = await ctx.api.post('/sys/user/agent').set('Authorization', service.auth).send({ username: user.username, agent: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      {
        status: res.body.status,
        username: res.body.username,
        agent: res.body.agent,
        changed: res.body.changed,
        tokens_revoked: res.body.tokens_revoked,
      },
      { status: true, username: user.username, agent: true, changed: true, tokens_revoked: false },
    );

    // The current token keeps its claim until it is replaced.
    const verify = await ctx.api.get('/verify').set('Authorization', user.auth);
    assert.equal(verify.status, 200);
    assert.equal(verify.body.agent, false);

    const extended = await ctx.api.get('/extend').set('Authorization', user.auth);
    assert.equal(extended.status, 200, JSON.stringify(extended.body));
    assert.equal(extended.body.agent, true);
    assert.equal(claimsOf(extended.body.token).agent, true);

    const login = await ctx.api.post('/auth').send({ username: user.username, password: user.password });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal(login.body.agent, true);
    assert.equal(claimsOf(login.body.token).agent, true);
  });

  it('when an operator takes agent status away, then the answer says tokens were revoked and the next login says agent: false', async () => {
    const service = await createServiceCredentials(ctx);
    const user = await createUser(ctx, { agent: true });
    assert.equal(claimsOf(user.token).agent, true);
    const res = await ctx.api.post('/sys/user/agent').set('Authorization', service.auth).send({ username: user.username, agent: false });
    assert.equal(res.status, 200);
    assert.equal(res.body.changed, true);
    assert.equal(res.body.tokens_revoked, true);
    const info = await ctx.server.clients.db.models.UserInfo.findOne({ where: { username: user.username }, raw: true });
    assert.equal(info?.agent, false);

    const login = await ctx.api.post('/auth').send({ username: user.username, password: user.password });
    assert.equal(login.status, 200);
    assert.equal(login.body.agent, false);
    assert.equal(claimsOf(login.body.token).agent, false);
    const fresh = await ctx.api.get('/verify').set('Authorization', `Bearer ${login.body.token as string}`);
    assert.equal(fresh.status, 200, 'a token issued after the demotion works');
    assert.equal(fresh.body.agent, false);
  });

  it(
    "when an operator takes agent status away, then the ex-agent's existing token (still saying agent: true) is refused",
    async () => {
      const service = await createServiceCredentials(ctx);
      const user = await createUser(ctx, { agent: true });
      await ctx.api.post('/sys/user/agent').set('Authorization', service.auth).send({ username: user.username, agent: false }).expect(200);
      const stale = await ctx.api.get('/verify').set('Authorization', user.auth);
      assert.equal(stale.status, 401);
      assert.equal(stale.body.status, false);
    },
  );

  it('when the user already has the requested status, then nothing changes and the answer says so', async () => {
    const service = await createServiceCredentials(ctx);
    const user = await createUser(ctx, { agent: true });
    const res = await ctx.api.post('/sys/user/agent').set('Authorization', service.auth).send({ username: user.username, agent: true });
    assert.equal(res.status, 200);
    assert.equal(res.body.changed, false);
    assert.equal(res.body.tokens_revoked, false);
    assert.equal((await ctx.api.get('/verify').set('Authorization', user.auth)).status, 200, 'tokens untouched');
  });

  it('when the username is unknown, then 404 "User Not Found"', async () => {
    const service = await createServiceCredentials(ctx);
    const res = await ctx.api
      .post('/sys/user/agent')
      .set('Authorization', service.auth)
      .send({ username: 'nobody_by_this_name', agent: true });
    assert.equal(res.status, 404);
    assert.equal(res.body.status, false);
    assert.equal(res.body.message, 'User Not Found');
  });

  it('when the body is malformed, then 400 and nothing changes', async () => {
    const service = await createServiceCredentials(ctx);
    const user = await createUser(ctx);
    for (const body of [
      { username: user.username },
      { username: user.username, agent: 'true' },
      { username: user.username, agent: true, role: 'admin' },
      { agent: true },
      { username: '', agent: true },
    ]) {
      const res = await ctx.api.post('/sys/user/agent').set('Authorization', service.auth).send(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.status, false);
    }
    const info = await ctx.server.clients.db.models.UserInfo.findOne({ where: { username: user.username }, raw: true });
    assert.equal(info?.agent, false);
  });

  it('when the caller is not an internal service, then 401 (a user token is not enough)', async () => {
    const user = await createUser(ctx);
    const anonymous = await ctx.api.post('/sys/user/agent').send({ username: user.username, agent: true });
    assert.equal(anonymous.status, 401);
    const asUser = await ctx.api.post('/sys/user/agent').set('Authorization', user.auth).send({ username: user.username, agent: true });
    assert.equal(asUser.status, 401);
    const info = await ctx.server.clients.db.models.UserInfo.findOne({ where: { username: user.username }, raw: true });
    assert.equal(info?.agent, false);
  });
});
