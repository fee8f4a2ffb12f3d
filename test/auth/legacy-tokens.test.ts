/**
 * Sessions survive the cutover from the original system: tokens it signed (HS256 with the key
 * `pwd.slice(32, 48) + pwd.slice(14, 30)`, payload {user, agent, iat, exp}, no jti) are accepted until
 * LEGACY_TOKENS_UNTIL, exchanged for one of ours by /extend, revoked by logout and killed by a password change.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { createUser, type TestUser } from '../helpers/factories.js';
import { useTestServer, type TestContext, useSecondInstance } from '../helpers/server.js';
import { connectSocket } from '../payment/payment-helpers.js';
import { assertError } from './auth-helpers.js';

const HOUR = 3600;

/** What the original's login answered: jwt.sign({user, agent}, pwd.slice(32, 48) + pwd.slice(14, 30), {expiresIn}). */
async function originalToken(ctx: TestContext, user: TestUser, options: { agent?: boolean; expiresIn?: number } = {}): Promise<string> {
  const row = await ctx.server.clients.db.models.UserLogin.findByPk(user.username, { raw: true });
  const pwd = row!.pwd;
  return jwt.sign({ user: user.username, agent: options.agent ?? false }, pwd.slice(32, 48) + pwd.slice(14, 30), { expiresIn: options.expiresIn ?? 24 * HOUR });
}

describe('tokens of the original system, before LEGACY_TOKENS_UNTIL', () => {
  const until = new Date(Date.now() + 2 * 24 * HOUR * 1000).toISOString();
  const ctx = useTestServer({ LEGACY_TOKENS_UNTIL: until });
  const second = useSecondInstance(ctx, { LEGACY_TOKENS_UNTIL: until });
  const withToken = (path: string, token: string) => ctx.api.get(path).set('Authorization', `Bearer ${token}`);

  it('when a client presents a token the original signed, then the API serves it as that user', async () => {
    const user = await createUser(ctx, { agent: true });
    const legacy = await originalToken(ctx, user, { agent: true });
    assert.deepEqual((await withToken('/verify', legacy)).body, { status: true, user: user.username, agent: true });
    const profile = await withToken('/user/profile', legacy);
    assert.equal(profile.status, 200, JSON.stringify(profile.body));
    const onSecond = await fetch(`${second.url}/verify`, { headers: { Authorization: `Bearer ${legacy}` } });
    assert.equal(onSecond.status, 200);
  });

  it('when a socket handshakes with a token the original signed, then it connects and may subscribe to its user', async () => {
    const user = await createUser(ctx);
    const socket = await connectSocket(ctx.server.url, await originalToken(ctx, user));
    try {
      const answer = (await socket.timeout(3000).emitWithAck('subscribe:payment', { username: user.username })) as { status: boolean };
      assert.equal(answer.status, true);
    } finally {
      socket.disconnect();
    }
  });

  it('when /extend is called with a token the original signed, then it answers one of ours for the same user', async () => {
    const user = await createUser(ctx);
    const legacy = await originalToken(ctx, user);
    const res = await withToken('/extend', legacy);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const claims = jwt.decode(res.body.token as string) as { user: string; jti?: string; sid?: string };
    assert.equal(claims.user, user.username);
    assert.ok(claims.jti && claims.sid, 'our token carries a jti and a session');
    assert.equal((await withToken('/verify', res.body.token as string)).status, 200);
    assertError(await withToken('/extend', legacy), 401, 'Token has been revoked', 'TOKEN_REVOKED');
  });

  it('when a token the original signed logs out, then it is refused on every instance', async () => {
    const user = await createUser(ctx);
    const legacy = await originalToken(ctx, user);
    const other = await originalToken(ctx, user, { expiresIn: 23 * HOUR });
    assert.equal((await withToken('/logout', legacy)).status, 200);
    assertError(await withToken('/verify', legacy), 401, 'Token has been revoked', 'TOKEN_REVOKED');
    const onSecond = await fetch(`${second.url}/verify`, { headers: { Authorization: `Bearer ${legacy}` } });
    assert.equal(onSecond.status, 401);
    assert.equal((await withToken('/verify', other)).status, 200, 'another token of the user is not touched');
  });

  it('when the password changes, then every token the original signed dies', async () => {
    const user = await createUser(ctx);
    const legacy = await originalToken(ctx, user);
    const res = await ctx.api.post('/update-pwd').set('Authorization', `Bearer ${legacy}`).send({ old_password: user.password, new_password: 'Changed-pass-42' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assertError(await withToken('/verify', legacy), 401);
    assert.equal((await withToken('/verify', res.body.token as string)).status, 200);
  });

  it('when the account is deactivated, then its original tokens are refused', async () => {
    const user = await createUser(ctx);
    const legacy = await originalToken(ctx, user);
    const other = await originalToken(ctx, user, { expiresIn: 22 * HOUR });
    assert.equal((await ctx.api.post('/deactivate').set('Authorization', `Bearer ${legacy}`).send({ reason: 'moving away' })).status, 200);
    assertError(await withToken('/verify', other), 401);
  });

  it('an original-style token that is forged, tampered, expired or without exp answers 401, never 500', async () => {
    const user = await createUser(ctx);
    const victim = await createUser(ctx);
    const legacy = await originalToken(ctx, user);
    const [header, , signature] = legacy.split('.') as [string, string, string];
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const row = await ctx.server.clients.db.models.UserLogin.findByPk(user.username, { raw: true });
    const pwd = row!.pwd;
    const candidates = {
      'another user in the payload': `${header}.${b64({ user: victim.username, agent: false, iat: now, exp: now + HOUR })}.${signature}`,
      'signed with a guessed key': jwt.sign({ user: user.username, agent: false }, 'not-the-hash-slice', { expiresIn: HOUR }),
      'no exp': jwt.sign({ user: user.username, agent: false }, pwd.slice(32, 48) + pwd.slice(14, 30)),
      expired: jwt.sign({ user: user.username, agent: false, iat: now - 2 * HOUR, exp: now - HOUR }, pwd.slice(32, 48) + pwd.slice(14, 30)),
      'our key without a jti': jwt.sign({ user: user.username, agent: false }, 'x'.repeat(32), { expiresIn: HOUR }),
    };
    for (const [label, token] of Object.entries(candidates)) {
      const res = await withToken('/verify', token);
      assert.equal(res.status, 401, `${label}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.status, false);
    }
  });
});

describe('tokens of the original system without LEGACY_TOKENS_UNTIL, or after it', () => {
  const ctx = useTestServer();
  const past = useSecondInstance(ctx, { LEGACY_TOKENS_UNTIL: new Date(Date.now() - 1000).toISOString() });

  it('when LEGACY_TOKENS_UNTIL is empty (the default) or has passed, then a token the original signed is refused, also by the socket', async () => {
    const user = await createUser(ctx);
    const legacy = await originalToken(ctx, user);
    assertError(await ctx.api.get('/verify').set('Authorization', `Bearer ${legacy}`), 401);
    assert.equal((await fetch(`${past.url}/verify`, { headers: { Authorization: `Bearer ${legacy}` } })).status, 401);
    await assert.rejects(connectSocket(ctx.server.url, legacy), /Unauthorized/);
    await assert.rejects(connectSocket(past.url, legacy), /Unauthorized/);
  });
});
