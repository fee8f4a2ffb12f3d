import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import bcrypt from 'bcrypt';
import jwt from 'jsonwebtoken';
import { createUser } from '../helpers/factories.js';
import { uniqueName, useTestServer } from '../helpers/server.js';
import { assertError, login } from './auth-helpers.js';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('login and sessions', () => {
  const ctx = useTestServer();
  const verifyWith = (token: string) => ctx.api.get('/verify').set('Authorization', `Bearer ${token}`);

  it('POST /auth accepts the username or the email and answers {token, agent} signed for that user', async () => {
    const user = await createUser(ctx, { agent: true });
    for (const identifier of [user.username, user.email, user.email.toUpperCase()]) {
      const res = await login(ctx, identifier, user.password);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.agent, true);
      assert.ok(Date.parse(res.body.expires_at) > Date.now());
      const header = JSON.parse(Buffer.from(res.body.token.split('.')[0], 'base64url').toString()) as { alg: string };
      assert.equal(header.alg, 'HS256');
      const payload = jwt.decode(res.body.token) as Record<string, unknown>;
      assert.deepEqual(Object.keys(payload).sort(), ['agent', 'auth_time', 'exp', 'iat', 'ims', 'jti', 'sid', 'user']);
      assert.equal(payload.user, user.username);
      assert.equal(payload.exp, (payload.iat as number) + ctx.config.auth.jwtExpiresInSeconds);
      assert.deepEqual((await verifyWith(res.body.token)).body, { status: true, user: user.username, agent: true });
    }
  });

  it('a wrong password and an unknown account get the same 422 "Invalid Credential"', async () => {
    const user = await createUser(ctx);
    const wrong = await login(ctx, user.username, 'Not-the-password-1');
    const unknown = await login(ctx, uniqueName('ghost'), 'Not-the-password-1');
    for (const res of [wrong, unknown]) assertError(res, 422, 'Invalid Credential', 'INVALID_CREDENTIAL');
    assert.deepEqual(Object.keys(wrong.body).sort(), Object.keys(unknown.body).sort());
  });

  it('bad login input of any shape answers 400 and never counts as a failed login', async () => {
    const user = await createUser(ctx);
    for (const body of [{}, { username: user.username }, { username: user.username, password: 42 }, { username: [user.username], password: 'x' }, { username: user.username, password: 'x', extra: 1 }]) {
      assertError(await ctx.api.post('/auth').send(body), 400);
    }
    assertError(await ctx.api.post('/auth').type('form').send({ username: user.username, password: user.password }), 415);
    assert.equal(await ctx.server.clients.redis.exists(`rl:login-account:${user.username}`), 0);
  });

  it('when the account is disabled, then the right password answers 403 "Account is Disabled" (the wrong one still 422)', async () => {
    const user = await createUser(ctx);
    await ctx.server.clients.db.models.UserLogin.update({ disabled: true }, { where: { username: user.username } });
    await ctx.server.services.tokens.invalidateUser(user.username);
    assertError(await login(ctx, user.username, user.password), 403, 'Account is Disabled', 'ACCOUNT_DISABLED');
    assertError(await login(ctx, user.username, 'Wrong-password-1'), 422, 'Invalid Credential', 'INVALID_CREDENTIAL');
    assertError(await verifyWith(user.token), 401);
  });

  it('GET /logout makes the presented token unusable at once, other tokens of the user keep working', async () => {
    const user = await createUser(ctx);
    const second = (await login(ctx, user.username, user.password)).body.token as string;
    const out = await ctx.api.get('/logout').set('Authorization', user.auth);
    assert.deepEqual(out.body, { status: true, message: 'Logged out' });
    assertError(await verifyWith(user.token), 401);
    assertError(await ctx.api.get('/logout').set('Authorization', user.auth), 401);
    assert.equal((await verifyWith(second)).status, 200);
  });

  it('GET /extend answers a fresh token of the same session (new jti and expiry); the presented one keeps its grace', async () => {
    const user = await createUser(ctx);
    const before = jwt.decode(user.token) as { jti: string; exp: number; sid: string };
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const res = await ctx.api.get('/extend').set('Authorization', user.auth);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const after = jwt.decode(res.body.token) as { jti: string; exp: number; sid: string };
    assert.notEqual(after.jti, before.jti);
    assert.equal(after.sid, before.sid);
    assert.ok(after.exp > before.exp);
    assert.equal(res.body.agent, false);
    assert.equal((await verifyWith(res.body.token)).status, 200);
    // EXTEND_GRACE_SECONDS (30 s here): a request in flight with the replaced token still succeeds.
    assert.equal((await verifyWith(user.token)).status, 200);
  });

  it('when user_info.agent changes, then /extend carries the new agent flag', async () => {
    const user = await createUser(ctx);
    await ctx.server.clients.db.models.UserInfo.update({ agent: true }, { where: { username: user.username } });
    const res = await ctx.api.get('/extend').set('Authorization', user.auth);
    assert.equal(res.body.agent, true);
    assert.equal((await verifyWith(res.body.token)).body.agent, true);
  });

  it('POST /deactivate records the reason, disables the account and kills every token', async () => {
    const user = await createUser(ctx);
    const other = (await login(ctx, user.username, user.password)).body.token as string;
    assertError(await ctx.api.post('/deactivate').set('Authorization', user.auth).send({}), 400);
    assertError(await ctx.api.post('/deactivate').set('Authorization', user.auth).send({ reason: '   ' }), 400);
    const res = await ctx.api.post('/deactivate').set('Authorization', user.auth).send({ reason: 'No longer needed' });
    assert.deepEqual(res.body, { status: true, message: 'Account deactivated' });
    const reasons = await ctx.server.clients.db.models.DeactivateReason.findAll({ where: { username: user.username }, raw: true });
    assert.deepEqual(reasons.map((r) => r.reason), ['No longer needed']);
    const row = await ctx.server.clients.db.models.UserLogin.findByPk(user.username, { raw: true });
    assert.equal(row?.disabled, true);
    for (const token of [user.token, other]) assertError(await verifyWith(token), 401);
    assertError(await login(ctx, user.username, user.password), 403, 'Account is Disabled', 'ACCOUNT_DISABLED');
  });

  it('POST /update-pwd: old password required, policy enforced, every old token dies, the answer carries a working token', async () => {
    const user = await createUser(ctx);
    const other = (await login(ctx, user.username, user.password)).body.token as string;
    const send = (body: object) => ctx.api.post('/update-pwd').set('Authorization', user.auth).send(body);
    assertError(await send({ old_password: 'Wrong-password-1', new_password: 'Brand-new-pass-1' }), 422, 'Invalid Credential', 'INVALID_CREDENTIAL');
    assertError(await send({ old_password: user.password, new_password: 'short' }), 400, 'Password must be at least 8 bytes long');
    assertError(await send({ old_password: user.password, new_password: 'ü'.repeat(37) }), 400, /at most 72 bytes/);
    assertError(await send({ old_password: user.password, new_password: user.username }), 400, 'Password must not be the same as the username');
    assertError(await send({ old_password: user.password, new_password: user.email }), 400, 'Password must not be the same as the email');
    assertError(await send({ old_password: user.password, new_password: user.password }), 400, 'New password must differ from the old password');
    assertError(await send({ old_password: user.password }), 400);
    assert.equal((await verifyWith(user.token)).status, 200, 'refused changes changed nothing');

    const res = await send({ old_password: user.password, new_password: 'Brand-new-pass-1' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, true);
    for (const token of [user.token, other]) assertError(await verifyWith(token), 401);
    assert.equal((await verifyWith(res.body.token)).status, 200);
    assertError(await login(ctx, user.username, user.password), 422, 'Invalid Credential', 'INVALID_CREDENTIAL');
    assert.equal((await login(ctx, user.username, 'Brand-new-pass-1')).status, 200);
  });

  it('token tampering answers a 401 envelope, never a 500', async () => {
    const user = await createUser(ctx);
    const [header, payload] = user.token.split('.') as [string, string, string];
    const claims = jwt.decode(user.token) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    const attacks: Record<string, string> = {
      'alg none': `Bearer ${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      'alg none with signature': `Bearer ${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.${user.token.split('.')[2]}`,
      'wrong key': `Bearer ${jwt.sign({ ...claims }, 'some-other-key', { algorithm: 'HS256', noTimestamp: true })}`,
      'key from the database alone (the seed formula without the server secret)': `Bearer ${jwt.sign({ ...claims }, await seedKeyOf(user.username), { algorithm: 'HS256', noTimestamp: true })}`,
      'HS512 with the right key': `Bearer ${jwt.sign({ ...claims }, await realKeyOf(user.username), { algorithm: 'HS512', noTimestamp: true })}`,
      expired: `Bearer ${jwt.sign({ ...claims, iat: now - 100, exp: now - 10 }, await realKeyOf(user.username), { algorithm: 'HS256', noTimestamp: true })}`,
      'changed payload': `Bearer ${header}.${b64url({ ...claims, agent: true })}.${user.token.split('.')[2]}`,
      'other user in payload': `Bearer ${header}.${b64url({ ...claims, user: 'someone_else' })}.${user.token.split('.')[2]}`,
      'no jti': `Bearer ${jwt.sign({ user: user.username, agent: false }, await realKeyOf(user.username), { algorithm: 'HS256' })}`,
      truncated: `Bearer ${user.token.slice(0, -5)}`,
      malformed: 'Bearer abc.def',
      garbage: 'Bearer %%%not-a-token%%%',
      'two parts': `Bearer ${header}.${payload}`,
      'json payload not an object': `Bearer ${header}.${Buffer.from('"x"').toString('base64url')}.abc`,
      'lowercase scheme': `bearer ${user.token}`,
      'basic scheme': `Basic ${Buffer.from('a:b').toString('base64')}`,
      'no token': 'Bearer ',
      'huge header': `Bearer ${'a'.repeat(6000)}`,
    };
    for (const [label, value] of Object.entries(attacks)) {
      const res = await ctx.api.get('/verify').set('Authorization', value);
      assert.equal(res.status, 401, `${label}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.status, false, label);
      assert.equal(typeof res.body.message, 'string', label);
    }
    assertError(await ctx.api.get('/verify'), 401);
    // The genuine token still works.
    assert.equal((await verifyWith(user.token)).status, 200);
  });

  it('when the configured hash cost changed, then a login upgrades the hash, answers a token signed with the new hash and old tokens die', async () => {
    const user = await createUser(ctx);
    const legacy = await bcrypt.hash(user.password, 5);
    await ctx.server.clients.db.models.UserLogin.update({ pwd: legacy }, { where: { username: user.username } });
    await ctx.server.services.tokens.invalidateUser(user.username);
    const oldToken = ctx.server.services.tokens.issue(user.username, legacy, false).token;
    assert.equal((await verifyWith(oldToken)).status, 200);

    const res = await login(ctx, user.username, user.password);
    assert.equal(res.status, 200);
    const row = await ctx.server.clients.db.models.UserLogin.findByPk(user.username, { raw: true });
    assert.match(row?.pwd ?? '', /^\$2[aby]\$04\$/, 'rehashed at BCRYPT_COST=4');
    assert.equal(ctx.server.services.hashing.needsRehash(row!.pwd), false);
    assert.equal((await verifyWith(res.body.token)).status, 200);
    assertError(await verifyWith(oldToken), 401);
    assert.equal((await login(ctx, user.username, user.password)).status, 200);
  });

  async function storedHash(username: string): Promise<string> {
    const row = await ctx.server.clients.db.models.UserLogin.findByPk(username, { raw: true });
    return row!.pwd;
  }
  async function seedKeyOf(username: string): Promise<string> {
    const pwd = await storedHash(username);
    return pwd.slice(32, 48) + pwd.slice(14, 30);
  }
  async function realKeyOf(username: string): Promise<Buffer> {
    return createHmac('sha256', ctx.config.auth.secret).update(await seedKeyOf(username)).digest();
  }
});
