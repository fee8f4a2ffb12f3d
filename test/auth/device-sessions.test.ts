/**
 * Sessions and devices: each password login is a session the user can see and end from anywhere. Ending one kills
 * its tokens on every instance at once, closes its sockets and removes the FCM tokens registered from it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { createServiceCredentials, createUser, type TestUser } from '../helpers/factories.js';
import { uniqueName, useTestServer, useSecondInstance } from '../helpers/server.js';
import { connectSocket, eventually } from '../payment/payment-helpers.js';
import { assertError, freshIp } from './auth-helpers.js';

interface SessionRow {
  id: string;
  device: string;
  ip: string;
  created_at: string;
  last_seen_at: string;
  current: boolean;
}

describe('sessions and devices: GET /sessions, DELETE /sessions/:id, POST /sessions/revoke-others', () => {
  const ctx = useTestServer();
  const second = useSecondInstance(ctx);

  /** A real password login from a device: the session it starts and its token. */
  const signIn = async (user: TestUser, device: { name?: string; userAgent?: string; ip?: string } = {}) => {
    const res = await ctx.api
      .post('/auth')
      .set('User-Agent', device.userAgent ?? 'UserStateApp/1.0 (test)')
      .set('X-Forwarded-For', device.ip ?? freshIp())
      .send({ username: user.username, password: user.password, ...(device.name ? { device_name: device.name } : {}) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const token = res.body.token as string;
    return { token, auth: `Bearer ${token}`, sid: (jwt.decode(token) as { sid: string }).sid };
  };
  const sessionsOf = async (auth: string) => {
    const res = await ctx.api.get('/sessions').set('Authorization', auth);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.sessions as SessionRow[];
  };
  const verifyOn = async (url: string, auth: string) => (await fetch(`${url}/verify`, { headers: { Authorization: auth } })).status;
  const pushedTokens = async (user: TestUser) => {
    const service = await createServiceCredentials(ctx);
    const before = ctx.push.calls.length;
    const res = await ctx.api.post('/fcm/send').set('Authorization', service.auth).send({ username: user.username, title: 'Hello', body: 'Test' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return ctx.push.calls.slice(before).flatMap((call) => call.tokens);
  };

  it('when a user signs in on two devices, then GET /sessions lists both, newest first, named by device_name or User-Agent, the current one marked', async () => {
    const user = await createUser(ctx);
    const phone = await signIn(user, { name: "Budi's Pixel 8", ip: '203.0.113.7' });
    const laptop = await signIn(user, { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' });
    const seen = await sessionsOf(phone.auth);
    assert.deepEqual(seen.map((s) => s.id), [laptop.sid, phone.sid]);
    assert.deepEqual(seen.map((s) => s.current), [false, true]);
    assert.equal(seen[1]!.device, "Budi's Pixel 8");
    assert.equal(seen[1]!.ip, '203.0.113.7');
    assert.equal(seen[0]!.device, 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0');
    for (const s of seen) assert.ok(Date.parse(s.created_at) <= Date.parse(s.last_seen_at));
  });

  it('when a session is extended, then it stays one session and its last_seen_at moves on', async () => {
    const user = await createUser(ctx);
    const phone = await signIn(user);
    const [before] = await sessionsOf(phone.auth);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const extended = await ctx.api.get('/extend').set('Authorization', phone.auth);
    assert.equal(extended.status, 200);
    const after = await sessionsOf(`Bearer ${extended.body.token as string}`);
    assert.equal(after.length, 1);
    assert.equal(after[0]!.id, before!.id);
    assert.equal(after[0]!.current, true);
    assert.ok(Date.parse(after[0]!.last_seen_at) > Date.parse(before!.last_seen_at));
  });

  it('when one session is revoked, then its tokens die on both instances at once, its sockets close and its FCM tokens go; the other session is untouched', async () => {
    const user = await createUser(ctx);
    const lost = await signIn(user, { name: 'lost phone' });
    const kept = await signIn(user, { name: 'new phone' });
    const lostPush = uniqueName('fcm-lost');
    const keptPush = uniqueName('fcm-kept');
    assert.equal((await ctx.api.post('/fcm/register').set('Authorization', lost.auth).send({ token: lostPush, device_type: 'android' })).status, 200);
    assert.equal((await ctx.api.post('/fcm/register').set('Authorization', kept.auth).send({ token: keptPush, device_type: 'ios' })).status, 200);
    assert.deepEqual((await pushedTokens(user)).sort(), [keptPush, lostPush].sort());
    const sockets = [await connectSocket(ctx.server.url, lost.token), await connectSocket(second.url, lost.token)];
    try {
      const res = await ctx.api.delete(`/sessions/${lost.sid}`).set('Authorization', kept.auth);
      assert.deepEqual(res.body, { status: true, message: 'Session revoked' });
      assert.equal(await verifyOn(ctx.server.url, lost.auth), 401);
      assert.equal(await verifyOn(second.url, lost.auth), 401);
      await eventually(() => {
        for (const socket of sockets) assert.equal(socket.connected, false);
      });
      assert.deepEqual(await pushedTokens(user), [keptPush]);
      assert.equal(await verifyOn(second.url, kept.auth), 200);
      assert.deepEqual((await sessionsOf(kept.auth)).map((s) => s.id), [kept.sid]);
      // Its tokens stay dead for good, including a refresh attempt.
      assertError(await ctx.api.get('/extend').set('Authorization', lost.auth), 401);
    } finally {
      for (const socket of sockets) socket.disconnect();
    }
  });

  it('when POST /sessions/revoke-others is called, then every other session ends and the current one goes on', async () => {
    const user = await createUser(ctx);
    const others = [await signIn(user), await signIn(user), await signIn(user)];
    const current = await signIn(user);
    const res = await ctx.api.post('/sessions/revoke-others').set('Authorization', current.auth);
    assert.deepEqual(res.body, { status: true, message: 'Every other session has been signed out', revoked: 3 });
    for (const other of others) {
      assert.equal(await verifyOn(ctx.server.url, other.auth), 401);
      assert.equal(await verifyOn(second.url, other.auth), 401);
    }
    assert.equal(await verifyOn(second.url, current.auth), 200);
    assert.deepEqual((await sessionsOf(current.auth)).map((s) => [s.id, s.current]), [[current.sid, true]]);
  });

  it("when B names A's session, then it answers 404 and A stays signed in; B's list never shows A's sessions", async () => {
    const alice = await createUser(ctx);
    const bob = await createUser(ctx);
    const a = await signIn(alice);
    const b = await signIn(bob);
    assertError(await ctx.api.delete(`/sessions/${a.sid}`).set('Authorization', b.auth), 404, 'Session not found', 'SESSION_NOT_FOUND');
    assert.equal(await verifyOn(ctx.server.url, a.auth), 200);
    assert.deepEqual((await sessionsOf(b.auth)).map((s) => s.id), [b.sid]);
    const others = await ctx.api.post('/sessions/revoke-others').set('Authorization', b.auth);
    assert.equal(others.body.revoked, 0);
    assert.equal(await verifyOn(ctx.server.url, a.auth), 200);
  });

  it('when the session id is not a uuid, unknown or already ended, then 400 or 404 and nothing changes', async () => {
    const user = await createUser(ctx);
    const me = await signIn(user);
    assertError(await ctx.api.delete('/sessions/not-a-uuid').set('Authorization', me.auth), 400);
    assertError(await ctx.api.delete(`/sessions/${crypto.randomUUID()}`).set('Authorization', me.auth), 404, 'Session not found', 'SESSION_NOT_FOUND');
    const other = await signIn(user);
    assert.equal((await ctx.api.delete(`/sessions/${other.sid}`).set('Authorization', me.auth)).status, 200);
    assertError(await ctx.api.delete(`/sessions/${other.sid}`).set('Authorization', me.auth), 404, 'Session not found', 'SESSION_NOT_FOUND');
    assert.equal(await verifyOn(ctx.server.url, me.auth), 200);
  });

  it('when a session logs out, then it leaves the list and its FCM tokens go', async () => {
    const user = await createUser(ctx);
    const leaving = await signIn(user);
    const staying = await signIn(user);
    const pushToken = uniqueName('fcm-out');
    assert.equal((await ctx.api.post('/fcm/register').set('Authorization', leaving.auth).send({ token: pushToken, device_type: 'web' })).status, 200);
    assert.equal((await ctx.api.get('/logout').set('Authorization', leaving.auth)).status, 200);
    assert.deepEqual((await sessionsOf(staying.auth)).map((s) => s.id), [staying.sid]);
    assert.deepEqual(await pushedTokens(user), []);
  });

  it('when the password is changed, then every old session ends and the answer starts one new session on the same device', async () => {
    const user = await createUser(ctx);
    const phone = await signIn(user, { name: 'phone' });
    const tablet = await signIn(user, { name: 'tablet' });
    const res = await ctx.api.post('/update-pwd').set('Authorization', phone.auth).send({ old_password: user.password, new_password: 'Changed-pass-51' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const now = `Bearer ${res.body.token as string}`;
    const seen = await sessionsOf(now);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.device, 'phone');
    assert.equal(seen[0]!.current, true);
    assert.notEqual(seen[0]!.id, phone.sid);
    assert.equal(await verifyOn(ctx.server.url, tablet.auth), 401);
  });
});
