/**
 * Revocation reaches every channel: sockets opened with a dead token are closed on every instance, subscribe
 * re-checks the token, outstanding reset links die with the password or the account, tokens without `exp` are
 * refused, and /extend stops at the absolute session lifetime.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import type { Socket } from 'socket.io-client';
import { deriveUserKey } from '../../src/services/token.service.js';
import { createUser, type TestUser } from '../helpers/factories.js';
import { useTestServer, useSecondInstance } from '../helpers/server.js';
import { collectUpdates, connectSocket, eventually, sleep, subscribe, topUp } from '../payment/payment-helpers.js';
import { assertError, freshIp, linkTokenFor, login } from './auth-helpers.js';

const DAY = 86_400;

function waitForDisconnect(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (!socket.connected) return resolve();
    socket.once('disconnect', () => resolve());
  });
}

async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

describe('revocation reaches every channel', () => {
  const ctx = useTestServer();
  const second = useSecondInstance(ctx);

  const requestResetLink = async (user: TestUser) => {
    const res = await ctx.api.post('/request-reset-pwd').set('X-Forwarded-For', freshIp()).send({ email: user.email });
    assert.equal(res.status, 200);
    return linkTokenFor(ctx, user.email, '/reset-pwd');
  };

  const revocations: Array<[string, (user: TestUser) => Promise<void>]> = [
    ['GET /logout', async (user) => {
      assert.equal((await ctx.api.get('/logout').set('Authorization', user.auth)).status, 200);
    }],
    ['POST /update-pwd', async (user) => {
      const res = await ctx.api.post('/update-pwd').set('Authorization', user.auth).send({ old_password: user.password, new_password: 'Changed-pass-77' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }],
    ['a password reset', async (user) => {
      const token = await requestResetLink(user);
      const res = await ctx.api.post('/reset-pwd').send({ token, password: 'Reset-pass-77x' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }],
    ['POST /deactivate', async (user) => {
      const res = await ctx.api.post('/deactivate').set('Authorization', user.auth).send({ reason: 'leaving' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }],
  ];

  for (const [label, revoke] of revocations) {
    it(`when ${label} kills a token, then sockets opened with it are disconnected at once on both instances and hear no more payments`, async () => {
      const user = await createUser(ctx);
      const onA = await connectSocket(ctx.server.url, user.token);
      const onB = await connectSocket(second.url, user.token);
      try {
        for (const socket of [onA, onB]) assert.equal((await subscribe(socket, user.username)).status, true);
        const updates = [...collectUpdates(onA), ...collectUpdates(onB)];
        const heard: unknown[] = [];
        onA.on('payment:status:update', (e) => heard.push(e));
        onB.on('payment:status:update', (e) => heard.push(e));
        const closed = Promise.all([waitForDisconnect(onA), waitForDisconnect(onB)]);
        await revoke(user);
        await withTimeout(closed, 5000, `sockets still connected after ${label}`);
        assert.equal(onA.connected, false);
        assert.equal(onB.connected, false);
        // The wallet is still credited by the callback; nobody listening with the dead token hears it.
        const funder = await createUser(ctx);
        await topUp(ctx, funder, 10000);
        await sleep(150);
        assert.deepEqual(updates, []);
        assert.deepEqual(heard, []);
      } finally {
        onA.disconnect();
        onB.disconnect();
      }
    });
  }

  it('when the token has expired since the handshake, then the socket is closed and a subscribe is refused', async () => {
    const user = await createUser(ctx);
    const row = await ctx.server.clients.db.models.UserLogin.findByPk(user.username, { raw: true });
    const now = Date.now();
    const shortLived = jwt.sign(
      { user: user.username, agent: false, jti: crypto.randomUUID(), ims: now, iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 2 },
      deriveUserKey(ctx.config.auth.secret, row!.pwd),
      { algorithm: 'HS256' },
    );
    const socket = await connectSocket(ctx.server.url, shortLived);
    try {
      await sleep(3200);
      if (socket.connected) {
        const answer = await subscribe(socket, user.username);
        assert.equal(answer.status, false, 'subscribe with an expired token must be refused');
        assert.equal(answer.errorCode, 401);
        await eventually(() => assert.equal(socket.connected, false));
      }
      assert.equal(socket.connected, false);
    } finally {
      socket.disconnect();
    }
  });

  it('when a reset link was mailed before /update-pwd, then it no longer sets a password', async () => {
    const user = await createUser(ctx);
    const link = await requestResetLink(user);
    const res = await ctx.api.post('/update-pwd').set('Authorization', user.auth).send({ old_password: user.password, new_password: 'Updated-pass-88' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assertError(await ctx.api.post('/reset-pwd').send({ token: link, password: 'Attacker-pass-1' }), 401, 'Reset link is invalid or has expired', 'RESET_LINK_INVALID');
    assertError(await login(ctx, user.username, 'Attacker-pass-1'), 422, 'Invalid Credential', 'INVALID_CREDENTIAL');
    assert.equal((await login(ctx, user.username, 'Updated-pass-88')).status, 200);
  });

  it('when a reset link was mailed before the account was deactivated, then it no longer sets a password', async () => {
    const user = await createUser(ctx);
    const link = await requestResetLink(user);
    assert.equal((await ctx.api.post('/deactivate').set('Authorization', user.auth).send({ reason: 'bye' })).status, 200);
    assertError(await ctx.api.post('/reset-pwd').send({ token: link, password: 'Attacker-pass-1' }), 401, 'Reset link is invalid or has expired', 'RESET_LINK_INVALID');
    const row = await ctx.server.clients.db.models.UserLogin.findByPk(user.username, { raw: true });
    assert.equal(await ctx.server.services.hashing.verifyPassword(user.password, row!.pwd), true, 'password unchanged');
  });

  it('when a reset link was mailed before another reset of the password, then it no longer sets a password', async () => {
    const user = await createUser(ctx);
    const link = await requestResetLink(user);
    // The password changes through another path that leaves the reset record alone (e.g. an operator); the link must die.
    const pwd = await ctx.server.services.hashing.hashPassword('Operator-set-9x');
    await ctx.server.clients.db.models.UserLogin.update({ pwd }, { where: { username: user.username } });
    assertError(await ctx.api.post('/reset-pwd').send({ token: link, password: 'Attacker-pass-1' }), 401, 'Reset link is invalid or has expired', 'RESET_LINK_INVALID');
  });

  it('when a token has no exp, then it is refused by the API and by the socket handshake', async () => {
    const user = await createUser(ctx);
    const row = await ctx.server.clients.db.models.UserLogin.findByPk(user.username, { raw: true });
    const now = Date.now();
    const forever = jwt.sign(
      { user: user.username, agent: false, jti: crypto.randomUUID(), ims: now, iat: Math.floor(now / 1000) },
      deriveUserKey(ctx.config.auth.secret, row!.pwd),
      { algorithm: 'HS256' },
    );
    assertError(await ctx.api.get('/verify').set('Authorization', `Bearer ${forever}`), 401);
    assertError(await ctx.api.get('/extend').set('Authorization', `Bearer ${forever}`), 401);
    await assert.rejects(connectSocket(ctx.server.url, forever), /Unauthorized/);
  });

  it('when the password login is older than the absolute session lifetime, then /extend refuses and the token is not renewed', async () => {
    const user = await createUser(ctx);
    const row = await ctx.server.clients.db.models.UserLogin.findByPk(user.username, { raw: true });
    const nowS = Math.floor(Date.now() / 1000);
    // A session kept alive by /extend since a password login 31 days ago (the default lifetime is 30 days).
    const sign = (authTime: number) =>
      jwt.sign(
        { user: user.username, agent: false, jti: crypto.randomUUID(), ims: Date.now(), iat: nowS, exp: nowS + 3600, auth_time: authTime },
        deriveUserKey(ctx.config.auth.secret, row!.pwd),
        { algorithm: 'HS256' },
      );
    const stale = sign(nowS - 31 * DAY);
    const res = await ctx.api.get('/extend').set('Authorization', `Bearer ${stale}`);
    assertError(res, 401, /session.*expired|sign in again/i);

    // Within the lifetime, /extend works, keeps the login time and never reaches past it.
    const authTime = nowS - 30 * DAY + 600;
    const fresh = await ctx.api.get('/extend').set('Authorization', `Bearer ${sign(authTime)}`);
    assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
    const claims = jwt.decode(fresh.body.token as string) as { exp: number; auth_time: number };
    assert.equal(claims.auth_time, authTime);
    assert.ok(claims.exp <= authTime + 30 * DAY, `exp ${claims.exp} beyond the absolute lifetime ${authTime + 30 * DAY}`);
    const again = await ctx.api.get('/extend').set('Authorization', `Bearer ${fresh.body.token as string}`);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal((jwt.decode(again.body.token as string) as { auth_time: number }).auth_time, authTime);
  });

  it('when one token is sent to /extend 10 times at once, then exactly one new token comes back (3 trials)', async () => {
    for (let trial = 0; trial < 3; trial += 1) {
      const user = await createUser(ctx);
      const answers = await Promise.all(Array.from({ length: 10 }, () => ctx.api.get('/extend').set('Authorization', user.auth)));
      const statuses = answers.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, ...Array<number>(9).fill(401)], JSON.stringify(answers.map((r) => r.body)));
      const winner = answers.find((r) => r.status === 200)!;
      assert.equal((await ctx.api.get('/verify').set('Authorization', `Bearer ${winner.body.token as string}`)).status, 200);
    }
  });

  it('a password login starts the session clock: its token carries auth_time, and /extend carries it on', async () => {
    const user = await createUser(ctx);
    const res = await login(ctx, user.username, user.password);
    assert.equal(res.status, 200);
    const first = jwt.decode(res.body.token as string) as { auth_time: number; iat: number };
    assert.ok(Math.abs(first.auth_time - first.iat) <= 1);
    const extended = await ctx.api.get('/extend').set('Authorization', `Bearer ${res.body.token as string}`);
    assert.equal(extended.status, 200);
    assert.equal((jwt.decode(extended.body.token as string) as { auth_time: number }).auth_time, first.auth_time);
  });
});
