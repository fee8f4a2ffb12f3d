import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCliProcess } from '../cli/run-cli.js';
import { createServiceCredentials, createUser } from '../helpers/factories.js';
import { uniqueName, useTestServer } from '../helpers/server.js';
import { assertError } from './auth-helpers.js';

const basic = (holder: string, key: string) => `Basic ${Buffer.from(`${holder}:${key}`).toString('base64')}`;

describe('API keys for internal services', () => {
  const ctx = useTestServer();

  it('apikey:create prints the key once, alone on the last line; apikey:list never shows keys; apikey:revoke shuts the door at once', async () => {
    const holder = uniqueName('svc-x');
    const created = await runCliProcess(['apikey:create', holder, 'billing', 'service']);
    assert.equal(created.code, 0, created.stderr);
    const lines = created.stdout.trimEnd().split('\n');
    const key = lines[lines.length - 1]!;
    assert.match(key, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(created.stdout.split(key).length - 1, 1, 'the key is printed exactly once');

    const row = await ctx.server.clients.db.models.ApiKey.findByPk(holder, { raw: true });
    assert.equal(row?.description, 'billing service');
    assert.notEqual(row?.key, key);
    assert.match(row?.key ?? '', /^\$2[aby]\$/);

    const whoami = await ctx.api.get('/sys/whoami').set('Authorization', basic(holder, key));
    assert.deepEqual(whoami.body, { status: true, holder });

    const listed = await runCliProcess(['apikey:list']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(listed.stdout.includes(holder));
    assert.ok(listed.stdout.includes('billing service'));
    assert.ok(!listed.stdout.includes(key) && !listed.stdout.includes(row!.key), 'neither the key nor its hash is listed');

    const duplicate = await runCliProcess(['apikey:create', holder]);
    assert.notEqual(duplicate.code, 0);

    const revoked = await runCliProcess(['apikey:revoke', holder]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assertError(await ctx.api.get('/sys/whoami').set('Authorization', basic(holder, key)), 401);
    assert.notEqual((await runCliProcess(['apikey:revoke', holder])).code, 0, 'revoking twice says so');
    assert.equal((await runCliProcess(['apikey:create'])).code, 2, 'missing holder is a usage error');
  });

  it('a verified key is remembered in Redis (no bcrypt per request, keyed by an HMAC, never the key) and forgotten on revoke', async () => {
    const service = await createServiceCredentials(ctx);
    const memory = `apikey:ok:${service.holder}`;
    assert.equal(await ctx.server.clients.redis.exists(memory), 0);
    assert.equal((await ctx.api.get('/sys/whoami').set('Authorization', service.auth)).status, 200);
    const remembered = await ctx.server.clients.redis.hgetall(memory);
    assert.equal(Object.keys(remembered).length, 1);
    assert.ok(!Object.keys(remembered)[0]!.includes(service.key));
    const ttl = await ctx.server.clients.redis.ttl(memory);
    assert.ok(ttl > 0 && ttl <= ctx.config.auth.apiKeyCacheSeconds);

    // Count api_key lookups: a remembered key answers without touching the table (and so without bcrypt).
    const control = await createServiceCredentials(ctx);
    const queries: string[] = [];
    // Sequelize reads options.logging on every query; the typings do not expose `options`.
    const sequelize = ctx.server.clients.db.sequelize as unknown as { options: { logging: unknown } };
    const original = sequelize.options.logging;
    sequelize.options.logging = (sql: string) => queries.push(sql);
    try {
      for (let i = 0; i < 5; i += 1) assert.equal((await ctx.api.get('/sys/whoami').set('Authorization', service.auth)).status, 200);
      const rememberedLookups = queries.filter((q) => /FROM "api_key"/.test(q)).length;
      // Control: a key not yet remembered is looked up (so the counter does see api_key queries).
      assert.equal((await ctx.api.get('/sys/whoami').set('Authorization', control.auth)).status, 200);
      assert.equal(rememberedLookups, 0, queries.join('\n'));
      assert.ok(queries.filter((q) => /FROM "api_key"/.test(q)).length >= 1, 'the control lookup was counted');
    } finally {
      sequelize.options.logging = original;
    }

    // A wrong key is never remembered.
    assertError(await ctx.api.get('/sys/whoami').set('Authorization', basic(service.holder, 'wrong-key')), 401);
    assert.equal(Object.keys(await ctx.server.clients.redis.hgetall(memory)).length, 1);

    await ctx.server.services.apiKeys.revoke(service.holder);
    assert.equal(await ctx.server.clients.redis.exists(memory), 0);
    assertError(await ctx.api.get('/sys/whoami').set('Authorization', service.auth), 401);
  });

  it('Basic routes refuse a user JWT, a missing header and malformed Basic headers with a 401 envelope', async () => {
    const user = await createUser(ctx);
    for (const header of [undefined, user.auth, 'Basic', 'Basic %%%', `Basic ${Buffer.from('no-colon').toString('base64')}`, `Basic ${Buffer.from(':').toString('base64')}`]) {
      const req = ctx.api.get('/sys/whoami');
      const res = header === undefined ? await req : await req.set('Authorization', header);
      assertError(res, 401);
    }
  });
});
