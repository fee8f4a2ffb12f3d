import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { describe, it } from 'node:test';
import { QueryTypes } from 'sequelize';
import { loadConfig } from '../../config/index.js';
import { createEncryptor } from '../../src/utilities/encrypt.js';
import { createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';

const keyA = `A:${randomBytes(32).toString('base64')}`;
const keyB = `B:${randomBytes(32).toString('base64')}`;

/** A 12-digit account number nobody else in this run uses. */
const accountNumber = () => `9${String(randomInt(10 ** 10)).padStart(10, '0')}${randomInt(10)}`;

function listOf(body: unknown): Array<{ id: number; account_number: string }> {
  const items = Array.isArray(body) ? body : ((body as { data?: unknown }).data ?? (body as { bank_accounts?: unknown }).bank_accounts);
  assert.ok(Array.isArray(items), `a list of bank accounts: ${JSON.stringify(body)}`);
  return items as Array<{ id: number; account_number: string }>;
}

describe('encryption at rest: bank account numbers (keys B current, A still readable)', () => {
  const ctx = useTestServer({ ENCRYPTION_KEYS: `${keyB},${keyA}`, ENCRYPTION_CURRENT_KEY: 'B' });

  it('when a bank account is added, then the row holds a ciphertext under the current key, and every answer shows only ****last4', async () => {
    const user = await createUser(ctx);
    const number = accountNumber();
    const created = await ctx.api
      .post('/bank-account')
      .set('Authorization', user.auth)
      .send({ bank_code: 'BCA', account_number: number, account_holder_name: 'Budi Santoso' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.account_number, `****${number.slice(-4)}`);
    assert.ok(!created.text.includes(number), 'the create answer never carries the number');

    const [row] = await ctx.server.clients.db.sequelize.query<{ account_number: string; account_number_last4: string }>(
      'SELECT account_number, account_number_last4 FROM bank_account WHERE username = :username',
      { type: QueryTypes.SELECT, replacements: { username: user.username } },
    );
    assert.ok(row, 'one row');
    assert.match(row.account_number, /^v1\.B\./, 'encrypted under the current key');
    assert.ok(!row.account_number.includes(number), 'not plaintext in the database');
    assert.equal(row.account_number_last4, number.slice(-4));
    assert.equal(ctx.server.services.encryptor.decrypt(row.account_number), number);

    const list = await ctx.api.get('/bank-account/list').set('Authorization', user.auth);
    assert.equal(list.status, 200);
    assert.deepEqual(
      listOf(list.body).map((a) => a.account_number),
      [`****${number.slice(-4)}`],
    );
    assert.ok(!list.text.includes(number), 'the list never carries the number');
    assert.ok(!ctx.logs.some((line) => line.includes(number)), 'no log line carries the number');
  });

  it('when a row was written under the old key A, then the API still reads it (a duplicate is recognised) and lists it masked', async () => {
    const user = await createUser(ctx);
    const number = accountNumber();
    const beforeRotation = createEncryptor(loadConfig({ ENCRYPTION_KEYS: keyA }).encryption);
    await ctx.server.clients.db.models.BankAccount.create({
      username: user.username,
      bank_code: 'BCA',
      account_number: beforeRotation.encrypt(number),
      account_number_last4: number.slice(-4),
      account_holder_name: 'Budi Santoso',
    });

    const duplicate = await ctx.api
      .post('/bank-account')
      .set('Authorization', user.auth)
      .send({ bank_code: 'BCA', account_number: number, account_holder_name: 'Budi Santoso' });
    assert.equal(duplicate.status, 409, `the old-key row was decrypted and compared: ${JSON.stringify(duplicate.body)}`);
    assert.ok(!duplicate.text.includes(number));

    const list = await ctx.api.get('/bank-account/list').set('Authorization', user.auth);
    assert.deepEqual(
      listOf(list.body).map((a) => a.account_number),
      [`****${number.slice(-4)}`],
    );
  });
});
