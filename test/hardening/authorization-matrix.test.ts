/**
 * The authorization matrix, generated from the route declarations: every route that is not public is tried with
 * every kind of bad credential, and every id-bearing route is tried by user B against user A's objects.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import type { Response } from 'supertest';
import type { RouteDeclaration } from '../../src/routers/route.js';
import { deriveUserKey, JWT_ALGORITHM } from '../../src/services/token.service.js';
import { createServiceCredentials, createUser, type TestUser } from '../helpers/factories.js';
import { useTestServer, type TestContext } from '../helpers/server.js';
import { checkout, connectSocket, subscribe } from '../payment/payment-helpers.js';
import { changedTables, declaredRoutes, fillPath, nextIp, propertiesOf, routeName, sampleFor, tableChecksums } from './hardening-helpers.js';

const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);
const ID_FIELD = /^(id|.+_id)$/;

function request(ctx: TestContext, route: RouteDeclaration, headers: Record<string, string>, options: { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown } = {}) {
  const query = options.query ?? (route.schemas?.query ? (sampleFor(route.schemas.query) as Record<string, unknown>) : {});
  const qs = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  let req = ctx.api[route.method](fillPath(route.path, options.params ?? {}) + (qs ? `?${qs}` : '')).set('X-Forwarded-For', nextIp());
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  const body = options.body ?? (route.schemas?.body ? sampleFor(route.schemas.body) : undefined);
  if (BODY_METHODS.has(route.method) && route.bodyType !== 'multipart' && body !== undefined) return req.send(body as object);
  return req;
}

function expectStatus(res: Response, status: number, where: string): void {
  assert.equal(res.status, status, `${where}: expected ${status}, got ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  assert.equal(res.body.status, false, `${where}: not an error envelope`);
  assert.equal(res.body.errorCode, status, `${where}: errorCode ≠ status`);
}

/** Names of the id-like inputs (path params, query, body) a route takes. */
function idInputsOf(route: RouteDeclaration): string[] {
  const names = [
    ...[...route.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!),
    ...Object.keys(propertiesOf(route.schemas?.query)),
    ...Object.keys(propertiesOf(route.schemas?.body)),
  ];
  return [...new Set(names.filter((name) => ID_FIELD.test(name)))];
}

