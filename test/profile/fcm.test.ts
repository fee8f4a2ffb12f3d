import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFirebasePushSender } from '../../src/integrations/fcm.js';
import { createLogger } from '../../src/utilities/logger.js';
import { createServiceCredentials, createUser, type TestUser } from '../helpers/factories.js';
import { uniqueName, useTestServer } from '../helpers/server.js';
import { assertAuthRequired, assertError } from './auth-cases.js';

describe('push: POST /fcm/register, DELETE /fcm/token, POST /fcm/send', () => {
  const ctx = useTestServer();

  const register = (user: TestUser, token: string, device_type = 'android') =>
    ctx.api.post('/fcm/register').set('Authorization', user.auth).send({ token, device_type });
  const tokensOf = async (user: TestUser) =>
    (await ctx.server.clients.db.models.Fcm.findAll({ where: { username: user.username }, order: [['id', 'ASC']] })).map((r) => r.token);
  const send = async (body: Record<string, unknown>) => {
    const service = await createServiceCredentials(ctx);
    return ctx.api.post('/fcm/send').set('Authorization', service.auth).send(body);
  };

  it('when the push routes are called without, with the wrong kind of, or with forged credentials, then 401', async () => {
    await assertAuthRequired(ctx, 'post', '/fcm/register', 'jwt', { token: 'abc', device_type: 'android' });
    await assertAuthRequired(ctx, 'delete', '/fcm/token?token=abc', 'jwt');
    await assertAuthRequired(ctx, 'post', '/fcm/send', 'basic', { username: 'x', title: 't', body: 'b' });
  });

  it('when a user registers a token twice, then there is one row; another device type updates it', async () => {
    const user = await createUser(ctx);
    const token = uniqueName('tok');
    const first = await register(user, token);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.status, true);
    assert.equal((await register(user, token, 'web')).status, 200);
    assert.deepEqual(await tokensOf(user), [token]);
    const row = await ctx.server.clients.db.models.Fcm.findOne({ where: { token } });
    assert.equal(row?.device_type, 'web');
  });

  it("when device_type comes in the seed's spellings in any case, then it is accepted and stored in one canonical form", async () => {
    const user = await createUser(ctx);
    const cases: Array<[sent: string, stored: string]> = [
      ['iOS', 'ios'],
      ['IOS', 'ios'],
      ['Android', 'android'],
      ['ANDROID', 'android'],
      ['web', 'web'],
      ['Web', 'web'],
    ];
    for (const [sent, stored] of cases) {
      const token = uniqueName('case');
      const res = await register(user, token, sent);
      assert.equal(res.status, 200, `${sent}: ${JSON.stringify(res.body)}`);
      const row = await ctx.server.clients.db.models.Fcm.findOne({ where: { token }, raw: true });
      assert.equal(row?.device_type, stored, sent);
    }
    const before = (await tokensOf(user)).length;
    for (const bad of ['windows', 'i0s', ' ios', 'androidx', '']) {
      assertError(await register(user, uniqueName('bad'), bad), 400);
    }
    assert.equal((await tokensOf(user)).length, before, 'refused device types stored nothing');
  });

  it('when another user registers the same token, then it moves to that user', async () => {
    const alice = await createUser(ctx);
    const bob = await createUser(ctx);
    const token = uniqueName('shared');
    await register(alice, token, 'ios');
    await register(bob, token, 'ios');
    assert.deepEqual(await tokensOf(alice), []);
    assert.deepEqual(await tokensOf(bob), [token]);
  });

  it("when a user deletes their token, then it is gone; B deleting A's token gets 404 and A keeps it", async () => {
    const alice = await createUser(ctx);
    const bob = await createUser(ctx);
    const aliceToken = uniqueName('alice');
    const bobToken = uniqueName('bob');
    await register(alice, aliceToken);
    await register(bob, bobToken);
    assertError(await ctx.api.delete(`/fcm/token?token=${aliceToken}`).set('Authorization', bob.auth), 404, 'Token not found', 'PUSH_TOKEN_NOT_FOUND');
    assert.deepEqual(await tokensOf(alice), [aliceToken]);
    assertError(await ctx.api.delete('/fcm/token?token=never-registered').set('Authorization', alice.auth), 404, 'Token not found', 'PUSH_TOKEN_NOT_FOUND');
    const res = await ctx.api.delete(`/fcm/token?token=${aliceToken}`).set('Authorization', alice.auth);
    assert.equal(res.status, 200);
    assert.deepEqual(await tokensOf(alice), []);
    assert.deepEqual(await tokensOf(bob), [bobToken]);
  });

  it('when registering with a bad device type, an empty or spaced token, or extra fields, then 400', async () => {
    const user = await createUser(ctx);
    for (const body of [
      { token: 'abc', device_type: 'windows-phone' },
      { token: '', device_type: 'android' },
      { token: 'a b', device_type: 'android' },
      { token: 'abc' },
      { token: 'abc', device_type: 'android', username: 'someone' },
      { token: 'x'.repeat(4097), device_type: 'android' },
    ]) {
      assertError(await ctx.api.post('/fcm/register').set('Authorization', user.auth).send(body), 400);
    }
    assertError(await ctx.api.delete('/fcm/token').set('Authorization', user.auth), 400);
    assert.deepEqual(await tokensOf(user), []);
  });

  it('when a service sends to a user, then every token of that user gets it, and tokens FCM rejects are deleted', async () => {
    const user = await createUser(ctx);
    const other = await createUser(ctx);
    const [good, stale, web] = [uniqueName('good'), uniqueName('stale'), uniqueName('web')];
    await register(user, good);
    await register(user, stale, 'ios');
    await register(user, web, 'web');
    await register(other, uniqueName('other'));
    ctx.push.setInvalidTokens([stale]);
    const callsBefore = ctx.push.calls.length;
    const res = await send({
      username: user.username,
      title: 'New Offer',
      body: 'Check out our latest promotion!',
      data: { offer_id: '123' },
    });
    ctx.push.setInvalidTokens([]);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      { success: res.body.success_count, failure: res.body.failure_count, removed: res.body.removed_tokens },
      { success: 2, failure: 1, removed: 1 },
    );
    const calls = ctx.push.calls.slice(callsBefore);
    assert.equal(calls.length, 1);
    assert.deepEqual([...calls[0]!.tokens].sort(), [good, stale, web].sort());
    assert.deepEqual(calls[0]!.message, { title: 'New Offer', body: 'Check out our latest promotion!', data: { offer_id: '123' } });
    assert.deepEqual((await tokensOf(user)).sort(), [good, web].sort());
    assert.equal((await tokensOf(other)).length, 1);
  });

  it('when the user has no device, then 200 with nothing sent; an unknown user answers 404', async () => {
    const user = await createUser(ctx);
    const callsBefore = ctx.push.calls.length;
    const res = await send({ username: user.username, title: 'Hi', body: 'there' });
    assert.equal(res.status, 200);
    assert.equal(res.body.success_count, 0);
    assert.equal(res.body.message, 'User has no registered devices');
    assert.equal(ctx.push.calls.length, callsBefore);
    assertError(await send({ username: 'no_such_user_here', title: 'Hi', body: 'there' }), 404, 'User not found', 'USER_NOT_FOUND');
  });

  it('when the send body is invalid (missing title, non-string data, reserved data key), then 400', async () => {
    const user = await createUser(ctx);
    for (const body of [
      { username: user.username, body: 'b' },
      { username: user.username, title: 't', body: 'b', data: { offer_id: 123 } },
      { username: user.username, title: 't', body: 'b', data: { from: 'x' } },
      { username: user.username, title: 't', body: 'b', data: { 'google.x': 'y' } },
      { username: user.username, title: 't', body: 'b', data: 'offer' },
      { username: user.username, title: 't', body: 'b', token: 'x' },
    ]) {
      assertError(await send(body), 400);
    }
  });
});

describe('push without a Firebase key', () => {
  const pushLogs: string[] = [];
  const disabled = createFirebasePushSender(
    { keyPath: '/nonexistent/firebase-key.json' },
    createLogger('debug', (line) => pushLogs.push(line)),
  );
  const ctx = useTestServer({}, { overrides: { push: disabled } });

  it('when push is not configured, then it is logged once, the server runs, tokens register, and /fcm/send answers 503', async () => {
    assert.equal(disabled.enabled, false);
    assert.equal(pushLogs.filter((l) => /push notifications are off/.test(l)).length, 1);
    const user = await createUser(ctx);
    assert.equal(
      (
        await ctx.api
          .post('/fcm/register')
          .set('Authorization', user.auth)
          .send({ token: uniqueName('t'), device_type: 'android' })
      ).status,
      200,
    );
    const service = await createServiceCredentials(ctx);
    const res = await ctx.api
      .post('/fcm/send')
      .set('Authorization', service.auth)
      .send({ username: user.username, title: 'Hi', body: 'there' });
    assertError(res, 503, 'Push notifications are not configured');
  });
});
