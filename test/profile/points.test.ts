import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUser, type TestUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { assertAuthRequired, assertError } from './auth-cases.js';

describe('points: GET /points/history, POST /points/redeem', () => {
  const ctx = useTestServer({ POINT_VALUE_IDR: '100' });

  const models = () => ctx.server.clients.db.models;
  const wallet = async (user: TestUser) => {
    const row = await models().UserBalance.findByPk(user.username);
    return { balance: row!.balance, points: row!.points };
  };
  /** SUM(balance_delta) of the user's ledger must equal the balance. */
  const ledgerSum = async (user: TestUser) => {
    const [row] = (await ctx.server.clients.db.sequelize.query(
      'SELECT COALESCE(SUM(balance_delta), 0)::text AS total FROM user_transaction WHERE username = :u',
      { replacements: { u: user.username }, plain: false, raw: true },
    )) as [Array<{ total: string }>, unknown];
    return Number(row[0]!.total);
  };
  const redeem = (user: TestUser, points: unknown, key?: string) => {
    const req = ctx.api.post('/points/redeem').set('Authorization', user.auth);
    return (key ? req.set('Idempotency-Key', key) : req).send({ points });
  };

  it('when the points routes are called without, with the wrong kind of, or with forged credentials, then 401', async () => {
    await assertAuthRequired(ctx, 'get', '/points/history', 'jwt');
    await assertAuthRequired(ctx, 'post', '/points/redeem', 'jwt', { points: 1 });
  });

  it('when a user redeems points, then points drop, the balance grows by points × POINT_VALUE_IDR, with a DEBIT and a ledger row', async () => {
    const user = await createUser(ctx, { balance: '1000.50', points: 150 });
    const res = await redeem(user, 100);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, true);
    assert.equal(res.body.points_redeemed, 100);
    assert.equal(res.body.amount, 10000);
    assert.equal(res.body.balance, 11000.5);
    assert.equal(res.body.points, 50);
    assert.match(res.body.transaction_id, /^PNT-/);
    assert.deepEqual(await wallet(user), { balance: '11000.50', points: 50 });
    const debit = await models().PointMutation.findAll({ where: { username: user.username } });
    assert.equal(debit.length, 1);
    assert.equal(debit[0]!.type, 'DEBIT');
    assert.equal(debit[0]!.amount, 100);
    const tx = await models().UserTransaction.findByPk(res.body.transaction_id);
    assert.equal(tx?.type, 'POINT_REDEEM');
    assert.equal(tx?.amount, '10000.00');
    assert.equal(tx?.balance_delta, '10000.00');
    assert.equal(tx?.status, 'SUCCESS');
    assert.equal(tx?.username, user.username);
    assert.equal(await ledgerSum(user), 11000.5, 'SUM(balance_delta) equals the balance');
    const profile = await ctx.api.get('/user/profile').set('Authorization', user.auth);
    assert.equal(profile.body.points, 50);
    assert.equal(profile.body.balance, 11000.5);
  });

  it('when a user redeems more points than they have, then 422 "Insufficient points" and nothing changes', async () => {
    const user = await createUser(ctx, { points: 10 });
    assertError(await redeem(user, 11), 422, 'Insufficient points', 'INSUFFICIENT_POINTS');
    assert.deepEqual(await wallet(user), { balance: '0.00', points: 10 });
    assert.equal(await models().PointMutation.count({ where: { username: user.username } }), 0);
    assert.equal(await models().UserTransaction.count({ where: { username: user.username } }), 0);
  });

  it('when points is not a positive integer, then 400', async () => {
    const user = await createUser(ctx, { points: 10 });
    for (const points of [0, -5, 1.5, '5', null, 2147483648, undefined]) assertError(await redeem(user, points), 400);
    assertError(await ctx.api.post('/points/redeem').set('Authorization', user.auth).send({ points: 1, balance: 100 }), 400);
    assert.deepEqual(await wallet(user), { balance: '0.00', points: 10 });
  });

  it('when two redeems of the last points race (parallel HTTP), then exactly one passes and points never go negative', async () => {
    const user = await createUser(ctx, { points: 100 });
    const results = await Promise.all([redeem(user, 100), redeem(user, 100)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 422]);
    assert.deepEqual(await wallet(user), { balance: '10000.00', points: 0 });
    assert.equal(await models().PointMutation.count({ where: { username: user.username, type: 'DEBIT' } }), 1);
    assert.equal(await ledgerSum(user), 10000);
  });

  it('when twenty redeems of 3 points race on 10 points, then exactly three pass', async () => {
    const user = await createUser(ctx, { points: 10 });
    const results = await Promise.all(Array.from({ length: 20 }, () => redeem(user, 3)));
    assert.equal(results.filter((r) => r.status === 200).length, 3);
    assert.equal(results.filter((r) => r.status === 422).length, 17);
    assert.deepEqual(await wallet(user), { balance: '900.00', points: 1 });
    assert.equal(await ledgerSum(user), 900);
  });

  it('when a redeem is retried with the same Idempotency-Key, then the first answer is replayed and points are taken once', async () => {
    const user = await createUser(ctx, { points: 50 });
    const first = await redeem(user, 20, 'redeem-abc-1');
    assert.equal(first.status, 200);
    const retry = await redeem(user, 20, 'redeem-abc-1');
    assert.equal(retry.status, 200);
    assert.deepEqual(retry.body, first.body);
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.deepEqual(await wallet(user), { balance: '2000.00', points: 30 });
    // The same key with another body is refused; a new key redeems again.
    assertError(await redeem(user, 5, 'redeem-abc-1'), 422, 'Idempotency-Key was already used with a different request', 'IDEMPOTENCY_KEY_REUSED');
    assert.equal((await redeem(user, 20, 'redeem-abc-2')).status, 200);
    assert.deepEqual(await wallet(user), { balance: '4000.00', points: 10 });
    // A refused redeem is remembered too: its retry answers the same 422 even after points arrive.
    assertError(await redeem(user, 11, 'redeem-abc-3'), 422, 'Insufficient points', 'INSUFFICIENT_POINTS');
    await models().UserBalance.update({ points: 100 }, { where: { username: user.username } });
    assertError(await redeem(user, 11, 'redeem-abc-3'), 422, 'Insufficient points', 'INSUFFICIENT_POINTS');
    assertError(await redeem(user, 1, 'bad key with spaces'), 400);
  });

  it('when the same Idempotency-Key is sent in parallel, then points are taken once', async () => {
    const user = await createUser(ctx, { points: 100 });
    const results = await Promise.all(Array.from({ length: 6 }, () => redeem(user, 10, 'parallel-key')));
    for (const res of results) assert.ok([200, 409].includes(res.status), String(res.status));
    assert.deepEqual(await wallet(user), { balance: '1000.00', points: 90 });
  });

  it('when a user reads the history, then it is theirs, newest first, in the seed shape, paginated by limit/offset', async () => {
    const user = await createUser(ctx, { points: 0 });
    const other = await createUser(ctx);
    for (let i = 1; i <= 5; i += 1) {
      await models().PointMutation.create({
        username: user.username,
        type: 'CREDIT',
        amount: i * 10,
        description: `bonus ${i}`,
        reference_id: null,
      });
    }
    await models().PointMutation.create({
      username: other.username,
      type: 'CREDIT',
      amount: 999,
      description: 'not yours',
      reference_id: null,
    });
    const all = await ctx.api.get('/points/history').set('Authorization', user.auth);
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.map((i: { description: string }) => i.description),
      ['bonus 5', 'bonus 4', 'bonus 3', 'bonus 2', 'bonus 1'],
    );
    assert.deepEqual(Object.keys(all.body[0]).sort(), ['amount', 'created_at', 'description', 'id', 'type']);
    assert.equal(all.body[0].type, 'CREDIT');
    assert.equal(all.body[0].amount, 50);
    const page = await ctx.api.get('/points/history?limit=2&offset=2').set('Authorization', user.auth);
    assert.deepEqual(
      page.body.map((i: { amount: number }) => i.amount),
      [30, 20],
    );
    const beyond = await ctx.api.get('/points/history?limit=2&offset=10').set('Authorization', user.auth);
    assert.deepEqual(beyond.body, []);
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'offset=-1']) {
      assertError(await ctx.api.get(`/points/history?${q}`).set('Authorization', user.auth), 400);
    }
    // A parameter the route does not declare is ignored on a GET (cache-busters, analytics tags).
    assert.equal((await ctx.api.get('/points/history?cursor=5').set('Authorization', user.auth)).status, 200);
  });

  it('when there are more than 20 entries, then the default page is the newest 20', async () => {
    const user = await createUser(ctx);
    await models().PointMutation.bulkCreate(
      Array.from({ length: 25 }, (_, i) => ({
        username: user.username,
        type: 'CREDIT' as const,
        amount: i + 1,
        description: null,
        reference_id: null,
      })),
    );
    const res = await ctx.api.get('/points/history').set('Authorization', user.auth);
    assert.equal(res.body.length, 20);
    assert.equal(res.body[0].amount, 25);
  });
});
