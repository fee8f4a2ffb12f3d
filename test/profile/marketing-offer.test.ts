import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createServiceCredentials, createUser, type TestUser } from '../helpers/factories.js';
import { uniqueName, useTestServer } from '../helpers/server.js';
import { assertAuthRequired, assertError } from './auth-cases.js';

describe('marketing offers: GET /marketing-offer/list, POST /marketing-offer', () => {
  const ctx = useTestServer();

  const titles = async (user: TestUser) => {
    const res = await ctx.api.get('/marketing-offer/list').set('Authorization', user.auth);
    assert.equal(res.status, 200);
    return res.body as Array<{ title: string; valid_until: string | null }>;
  };

  it('when the offer routes are called without, with the wrong kind of, or with forged credentials, then 401', async () => {
    await assertAuthRequired(ctx, 'get', '/marketing-offer/list', 'jwt');
    await assertAuthRequired(ctx, 'post', '/marketing-offer', 'basic', { title: 'x' });
  });

  it('when a service creates offers, then a user sees active, unexpired, global or own offers, newest first', async () => {
    const service = await createServiceCredentials(ctx);
    const alice = await createUser(ctx);
    const bob = await createUser(ctx);
    const tag = uniqueName('offer');
    const post = (body: Record<string, unknown>) => ctx.api.post('/marketing-offer').set('Authorization', service.auth).send(body);

    const created = await post({
      title: `${tag} global`,
      description: 'Special discount',
      image_url: '/images/offer.jpg',
      valid_until: '2099-12-31',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.offer.valid_until, '2099-12-31T23:59:59.000Z');
    assert.equal(created.body.offer.username, null);
    assert.equal(
      (await post({ title: `${tag} for alice`, username: alice.username, valid_until: '2099-01-01T10:00:00+07:00' })).status,
      201,
    );
    assert.equal((await post({ title: `${tag} for bob`, username: bob.username })).status, 201);
    assert.equal((await post({ title: `${tag} inactive`, is_active: false })).status, 201);
    // An offer that has just expired (written directly: the API refuses past dates).
    await ctx.server.clients.db.models.MarketingOffer.create({
      title: `${tag} expired`,
      description: null,
      image_url: null,
      username: null,
      valid_until: new Date(Date.now() - 1000),
    });
    assert.equal((await post({ title: `${tag} newest global`, image_url: 'https://cdn.example.test/o.jpg' })).status, 201);

    const mine = (await titles(alice)).filter((o) => o.title.startsWith(tag));
    assert.deepEqual(
      mine.map((o) => o.title),
      [`${tag} newest global`, `${tag} for alice`, `${tag} global`],
    );
    const offer = mine[2]!;
    for (const key of ['id', 'title', 'description', 'image_url', 'valid_until', 'is_active']) assert.ok(key in offer, key);
    assert.equal(mine[1]!.valid_until, '2099-01-01T03:00:00.000Z');
    const bobs = (await titles(bob)).filter((o) => o.title.startsWith(tag)).map((o) => o.title);
    assert.deepEqual(bobs, [`${tag} newest global`, `${tag} for bob`, `${tag} global`]);
  });

  it('when the target username does not exist, then 404 and no offer is created', async () => {
    const service = await createServiceCredentials(ctx);
    const title = uniqueName('ghost');
    const res = await ctx.api.post('/marketing-offer').set('Authorization', service.auth).send({ title, username: 'nobody_here_at_all' });
    assertError(res, 404, 'User not found', 'USER_NOT_FOUND');
    assert.equal(await ctx.server.clients.db.models.MarketingOffer.count({ where: { title } }), 0);
  });

  it('when the body is invalid (no title, bad date, past date, bad URL, unknown field), then 400', async () => {
    const service = await createServiceCredentials(ctx);
    for (const body of [
      {},
      { title: '' },
      { title: '   ' },
      { title: 'x', valid_until: '31-12-2099' },
      { title: 'x', valid_until: '2099-02-30' },
      { title: 'x', valid_until: '2000-01-01' },
      { title: 'x', valid_until: 'tomorrow' },
      { title: 'x', image_url: 'javascript:alert(1)' },
      { title: 'x', is_active: 'yes' },
      { title: 'x', id: 5 },
    ]) {
      assertError(await ctx.api.post('/marketing-offer').set('Authorization', service.auth).send(body), 400);
    }
  });
});