describe('authorization matrix generated from the route declarations', () => {
  const ctx = useTestServer({ ACCESS_LOG: 'false' });

  /** Tokens that must all be refused: each made dead the way a real client would meet it. */
  async function deadTokens(): Promise<Array<[string, string]>> {
    const { models } = ctx.server.clients.db;
    const expiredUser = await createUser(ctx);
    const login = await models.UserLogin.findByPk(expiredUser.username);
    assert.ok(login);
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt.sign(
      { user: expiredUser.username, agent: false, jti: 'expired-test', iat: now - 7200, exp: now - 3600 },
      deriveUserKey(ctx.config.auth.secret, login.pwd),
      { algorithm: JWT_ALGORITHM },
    );

    const loggedOut = await createUser(ctx);
    assert.equal((await ctx.api.get('/logout').set('Authorization', loggedOut.auth)).status, 200);

    const changed = await createUser(ctx);
    const change = await ctx.api.post('/update-pwd').set('Authorization', changed.auth).send({ old_password: changed.password, new_password: 'Another-Horse-77' });
    assert.equal(change.status, 200, JSON.stringify(change.body));

    const deactivated = await createUser(ctx);
    const off = await ctx.api.post('/deactivate').set('Authorization', deactivated.auth).send({ reason: 'testing the matrix' });
    assert.equal(off.status, 200, JSON.stringify(off.body));

    const other = await createUser(ctx);
    const parts = other.token.split('.');
    const tampered = `${parts[0]}.${Buffer.from(JSON.stringify({ user: expiredUser.username, agent: true, jti: 'x', iat: now, exp: now + 3600 })).toString('base64url')}.${parts[2]}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ user: other.username, exp: now + 3600 })).toString('base64url')}.`;
    return [
      ['garbage', 'Bearer garbage'],
      ['not a JWT scheme', other.token],
      ['expired', `Bearer ${expired}`],
      ['logged out', loggedOut.auth],
      ['password changed', changed.auth],
      ['deactivated user', deactivated.auth],
      ['payload swapped (signature of another)', `Bearer ${tampered}`],
      ['alg none', `Bearer ${none}`],
    ];
  }

  it('when a protected route gets missing, garbage, expired, logged-out, password-changed, deactivated or wrong-kind credentials, then it answers 401 (403 for a wrong callback token)', async (t) => {
    const routes = declaredRoutes(ctx).filter((route) => route.auth !== 'none');
    const user = await createUser(ctx);
    const service = await createServiceCredentials(ctx);
    const revokedService = await createServiceCredentials(ctx);
    await ctx.server.services.apiKeys.revoke(revokedService.holder);
    const dead = await deadTokens();
    const wrongKey = `Basic ${Buffer.from(`${service.holder}:not-the-key`).toString('base64')}`;
    const unknownHolder = `Basic ${Buffer.from('nobody-at-all:whatever').toString('base64')}`;
    const before = await tableChecksums(ctx);
    let checked = 0;

    for (const route of routes) {
      await t.test(`${routeName(route)} (${route.auth})`, async () => {
        const cases: Array<[string, Record<string, string>, number]> = [];
        switch (route.auth) {
          case 'jwt':
            cases.push(['no credentials', {}, 401], ['Basic on a JWT route', { Authorization: service.auth }, 401]);
            for (const [label, auth] of dead) cases.push([label, { Authorization: auth }, 401]);
            break;
          case 'basic':
            cases.push(
              ['no credentials', {}, 401],
              ['garbage', { Authorization: 'Basic !!!' }, 401],
              ['wrong key', { Authorization: wrongKey }, 401],
              ['unknown holder', { Authorization: unknownHolder }, 401],
              ['revoked key', { Authorization: revokedService.auth }, 401],
              ['JWT on a Basic route', { Authorization: user.auth }, 401],
            );
            break;
          case 'callback-token':
            cases.push(
              ['no callback token', {}, 401],
              ['wrong callback token', { 'x-callback-token': 'not-the-token' }, 403],
              ['JWT instead of the callback token', { Authorization: user.auth }, 401],
              ['Basic instead of the callback token', { Authorization: service.auth }, 401],
            );
            break;
          case 'registration-token':
            cases.push(
              ['no registration token', {}, 401],
              ['garbage registration token', { Authorization: 'Bearer garbage' }, 401],
              ["a user's JWT as the registration token", { Authorization: user.auth }, 401],
            );
            break;
          case 'local':
            // Checked below with its own bodies: the credentials are the body.
            break;
          default:
            assert.fail(`auth kind ${route.auth} has no cases in the matrix`);
        }
        for (const [label, headers, status] of cases) {
          const res = await request(ctx, route, headers, { body: route.auth === 'registration-token' ? {} : undefined });
          expectStatus(res, status, `${routeName(route)} with ${label}`);
          checked += 1;
        }
      });
    }
    assert.deepEqual(changedTables(before, await tableChecksums(ctx)), [], 'refused credentials changed rows');
    t.diagnostic(`${checked} refused credential cases`);
  });

  it('when POST /auth gets a wrong password, an unknown user or a deactivated account, then it answers 422, 422 and 403', async () => {
    const user = await createUser(ctx);
    const gone = await createUser(ctx);
    assert.equal((await ctx.api.post('/deactivate').set('Authorization', gone.auth).send({ reason: 'matrix' })).status, 200);
    const login = (body: object) => ctx.api.post('/auth').set('X-Forwarded-For', nextIp()).send(body);
    expectStatus(await login({ username: user.username, password: 'Wrong-Password-1' }), 422, 'wrong password');
    expectStatus(await login({ username: 'nobody_here_at_all', password: 'Wrong-Password-1' }), 422, 'unknown user');
    expectStatus(await login({ username: gone.username, password: gone.password }), 403, 'deactivated');
  });

  it("when user B uses every id-bearing route on user A's objects, then each answers 404 and A's data is unchanged", async (t) => {
    const a = await createUser(ctx, { balance: '500000' });
    const b = await createUser(ctx, { balance: '500000' });
    const address = await ctx.api
      .post('/address')
      .set('Authorization', a.auth)
      .send({ label: 'Home', recipient_name: 'A', phone_number: '628123456789', address: 'Jl. A 1' });
    assert.equal(address.status, 201, JSON.stringify(address.body));
    const addressId = String(address.body.address.id);
    const bank = await ctx.api.post('/bank-account').set('Authorization', a.auth).send({ bank_code: 'BCA', account_number: '1234567890', account_holder_name: 'A' });
    assert.ok(bank.status === 200 || bank.status === 201, JSON.stringify(bank.body));
    const bankAccountId = String(bank.body.id);
    const invoice = await checkout(ctx, a, { amount: 50000 });
    const aLogin = await ctx.api.post('/auth').send({ username: a.username, password: a.password });
    assert.equal(aLogin.status, 200, JSON.stringify(aLogin.body));
    const sessionId = (JSON.parse(Buffer.from((aLogin.body.token as string).split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;

    /** What B sends to reach A's object, per route; a new id-bearing route must be added here to be covered. */
    const attacks: Record<string, { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown }> = {
      'PUT /address/:id': { params: { id: addressId }, body: { label: 'Stolen' } },
      'DELETE /address/:id': { params: { id: addressId } },
      'POST /address/set-default': { body: { id: Number(addressId) } },
      'DELETE /bank-account/:id': { params: { id: bankAccountId } },
      'POST /payout': { body: { amount: 10000, bank_account_id: Number(bankAccountId) } },
      'GET /invoice/detail/xendit': { query: { invoice_id: invoice.invoice_id } },
      'POST /invoice/cancel/xendit': { body: { invoice_id: invoice.invoice_id } },
      'DELETE /sessions/:id': { params: { id: sessionId } },
    };
    const routes = declaredRoutes(ctx).filter((route) => route.auth === 'jwt' && idInputsOf(route).length > 0);
    assert.ok(routes.length > 0);
    const aRows = async () => {
      const { sequelize } = ctx.server.clients.db;
      const [rows] = await sequelize.query(
        `SELECT (SELECT json_agg(x ORDER BY x.id) FROM address_list x WHERE username = :u) AS addresses,
                (SELECT json_agg(x ORDER BY x.id) FROM bank_account x WHERE username = :u) AS banks,
                (SELECT json_agg(x ORDER BY x.id) FROM user_transaction x WHERE username = :u) AS ledger,
                (SELECT row_to_json(x) FROM user_balance x WHERE username = :u) AS balance,
                (SELECT json_agg(x ORDER BY x.id) FROM user_session x WHERE username = :u) AS sessions`,
        { replacements: { u: a.username } },
      );
      return JSON.stringify(rows);
    };
    const before = await aRows();
    for (const route of routes) {
      await t.test(routeName(route), async () => {
        const attack = attacks[routeName(route)];
        assert.ok(attack, `${routeName(route)} takes ${idInputsOf(route).join(', ')}: add B-against-A inputs to the matrix`);
        const res = await request(ctx, route, { Authorization: b.auth }, attack);
        expectStatus(res, 404, `${routeName(route)} by B on A's object`);
      });
    }
    assert.equal(await aRows(), before, "A's rows changed");
    // And A still owns and sees them.
    const list = await ctx.api.get('/address/list').set('Authorization', a.auth);
    assert.ok(JSON.stringify(list.body).includes(addressId));
  });

  it("when user B subscribes to user A's payment room, then the socket refuses (403) and B receives none of A's updates", async () => {
    const a = await createUser(ctx);
    const b = await createUser(ctx);
    const socket = await connectSocket(ctx.server.url, b.token);
    try {
      const received: unknown[] = [];
      socket.on('payment:status:update', (event: unknown) => received.push(event));
      const ack = await subscribe(socket, a.username);
      assert.equal(ack.status, false);
      assert.equal(ack.errorCode, 403);
      ctx.server.clients.realtime.publish(a.username, { invoice_id: 'x', status: 'PAID', amount: 1, paid_at: null });
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(received, []);
      // Case and whitespace variants of A's name are not A's room either.
      for (const variant of [a.username.toUpperCase(), ` ${a.username}`, `${a.username}\u0000`]) {
        const again = await subscribe(socket, variant);
        assert.equal(again.status, false, `variant ${JSON.stringify(variant)} was accepted`);
      }
    } finally {
      socket.disconnect();
    }
    // Without a token or with a dead one, the handshake itself fails.
    await assert.rejects(connectSocket(ctx.server.url));
    await assert.rejects(connectSocket(ctx.server.url, 'garbage'));
  });
});

export type { TestUser };
