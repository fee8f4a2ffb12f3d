import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { RequestHandler } from 'express';
import supertest from 'supertest';
import { createApp } from '../../src/app.js';
import { setPrincipal } from '../../src/middleware/request-context.js';
import { buildRoutes } from '../../src/routers/index.js';
import { defineRoute } from '../../src/routers/route.js';
import { createLogger } from '../../src/utilities/logger.js';
import { createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { ledgerOf } from './payment-helpers.js';

const hashOf = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest('hex');

describe('Idempotency-Key: keys left in progress, and replayed refusals', () => {
  const ctx = useTestServer();
  const sql = () => ctx.server.clients.db.sequelize;

  /** A claim as a crashed process leaves it: no answer, claimed `ageSeconds` ago. */
  async function leaveInProgress(username: string, key: string, body: unknown, ageSeconds: number) {
    await sql().query(
      `INSERT INTO idempotency_key (username, scope, key, request_hash, response_status, response_body, created_at)
       VALUES (:username, 'balance-decrease', :key, :hash, NULL, NULL, now() - make_interval(secs => :age))`,
      { replacements: { username, key, hash: hashOf(body), age: ageSeconds } },
    );
  }

  it('when a key was left in progress by a crash long ago, then the retry is processed (once) instead of answering 409 forever', async () => {
    const user = await createUser(ctx, { balance: '50000' });
    const body = { amount: 10000, description: 'Purchase payment' };
    const key = `crashed-${user.username}`;
    await leaveInProgress(user.username, key, body, 3600);
    const send = () => ctx.api.post('/balance/decrease').set('Authorization', user.auth).set('Idempotency-Key', key).send(body);
    const first = await send();
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const again = await Promise.all([send(), send(), send()]);
    for (const res of again) {
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, first.body);
    }
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '40000.00', ledger: '40000.00' });
  });

  it('when a key is in progress right now (within the lease), then a retry is still told to retry shortly (409)', async () => {
    const user = await createUser(ctx, { balance: '50000' });
    const body = { amount: 10000, description: 'Purchase payment' };
    const key = `busy-${user.username}`;
    await leaveInProgress(user.username, key, body, 0);
    const res = await ctx.api.post('/balance/decrease').set('Authorization', user.auth).set('Idempotency-Key', key).send(body);
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(res.body.status, false);
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '50000.00', ledger: '50000.00' });
  });

  it('when a refusal with field errors is replayed, then it renders like any error: same message, code and errors, with the retry\'s requestId', async () => {
    const user = await createUser(ctx, { balance: '50000' });
    const tooMuch = ctx.config.xendit.maxAmount + 1;
    const send = () =>
      ctx.api
        .post('/balance/decrease')
        .set('Authorization', user.auth)
        .set('Idempotency-Key', `refused-${user.username}`)
        .send({ amount: tooMuch, description: 'too much' });
    const first = await send();
    const replay = await send();
    assert.equal(first.status, 400, JSON.stringify(first.body));
    assert.ok(first.body.errors?.length, 'the first refusal names the field');
    assert.equal(replay.status, 400);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    const { requestId: firstId, ...firstRest } = first.body as { requestId: string };
    const { requestId: replayId, ...replayRest } = replay.body as { requestId: string };
    assert.deepEqual(replayRest, firstRest);
    assert.equal(replayId, replay.headers['x-request-id']);
    assert.notEqual(replayId, firstId);
    assert.deepEqual(await ledgerOf(ctx, user.username), { balance: '50000.00', ledger: '50000.00' });
  });

  it('when a route declares idempotency, then the router gives it replay handling: the key and Idempotent-Replayed are documented, and a retry is replayed with the header', async () => {
    type Operation = { parameters?: Array<{ in: string; name: string }>; responses: Record<string, { headers?: Record<string, unknown> }> };
    const doc = (await ctx.api.get('/openapi.json').expect(200)).body as { paths: Record<string, Record<string, Operation>> };
    const routes = buildRoutes(ctx.server.services);
    assert.deepEqual(routes.filter((r) => r.idempotency).map((r) => r.path).sort(), ['/balance/decrease', '/payment-checkout', '/payout', '/points/redeem']);
    for (const route of routes) {
      const id = `${route.method.toUpperCase()} ${route.path}`;
      const op = doc.paths[route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[route.method];
      assert.ok(op, `${id} is documented`);
      const takesKey = (op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      const success = op.responses[String(route.response?.status ?? 200)];
      assert.equal(takesKey, Boolean(route.idempotency), `${id}: documents Idempotency-Key exactly when it declares idempotency`);
      assert.equal(Boolean(success?.headers?.['Idempotent-Replayed']), Boolean(route.idempotency), `${id}: documents Idempotent-Replayed exactly when it declares idempotency`);
    }

    // A route whose handler only hands its work to `idempotent`: the key, scope, caller, body and the replay header come from the router.
    const user = await createUser(ctx);
    const signedIn: RequestHandler = (_req, res, next) => {
      setPrincipal(res, { kind: 'user', username: user.username, agent: false, jti: 'j', sid: null, exp: 0, token: 't' });
      next();
    };
    const pass: RequestHandler = (_req, _res, next) => next();
    let runs = 0;
    const probe = defineRoute({
      method: 'post',
      path: '/probe',
      auth: 'jwt',
      summary: 'probe',
      tags: ['Test'],
      schemas: { body: { type: 'object', additionalProperties: false, required: ['note'], properties: { note: { type: 'string' } } } as const },
      idempotency: { scope: 'test:probe' },
      handler: ({ body, idempotent }) => idempotent.run(async () => ({ status: 201, body: { run: ++runs, note: body.note } })),
    });
    const app = createApp({
      config: ctx.config,
      logger: createLogger('silent', () => {}),
      routes: [probe],
      authenticators: { none: pass, jwt: signedIn, basic: pass, local: pass, 'callback-token': pass, 'registration-token': pass },
      version: 'test',
      idempotency: ctx.server.services.idempotency,
    });
    const send = (note: string) => supertest(app).post('/probe').set('Idempotency-Key', `probe-${user.username}`).send({ note });
    const first = await send('a');
    const replay = await send('a');
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.headers['idempotent-replayed'], undefined);
    assert.equal(replay.status, 201);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.deepEqual(replay.body, { run: 1, note: 'a' });
    assert.equal((await send('b')).status, 422, 'the same key with another body is refused');
    assert.equal(runs, 1);
  });
});
