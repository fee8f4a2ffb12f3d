/**
 * /extend rotates a token without failing the requests in flight: the replaced token keeps working for
 * EXTEND_GRACE_SECONDS (1 s here), then it is refused everywhere; logout of either token ends both, because they
 * belong to one session.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import type { Socket } from 'socket.io-client';
import { createUser } from '../helpers/factories.js';
import { useTestServer, useSecondInstance } from '../helpers/server.js';
import { connectSocket, eventually, sleep, subscribe } from '../payment/payment-helpers.js';
import { assertError } from './auth-helpers.js';

const GRACE_MS = 1000;

describe('/extend grace for the replaced token', () => {
  const ctx = useTestServer({ EXTEND_GRACE_SECONDS: String(GRACE_MS / 1000) });
  const second = useSecondInstance(ctx, { EXTEND_GRACE_SECONDS: String(GRACE_MS / 1000) });

  const verifyWith = (token: string) => ctx.api.get('/verify').set('Authorization', `Bearer ${token}`);
  const extend = async (token: string) => {
    const res = await ctx.api.get('/extend').set('Authorization', `Bearer ${token}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.token as string;
  };

  it('when /extend replaces a token, then requests with the old one succeed during the grace and are refused after it', async () => {
    const user = await createUser(ctx);
    const extendedAt = Date.now();
    const fresh = await extend(user.token);
    assert.equal((await verifyWith(user.token)).status, 200, 'a request in flight with the replaced token');
    assert.equal((await ctx.api.get('/user/profile').set('Authorization', user.auth)).status, 200);
    await sleep(Math.max(0, extendedAt + GRACE_MS + 300 - Date.now()));
    assertError(await verifyWith(user.token), 401, 'Token has been revoked', 'TOKEN_REVOKED');
    assert.equal((await verifyWith(fresh)).status, 200);
  });

  it('when the replaced token is sent to /extend again during its grace, then it is refused: a token rotates once', async () => {
    const user = await createUser(ctx);
    await extend(user.token);
    assertError(await ctx.api.get('/extend').set('Authorization', user.auth), 401, 'Token has been revoked', 'TOKEN_REVOKED');
  });

  it('when the new token logs out, then the replaced one dies at once too, on both instances', async () => {
    const user = await createUser(ctx);
    const fresh = await extend(user.token);
    assert.equal((await ctx.api.get('/logout').set('Authorization', `Bearer ${fresh}`)).status, 200);
    assertError(await verifyWith(user.token), 401);
    assertError(await verifyWith(fresh), 401);
    const onSecond = await fetch(`${second.url}/verify`, { headers: { Authorization: user.auth } });
    assert.equal(onSecond.status, 401);
  });

  it('when the replaced token logs out during its grace, then the new token dies too', async () => {
    const user = await createUser(ctx);
    const fresh = await extend(user.token);
    assert.equal((await ctx.api.get('/logout').set('Authorization', user.auth)).status, 200);
    assertError(await verifyWith(fresh), 401);
    assertError(await verifyWith(user.token), 401);
    const onSecond = await fetch(`${second.url}/verify`, { headers: { Authorization: `Bearer ${fresh}` } });
    assert.equal(onSecond.status, 401);
  });

  it('when a session is extended twice, then logout of the last token ends every token of it', async () => {
    const user = await createUser(ctx);
    const middle = await extend(user.token);
    const last = await extend(middle);
    assert.equal((jwt.decode(last) as { sid: string }).sid, (jwt.decode(user.token) as { sid: string }).sid);
    assert.equal((await ctx.api.get('/logout').set('Authorization', `Bearer ${last}`)).status, 200);
    for (const token of [user.token, middle, last]) assertError(await verifyWith(token), 401);
  });

  it('when one user has two sessions, then logout of one leaves the other signed in', async () => {
    const user = await createUser(ctx);
    const other = await ctx.api.post('/auth').send({ username: user.username, password: user.password });
    assert.equal(other.status, 200);
    await extend(user.token);
    assert.equal((await ctx.api.get('/logout').set('Authorization', user.auth)).status, 200);
    assert.equal((await verifyWith(other.body.token as string)).status, 200);
  });

  it('when sockets are open with the replaced token, then they stay for the grace and close when it ends, on both instances', async () => {
    const user = await createUser(ctx);
    const sockets: Socket[] = [await connectSocket(ctx.server.url, user.token), await connectSocket(second.url, user.token)];
    try {
      const extendedAt = Date.now();
      await extend(user.token);
      await sleep(200);
      for (const socket of sockets) assert.equal(socket.connected, true, 'still connected during the grace');
      // A socket that connects with the replaced token during the grace also ends with it.
      const late = await connectSocket(second.url, user.token);
      sockets.push(late);
      assert.equal((await subscribe(late, user.username)).status, true);
      await eventually(() => {
        for (const socket of sockets) assert.equal(socket.connected, false, 'closed when the grace ended');
      }, GRACE_MS + 4000);
      assert.ok(Date.now() - extendedAt >= GRACE_MS - 50, 'not before the grace ended');
    } finally {
      for (const socket of sockets) socket.disconnect();
    }
  });

  it('when a session logs out, then sockets opened with any of its tokens close at once on both instances', async () => {
    const user = await createUser(ctx);
    const fresh = await extend(user.token);
    const sockets = [await connectSocket(ctx.server.url, user.token), await connectSocket(second.url, fresh)];
    try {
      assert.equal((await ctx.api.get('/logout').set('Authorization', `Bearer ${fresh}`)).status, 200);
      await eventually(() => {
        for (const socket of sockets) assert.equal(socket.connected, false);
      }, 3000);
    } finally {
      for (const socket of sockets) socket.disconnect();
    }
  });
});
