import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { QueryTypes } from 'sequelize';
import { createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { runCliProcess } from './run-cli.js';

describe('npm run cli -- balance:sync-init', () => {
  const ctx = useTestServer();
  const sql = () => ctx.server.clients.db.sequelize;

  async function balancesOf(usernames: string[]) {
    return sql().query<{ username: string; balance: string; points: number }>(
      'SELECT username, balance, points FROM user_balance WHERE username IN (:usernames) ORDER BY username',
      { type: QueryTypes.SELECT, replacements: { usernames } },
    );
  }

  it('when some users without history lack a user_balance row, then exactly those rows are created at 0 balance and 0 points, and a second run creates none', async () => {
    const users = await Promise.all(Array.from({ length: 5 }, (_, i) => createUser(ctx, { points: i + 1 })));
    const usernames = users.map((u) => u.username);
    const missing = usernames.filter((_, i) => i % 2 === 0);
    await sql().query('DELETE FROM user_balance WHERE username IN (:missing)', { replacements: { missing } });
    const untouchedBefore = await balancesOf(usernames.filter((u) => !missing.includes(u)));

    const first = await runCliProcess(['balance:sync-init']);
    assert.equal(first.code, 0, first.stderr);
    const created = Number(/created (\d+) missing user_balance rows?/.exec(first.stdout)?.[1]);
    // Other test files may have left users without balances; ours are 3 of them at least.
    assert.ok(created >= missing.length, first.stdout);

    const after = await balancesOf(usernames);
    assert.equal(after.length, usernames.length, 'every user has a balance row again');
    for (const row of after.filter((r) => missing.includes(r.username))) {
      assert.equal(row.balance, '0.00');
      assert.equal(row.points, 0);
    }
    assert.deepEqual(await balancesOf(usernames.filter((u) => !missing.includes(u))), untouchedBefore, 'existing rows untouched');

    const second = await runCliProcess(['balance:sync-init']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /created 0 missing user_balance rows/);
  });

  it("when a user without a balance row has ledger history, then the new row carries the ledger's sum so the ledger still adds up", async () => {
    const user = await createUser(ctx);
    const { models } = ctx.server.clients.db;
    await models.UserTransaction.bulkCreate([
      {
        id: `TRX-SY-${randomUUID().slice(0, 12)}`,
        username: user.username,
        type: 'TOPUP',
        amount: '15000.50',
        balance_delta: '15000.50',
        status: 'PAID',
      },
      {
        id: `TRX-SY-${randomUUID().slice(0, 12)}`,
        username: user.username,
        type: 'DECREASE',
        amount: '5000.25',
        balance_delta: '-5000.25',
        status: 'SUCCESS',
      },
    ]);
    await models.PointMutation.bulkCreate([
      { username: user.username, type: 'CREDIT', amount: 70 },
      { username: user.username, type: 'DEBIT', amount: 20 },
    ]);
    await sql().query('DELETE FROM user_balance WHERE username = :username', { replacements: { username: user.username } });

    const run = await runCliProcess(['balance:sync-init']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /seeded from existing ledger rows/);
    const [row] = await balancesOf([user.username]);
    assert.equal(row?.balance, '10000.25');
    assert.equal(row?.points, 50);
  });

  it('when a user without a balance row has a ledger that nets negative, then no row is invented, the user is named and the exit code is 1', async () => {
    const user = await createUser(ctx);
    try {
      await ctx.server.clients.db.models.UserTransaction.create({
        id: `TRX-SY-${randomUUID().slice(0, 12)}`,
        username: user.username,
        type: 'DECREASE',
        amount: '500.00',
        balance_delta: '-500.00',
        status: 'SUCCESS',
      });
      await sql().query('DELETE FROM user_balance WHERE username = :username', { replacements: { username: user.username } });
      const run = await runCliProcess(['balance:sync-init']);
      assert.equal(run.code, 1);
      assert.match(run.stderr, new RegExp(`ledger nets negative: .*${user.username}`));
      assert.deepEqual(await balancesOf([user.username]), []);
    } finally {
      // Leave no user the next run would trip over.
      await sql().query('DELETE FROM user_login WHERE username = :username', { replacements: { username: user.username } });
    }
  });
});
