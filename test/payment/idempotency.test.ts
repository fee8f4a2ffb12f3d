import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
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
});
