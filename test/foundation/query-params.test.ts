import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUser } from '../helpers/factories.js';
import { assertError } from '../helpers/assertions.js';
import { useTestServer } from '../helpers/server.js';

describe('query parameters a client of the original sends', () => {
  const ctx = useTestServer();

  it('when a GET carries cache-busters and analytics tags, then they are ignored and the declared parameters still apply', async () => {
    const user = await createUser(ctx, { points: 5 });
    const history = await ctx.api
      .get('/points/history?limit=1&_=1733140000000&utm_source=app&utm_campaign=promo&cb=x&cb=y')
      .set('Authorization', user.auth);
    assert.equal(history.status, 200, JSON.stringify(history.body));

    const profile = await ctx.api.get('/user/profile?_=1733140000000&ref=banner').set('Authorization', user.auth);
    assert.equal(profile.status, 200, JSON.stringify(profile.body));
  });

  it('when a declared GET parameter is bad, then it is still refused (400 naming the field), unknown ones beside it or not', async () => {
    const user = await createUser(ctx);
    const res = await ctx.api.get('/points/history?limit=abc&_=1').set('Authorization', user.auth);
    assertError(res, 400);
    assert.deepEqual(
      (res.body.errors as Array<{ field: string }>).map((e) => e.field),
      ['limit'],
    );
    assertError(await ctx.api.get('/points/history?limit=1000').set('Authorization', user.auth), 400);
  });

  it('when a body carries an unknown field, then it is still refused', async () => {
    const user = await createUser(ctx, { points: 5 });
    const res = await ctx.api.post('/points/redeem').set('Authorization', user.auth).send({ points: 1, zzz_extra: 1 });
    assertError(res, 400);
    assert.ok((res.body.errors as Array<{ field: string }>).some((e) => e.field === 'zzz_extra'), JSON.stringify(res.body));
  });

  it('when a route that changes something gets an unknown query parameter, then it is still refused', async () => {
    const user = await createUser(ctx);
    assertError(await ctx.api.delete('/fcm/token?token=abc&zzz_unknown=1').set('Authorization', user.auth), 400);
  });
});
