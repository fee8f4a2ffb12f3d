import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, PROJECT_ROOT } from '../../config/index.js';
import { loadVoucherCatalog } from '../../src/services/voucher.service.js';
import { createServiceCredentials, createUser, type TestUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { TEST_ENV } from '../helpers/test-config.js';
import { assertAuthRequired, assertError } from './auth-cases.js';

// Redemptions stay in the test database between runs, so every run uses voucher codes of its own.
const RUN = randomBytes(4).toString('hex').toUpperCase();
const code = (name: string) => `${name}_${RUN}`;
const DAY = 86_400_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const voucher = (name: string, extra: Record<string, unknown> = {}) => ({
  code: code(name),
  discount_amount: '10000.00',
  valid_from: iso(-DAY),
  valid_until: iso(30 * DAY),
  quota: 100,
  per_user_limit: 1,
  description: `${name} voucher`,
  ...extra,
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'userstate-vouchers-'));
const writeVouchers = (name: string, content: unknown) => {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};
const VOUCHER_FILE = writeVouchers('vouchers.json', {
  vouchers: [
    voucher('QUOTA5', { quota: 5 }),
    voucher('MULTI', { per_user_limit: 3, discount_amount: 25000 }),
    voucher('SINGLE'),
    voucher('FUTURE', { valid_from: iso(10 * DAY), valid_until: iso(20 * DAY) }),
    voucher('EXPIRED', { valid_from: iso(-20 * DAY), valid_until: iso(-DAY) }),
    voucher('TINY', { quota: 1 }),
  ],
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('vouchers: POST /redeem-voucher, GET /check-voucher-redemption', () => {
  const ctx = useTestServer({ VOUCHER_FILE });

  let service: { auth: string };
  const redeem = async (username: string, voucherCode: string) => {
    service ??= await createServiceCredentials(ctx);
    return ctx.api.post('/redeem-voucher').set('Authorization', service.auth).send({ username, voucher_code: voucherCode });
  };
  const check = (user: TestUser, voucherCode: string) =>
    ctx.api.get(`/check-voucher-redemption?voucher_code=${encodeURIComponent(voucherCode)}`).set('Authorization', user.auth);

  it('when the voucher routes are called without, with the wrong kind of, or with forged credentials, then 401', async () => {
    await assertAuthRequired(ctx, 'post', '/redeem-voucher', 'basic', { username: 'x', voucher_code: code('SINGLE') });
    await assertAuthRequired(ctx, 'get', `/check-voucher-redemption?voucher_code=${code('SINGLE')}`, 'jwt');
  });

  it('when a service redeems a voucher for a user, then it is recorded with its discount and the user sees it redeemed', async () => {
    const user = await createUser(ctx);
    const before = await check(user, code('SINGLE'));
    assert.equal(before.status, 200);
    assert.deepEqual(before.body, { status: true, voucher_code: code('SINGLE'), redeemed: false, redemption_count: 0 });
    const res = await redeem(user.username, code('SINGLE').toLowerCase());
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, true);
    assert.equal(res.body.voucher_code, code('SINGLE'));
    assert.equal(res.body.discount_amount, 10000);
    assert.equal(res.body.redemption_no, 1);
    const row = await ctx.server.clients.db.models.VoucherRedemption.findOne({
      where: { username: user.username, voucher_code: code('SINGLE') },
    });
    assert.equal(row?.discount_amount, '10000.00');
    const after = await check(user, code('SINGLE'));
    assert.equal(after.body.redeemed, true);
    assert.equal(after.body.redemption_count, 1);
    assert.equal(new Date(after.body.redeemed_at).toISOString(), row!.redeemed_at.toISOString());
    // Another user's check is about themselves only.
    const other = await createUser(ctx);
    assert.equal((await check(other, code('SINGLE'))).body.redeemed, false);
  });

  it('when a user redeems beyond the per-user limit, then 409 "Voucher already redeemed"', async () => {
    const user = await createUser(ctx);
    assert.equal((await redeem(user.username, code('SINGLE'))).status, 201);
    assertError(await redeem(user.username, code('SINGLE')), 409, 'Voucher already redeemed', 'VOUCHER_ALREADY_REDEEMED');
    for (let i = 1; i <= 3; i += 1) {
      const res = await redeem(user.username, code('MULTI'));
      assert.equal(res.status, 201);
      assert.equal(res.body.redemption_no, i);
      assert.equal(res.body.discount_amount, 25000);
    }
    assertError(await redeem(user.username, code('MULTI')), 409, 'Voucher already redeemed', 'VOUCHER_ALREADY_REDEEMED');
    assert.equal((await check(user, code('MULTI'))).body.redemption_count, 3);
  });

  it('when the voucher is unknown, not yet valid or expired, or the user is unknown, then 404/400 with a clear message', async () => {
    const user = await createUser(ctx);
    assertError(await redeem(user.username, 'NO_SUCH_VOUCHER'), 404, 'Voucher not found', 'VOUCHER_NOT_FOUND');
    assertError(await redeem(user.username, code('FUTURE')), 400, /^Voucher is not valid yet/);
    assertError(await redeem(user.username, code('EXPIRED')), 400, /^Voucher has expired/);
    assertError(await redeem('no_such_user_here', code('SINGLE')), 404, 'User not found', 'USER_NOT_FOUND');
    assertError(await check(user, 'NO_SUCH_VOUCHER'), 404, 'Voucher not found', 'VOUCHER_NOT_FOUND');
    assert.equal(await ctx.server.clients.db.models.VoucherRedemption.count({ where: { username: user.username } }), 0);
  });

  it('when the quota is used up, then 409 "Voucher quota exhausted"', async () => {
    const first = await createUser(ctx);
    const second = await createUser(ctx);
    assert.equal((await redeem(first.username, code('TINY'))).status, 201);
    assertError(await redeem(second.username, code('TINY')), 409, 'Voucher quota exhausted', 'VOUCHER_QUOTA_EXHAUSTED');
  });

  it('when 12 users redeem a quota-5 voucher in parallel, then exactly 5 succeed and the rest get 409', async () => {
    const users = await Promise.all(Array.from({ length: 12 }, () => createUser(ctx)));
    service ??= await createServiceCredentials(ctx);
    const results = await Promise.all(users.map((u) => redeem(u.username, code('QUOTA5'))));
    assert.equal(results.filter((r) => r.status === 201).length, 5);
    for (const res of results.filter((r) => r.status !== 201)) assertError(res, 409, 'Voucher quota exhausted', 'VOUCHER_QUOTA_EXHAUSTED');
    assert.equal(await ctx.server.clients.db.models.VoucherRedemption.count({ where: { voucher_code: code('QUOTA5') } }), 5);
  });

  it('when one user redeems a 3-per-user voucher 8 times in parallel, then exactly 3 succeed', async () => {
    const user = await createUser(ctx);
    service ??= await createServiceCredentials(ctx);
    const results = await Promise.all(Array.from({ length: 8 }, () => redeem(user.username, code('MULTI'))));
    assert.equal(results.filter((r) => r.status === 201).length, 3);
    assert.deepEqual(
      results
        .filter((r) => r.status === 201)
        .map((r) => r.body.redemption_no)
        .sort(),
      [1, 2, 3],
    );
  });

  it('when the body or query is invalid, then 400', async () => {
    const user = await createUser(ctx);
    service ??= await createServiceCredentials(ctx);
    for (const body of [
      {},
      { username: user.username },
      { voucher_code: code('SINGLE') },
      { username: user.username, voucher_code: 'bad code!' },
      { username: user.username, voucher_code: code('SINGLE'), discount_amount: 1 },
    ]) {
      assertError(await ctx.api.post('/redeem-voucher').set('Authorization', service.auth).send(body), 400);
    }
    assertError(await ctx.api.get('/check-voucher-redemption').set('Authorization', user.auth), 400);
    assertError(await ctx.api.get('/check-voucher-redemption?voucher_code=').set('Authorization', user.auth), 400);
  });
});

describe('voucher file validation at boot', () => {
  it('when the shipped config/voucher-ext.json is loaded, then it is valid', () => {
    const catalog = loadVoucherCatalog(path.join(PROJECT_ROOT, 'config', 'voucher-ext.json'));
    assert.equal(catalog.get('WELCOME10K')?.discount_amount, '10000.00');
    assert.equal(catalog.get('WELCOME10K')?.per_user_limit, 1);
    assert.equal(catalog.get('GAJIAN25K')?.per_user_limit, 3);
  });

  it('when per_user_limit is left out, then it defaults to 1', () => {
    const file = writeVouchers('default-limit.json', {
      vouchers: [{ code: 'X1', discount_amount: 5, valid_from: iso(-DAY), valid_until: iso(DAY), quota: 3 }],
    });
    assert.equal(loadVoucherCatalog(file).get('X1')?.per_user_limit, 1);
  });

  it('when the file is missing, not JSON, the wrong shape, has duplicate codes or a reversed window, then a ConfigError names the problem', () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['missing', null, /cannot be read/],
      ['garbage.json', '{ not json', /cannot be read as JSON/],
      [
        'shape.json',
        { vouchers: [{ code: 'A', discount_amount: 'ten', valid_from: 'soon', valid_until: iso(DAY), quota: 0 }] },
        /\/vouchers\/0/,
      ],
      ['extra.json', { vouchers: [], extra: true }, /additional properties/],
      ['dupe.json', { vouchers: [voucher('D'), voucher('D')] }, /defined twice/],
      [
        'window.json',
        { vouchers: [voucher('W', { valid_from: iso(DAY), valid_until: iso(-DAY) })] },
        /valid_from must be before valid_until/,
      ],
    ];
    for (const [name, content, message] of cases) {
      const file = content === null ? path.join(dir, 'does-not-exist.json') : writeVouchers(name, content);
      assert.throws(
        () => loadVoucherCatalog(file),
        (error: unknown) => error instanceof ConfigError && /VOUCHER_FILE/.test(error.message) && message.test(error.message),
      );
    }
  });

  it('when the server is started with an invalid voucher file, then it refuses to start and says why', () => {
    const bad = writeVouchers('boot-bad.json', { vouchers: [{ code: 'BROKEN' }] });
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...TEST_ENV, API_PORT: '0', VOUCHER_FILE: bad };
    for (const key of ['PS_HOST', 'PS_PORT', 'PS_USER', 'PS_PASSWORD', 'REDIS_HOST', 'REDIS_PORT', 'REDIS_PASSWORD']) {
      if (process.env[key] !== undefined) env[key] = process.env[key];
    }
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      cwd: PROJECT_ROOT,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.notEqual(result.status, 0, 'the process must not keep running');
    assert.equal(result.signal, null, 'it exits by itself rather than being killed by the timeout');
    assert.match(result.stderr + result.stdout, /VOUCHER_FILE \(.*boot-bad\.json\).*required property/s);
  });
});
