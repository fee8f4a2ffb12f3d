import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUser, type TestUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { assertAuthRequired, assertError } from './auth-cases.js';

const CAP = 4;
const body = (label: string, extra: Record<string, unknown> = {}) => ({
  label,
  recipient_name: 'John Doe',
  phone_number: '628123456789',
  address: `Jl. ${label} No. 1`,
  ...extra,
});

describe('addresses: /address/list, POST /address, PUT/DELETE /address/:id, POST /address/set-default', () => {
  const ctx = useTestServer({ ADDRESS_MAX_PER_USER: String(CAP) });

  const list = async (user: TestUser) => {
    const res = await ctx.api.get('/address/list').set('Authorization', user.auth);
    assert.equal(res.status, 200);
    return res.body as Array<{ id: number; label: string; is_default: boolean }>;
  };
  const create = async (user: TestUser, label: string, extra: Record<string, unknown> = {}) => {
    const res = await ctx.api.post('/address').set('Authorization', user.auth).send(body(label, extra));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.address as { id: number; is_default: boolean };
  };
  const defaults = async (user: TestUser) => (await list(user)).filter((a) => a.is_default).map((a) => a.label);

  it('when the address routes are called without, with the wrong kind of, or with forged credentials, then 401', async () => {
    await assertAuthRequired(ctx, 'get', '/address/list', 'jwt');
    await assertAuthRequired(ctx, 'post', '/address', 'jwt', body('Home'));
    await assertAuthRequired(ctx, 'put', '/address/1', 'jwt', { label: 'x' });
    await assertAuthRequired(ctx, 'delete', '/address/1', 'jwt');
    await assertAuthRequired(ctx, 'post', '/address/set-default', 'jwt', { id: 1 });
  });

  it('when a user adds addresses, then the first is the default, the list is theirs only, in the seed shape, default first', async () => {
    const user = await createUser(ctx);
    const other = await createUser(ctx);
    await create(other, 'Other');
    assert.deepEqual(await list(user), []);
    const home = await create(user, 'Home', { is_default: false });
    assert.equal(home.is_default, true, 'the first address becomes the default even when is_default is false');
    const office = await create(user, 'Office');
    assert.equal(office.is_default, false);
    const addresses = await list(user);
    assert.deepEqual(
      addresses.map((a) => a.label),
      ['Home', 'Office'],
    );
    for (const key of ['id', 'label', 'recipient_name', 'phone_number', 'address', 'is_default']) assert.ok(key in addresses[0]!, key);
    assert.equal((await list(other)).length, 1);
  });

  it('when a new address asks to be the default, then it takes the default over and exactly one remains', async () => {
    const user = await createUser(ctx);
    await create(user, 'Home');
    await create(user, 'Office', { is_default: true });
    assert.deepEqual(await defaults(user), ['Office']);
  });

  it('when the default is deleted, then the most recent other address becomes the default', async () => {
    const user = await createUser(ctx);
    const home = await create(user, 'Home');
    await create(user, 'Office');
    await create(user, 'Parents');
    const res = await ctx.api.delete(`/address/${home.id}`).set('Authorization', user.auth);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, true);
    assert.deepEqual(await defaults(user), ['Parents']);
    const parents = (await list(user)).find((a) => a.label === 'Parents')!;
    assert.equal(res.body.default_address_id, parents.id);
    // Deleting a non-default keeps the default; deleting the last leaves none.
    const office = (await list(user)).find((a) => a.label === 'Office')!;
    assert.equal((await ctx.api.delete(`/address/${office.id}`).set('Authorization', user.auth)).status, 200);
    assert.deepEqual(await defaults(user), ['Parents']);
    const last = await ctx.api.delete(`/address/${parents.id}`).set('Authorization', user.auth);
    assert.equal(last.body.default_address_id, null);
    assert.deepEqual(await list(user), []);
  });

  it('when set-default names another address, then it is the only default', async () => {
    const user = await createUser(ctx);
    await create(user, 'Home');
    const office = await create(user, 'Office');
    const res = await ctx.api.post('/address/set-default').set('Authorization', user.auth).send({ id: office.id });
    assert.equal(res.status, 200);
    assert.equal(res.body.address.is_default, true);
    assert.deepEqual(await defaults(user), ['Office']);
    // Setting the current default again changes nothing.
    assert.equal((await ctx.api.post('/address/set-default').set('Authorization', user.auth).send({ id: office.id })).status, 200);
    assert.deepEqual(await defaults(user), ['Office']);
  });

  it('when set-default requests race, then there is still exactly one default', async () => {
    const user = await createUser(ctx);
    const ids = [(await create(user, 'A')).id, (await create(user, 'B')).id, (await create(user, 'C')).id];
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        ctx.api
          .post('/address/set-default')
          .set('Authorization', user.auth)
          .send({ id: ids[i % 3] }),
      ),
    );
    for (const res of results) assert.equal(res.status, 200);
    assert.equal((await defaults(user)).length, 1);
  });

  it('when a user updates an address, then the fields change; is_default true moves the default, false hands it to another', async () => {
    const user = await createUser(ctx);
    const home = await create(user, 'Home');
    const office = await create(user, 'Office');
    const renamed = await ctx.api
      .put(`/address/${office.id}`)
      .set('Authorization', user.auth)
      .send({ label: 'Work', phone_number: '+6281311112222' });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    assert.equal(renamed.body.address.label, 'Work');
    assert.equal(renamed.body.address.phone_number, '+6281311112222');
    assert.equal(renamed.body.address.is_default, false);
    await ctx.api.put(`/address/${office.id}`).set('Authorization', user.auth).send({ is_default: true });
    assert.deepEqual(await defaults(user), ['Work']);
    await ctx.api.put(`/address/${office.id}`).set('Authorization', user.auth).send({ is_default: false });
    assert.deepEqual(await defaults(user), ['Home']);
    // The only address stays the default: a user with addresses always has one.
    await ctx.api.delete(`/address/${office.id}`).set('Authorization', user.auth);
    const only = await ctx.api
      .put(`/address/${home.id}`)
      .set('Authorization', user.auth)
      .send(body('Home', { is_default: false }));
    assert.equal(only.status, 200);
    assert.equal(only.body.address.is_default, true);
  });

  it('when the per-user cap is reached, then 409 with a clear message and no address is added, also under concurrency', async () => {
    const user = await createUser(ctx);
    const results = await Promise.all(
      Array.from({ length: CAP + 3 }, (_, i) =>
        ctx.api
          .post('/address')
          .set('Authorization', user.auth)
          .send(body(`L${i}`)),
      ),
    );
    assert.equal(results.filter((r) => r.status === 201).length, CAP);
    for (const res of results.filter((r) => r.status !== 201))
      assertError(res, 409, `Address limit reached: at most ${CAP} addresses per user; delete one first`);
    const addresses = await list(user);
    assert.equal(addresses.length, CAP);
    assert.equal(addresses.filter((a) => a.is_default).length, 1, 'concurrent first addresses still give one default');
  });

  it("when user B uses user A's address id on PUT, DELETE or set-default, then 404 and A's address is unchanged", async () => {
    const alice = await createUser(ctx);
    const bob = await createUser(ctx);
    const home = await create(alice, 'Home');
    await create(bob, 'Bob home');
    const before = await list(alice);
    assertError(
      await ctx.api.put(`/address/${home.id}`).set('Authorization', bob.auth).send({ label: 'Hacked' }),
      404,
      'Address not found',
    );
    assertError(await ctx.api.delete(`/address/${home.id}`).set('Authorization', bob.auth), 404, 'Address not found', 'ADDRESS_NOT_FOUND');
    assertError(await ctx.api.post('/address/set-default').set('Authorization', bob.auth).send({ id: home.id }), 404, 'Address not found', 'ADDRESS_NOT_FOUND');
    assert.deepEqual(await list(alice), before);
    assert.deepEqual(await defaults(bob), ['Bob home']);
  });

  it('when the id or body is invalid, then 400 (or 404 for an unknown id) and nothing changes', async () => {
    const user = await createUser(ctx);
    const home = await create(user, 'Home');
    for (const id of ['abc', '0', '-1', '1.5', '99999999999']) {
      assertError(await ctx.api.put(`/address/${id}`).set('Authorization', user.auth).send({ label: 'x' }), 400);
      assertError(await ctx.api.delete(`/address/${id}`).set('Authorization', user.auth), 400);
    }
    assertError(await ctx.api.delete('/address/2147483647').set('Authorization', user.auth), 404);
    for (const bad of [
      {},
      body('Home', { phone_number: '12345' }),
      body('Home', { label: '' }),
      body('Home', { address: '   ' }),
      body('Home', { is_default: 'yes' }),
      body('Home', { username: 'someone_else' }),
      body('Home', { label: 'x'.repeat(65) }),
    ]) {
      assertError(await ctx.api.post('/address').set('Authorization', user.auth).send(bad), 400);
    }
    assertError(await ctx.api.put(`/address/${home.id}`).set('Authorization', user.auth).send({}), 400);
    assertError(await ctx.api.put(`/address/${home.id}`).set('Authorization', user.auth).send({ phone_number: '0800' }), 400);
    assertError(await ctx.api.post('/address/set-default').set('Authorization', user.auth).send({ id: '1' }), 400);
    assertError(await ctx.api.post('/address/set-default').set('Authorization', user.auth).send({}), 400);
    assert.deepEqual(
      (await list(user)).map((a) => a.label),
      ['Home'],
    );
  });
});
