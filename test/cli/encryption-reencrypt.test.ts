import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { QueryTypes } from 'sequelize';
import { loadConfig } from '../../config/index.js';
import { createEncryptor } from '../../src/utilities/encrypt.js';
import { createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { runCliProcess } from './run-cli.js';

describe('npm run cli -- encryption:reencrypt (key rotation)', () => {
  const ctx = useTestServer();

  it('when keys are rotated from A to B, then every account number moves to B, decrypts to the same number and is never plaintext', async () => {
    const keyA = `A:${randomBytes(32).toString('base64')}`;
    const keyB = `B:${randomBytes(32).toString('base64')}`;
    const underA = createEncryptor(loadConfig({ ENCRYPTION_KEYS: keyA }).encryption);
    const afterRotation = createEncryptor(loadConfig({ ENCRYPTION_KEYS: `${keyB},${keyA}`, ENCRYPTION_CURRENT_KEY: 'B' }).encryption);
    const { models, sequelize } = ctx.server.clients.db;

    const users = await Promise.all([createUser(ctx), createUser(ctx)]);
    const numbers = ['1234567890', '0987654321', '5555000011112', '8800112233', '7700'];
    const rows = await models.BankAccount.bulkCreate(
      numbers.map((number, i) => ({
        username: users[i % 2]!.username,
        bank_code: 'BCA',
        account_number: underA.encrypt(number),
        account_number_last4: number.slice(-4),
        account_holder_name: 'Test Holder',
      })),
    );
    // One row as the old system left it (plaintext), one that no key can read.
    const legacy = await models.BankAccount.create({
      username: users[0]!.username,
      bank_code: 'BNI',
      account_number: '9988776655',
      account_number_last4: '6655',
      account_holder_name: 'Legacy',
    });
    const broken = await models.BankAccount.create({
      username: users[1]!.username,
      bank_code: 'BNI',
      account_number: 'v1.A.AAAA.BBBB.CCCC',
      account_number_last4: '0000',
      account_holder_name: 'Broken',
    });
    const ids = rows.map((r) => r.id);

    try {
      const run = await runCliProcess(['encryption:reencrypt', '--batch-size=2'], {
        ENCRYPTION_KEYS: `${keyB},${keyA}`,
        ENCRYPTION_CURRENT_KEY: 'B',
      });
      assert.match(
        run.stdout,
        /bank_account\.account_number: re-encrypted \d+ under key "B", encrypted \d+ legacy plaintext, \d+ already current, \d+ failed/,
      );
      const reencrypted = Number(/re-encrypted (\d+)/.exec(run.stdout)?.[1]);
      assert.ok(reencrypted >= numbers.length, run.stdout);
      // The broken row (and any row another test wrote under the development key) is reported by id and left alone.
      assert.equal(run.code, 1, 'failures make the exit code non-zero');
      assert.match(run.stderr, new RegExp(`bank_account id ${broken.id}: ciphertext failed authentication`));
      for (const number of numbers)
        assert.ok(!run.stdout.includes(number) && !run.stderr.includes(number), 'no account number in the output');

      const stored = await sequelize.query<{ id: number; account_number: string }>(
        'SELECT id, account_number FROM bank_account WHERE id IN (:ids) ORDER BY id',
        { type: QueryTypes.SELECT, replacements: { ids: [...ids, legacy.id, broken.id] } },
      );
      const byId = new Map(stored.map((r) => [r.id, r.account_number]));
      ids.forEach((id, i) => {
        const value = byId.get(id)!;
        assert.match(value, /^v1\.B\./, 'now under the current key');
        assert.ok(!value.includes(numbers[i]!), 'not plaintext');
        assert.equal(afterRotation.decrypt(value), numbers[i]);
      });
      assert.match(byId.get(legacy.id)!, /^v1\.B\./, 'legacy plaintext is encrypted');
      assert.equal(afterRotation.decrypt(byId.get(legacy.id)!), '9988776655');
      assert.equal(byId.get(broken.id), 'v1.A.AAAA.BBBB.CCCC', 'an unreadable value is not touched');

      const again = await runCliProcess(['encryption:reencrypt'], { ENCRYPTION_KEYS: `${keyB},${keyA}`, ENCRYPTION_CURRENT_KEY: 'B' });
      assert.match(again.stdout, /re-encrypted 0 under key "B", encrypted 0 legacy plaintext/, 'a second run has nothing left to move');
    } finally {
      // Rows under this test's random keys would trip every later run.
      await models.BankAccount.destroy({ where: { id: [...ids, legacy.id, broken.id] } });
    }
  });
});
