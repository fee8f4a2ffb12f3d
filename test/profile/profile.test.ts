import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../config/index.js';
import { createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { assertAuthRequired, assertError } from './auth-cases.js';

const MAX_BYTES = 8192;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]),
  Buffer.alloc(64),
  Buffer.from([0xff, 0xd9]),
]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x30, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(48)]);
const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.from([1, 0, 1, 0, 0, 0, 0]), Buffer.alloc(32)]);

/** A hand-made multipart body, so file names reach the server exactly as written (paths, NUL, length). */
function multipart(disposition: string, content: Buffer, contentType = 'image/png') {
  const boundary = `----userstate${Date.now()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; ${disposition}\r\nContent-Type: ${contentType}\r\n\r\n`,
    'latin1',
  );
  return {
    type: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
  };
}

describe('profile: GET/PUT /user/profile, GET /user/referral-code', () => {
  const ctx = useTestServer({ UPLOAD_MAX_BYTES: String(MAX_BYTES) });

  it('when a user reads the profile, then it has the seed shape with balance in rupiah as a number and points', async () => {
    const user = await createUser(ctx, { balance: '50000.50', points: 150, phone: '628123456789' });
    const res = await ctx.api.get('/user/profile').set('Authorization', user.auth);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, true);
    assert.equal(res.body.username, user.username);
    assert.equal(res.body.full_name, `Test ${user.username}`);
    assert.equal(res.body.email, user.email);
    assert.equal(res.body.phone_number, '628123456789');
    assert.equal(res.body.profile_img, null);
    assert.equal(res.body.referral_code, user.referralCode);
    assert.equal(res.body.balance, 50000.5);
    assert.equal(res.body.points, 150);
    for (const secret of ['pwd', 'password', 'agent']) assert.equal(secret in res.body, false);
  });

  it('when the profile routes are called without, with the wrong kind of, or with forged credentials, then 401', async () => {
    await assertAuthRequired(ctx, 'get', '/user/profile', 'jwt');
    await assertAuthRequired(ctx, 'put', '/user/profile', 'jwt', { full_name: 'X' });
    await assertAuthRequired(ctx, 'get', '/user/referral-code', 'jwt');
    await assertAuthRequired(ctx, 'post', '/user/update-profile-img', 'jwt');
  });

  it('when a user changes full_name and phone_number, then the profile shows them, and another user is untouched', async () => {
    const user = await createUser(ctx);
    const other = await createUser(ctx);
    for (const phone_number of ['+6281234567890', '081298765432', '6285712345678']) {
      const res = await ctx.api.put('/user/profile').set('Authorization', user.auth).send({ full_name: '  John Updated ', phone_number });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.full_name, 'John Updated');
      assert.equal(res.body.phone_number, phone_number);
    }
    const read = await ctx.api.get('/user/profile').set('Authorization', user.auth);
    assert.equal(read.body.phone_number, '6285712345678');
    const untouched = await ctx.api.get('/user/profile').set('Authorization', other.auth);
    assert.equal(untouched.body.full_name, `Test ${other.username}`);
  });

  it('when the body carries balance, points, agent, username, email or referral_code, then 400 and nothing changes', async () => {
    const user = await createUser(ctx, { balance: '1000', points: 5 });
    const forbidden: Record<string, unknown> = {
      balance: 999999,
      points: 999,
      agent: true,
      username: 'someone_else',
      email: 'evil@example.test',
      referral_code: 'HIJACK',
    };
    for (const [field, value] of Object.entries(forbidden)) {
      const res = await ctx.api
        .put('/user/profile')
        .set('Authorization', user.auth)
        .send({ full_name: 'Changed', [field]: value });
      assertError(res, 400);
      assert.ok(
        res.body.errors.some((e: { field: string }) => e.field === field),
        JSON.stringify(res.body.errors),
      );
    }
    const read = await ctx.api.get('/user/profile').set('Authorization', user.auth);
    assert.equal(read.body.full_name, `Test ${user.username}`);
    assert.equal(read.body.balance, 1000);
    assert.equal(read.body.points, 5);
    assert.equal(read.body.email, user.email);
    assert.equal(read.body.referral_code, user.referralCode);
  });

  it('when the phone number is not an Indonesian mobile number, the name is blank or the body is empty, then 400', async () => {
    const user = await createUser(ctx);
    for (const body of [
      { phone_number: '12345' },
      { phone_number: '6271234567' },
      { phone_number: '0801234567' },
      { phone_number: '+62812' },
      { phone_number: '62812345678901234' },
      { phone_number: 628123456789 },
      { full_name: '   ' },
      { full_name: '' },
      { full_name: 'x'.repeat(256) },
      {},
    ]) {
      const res = await ctx.api.put('/user/profile').set('Authorization', user.auth).send(body);
      assertError(res, 400);
    }
    const array = await ctx.api
      .put('/user/profile')
      .set('Authorization', user.auth)
      .send([{ full_name: 'x' }]);
    assertError(array, 400);
  });

  it('when a user asks for the referral code, then it is theirs', async () => {
    const user = await createUser(ctx);
    const res = await ctx.api.get('/user/referral-code').set('Authorization', user.auth);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: true, referral_code: user.referralCode });
  });

  it("when a query string is added to a GET route without one, then it is ignored: the caller still reads only their own profile", async () => {
    const user = await createUser(ctx);
    const other = await createUser(ctx);
    const res = await ctx.api.get(`/user/profile?username=${other.username}`).set('Authorization', user.auth);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.username, user.username);
  });
});

describe('profile image: POST /user/update-profile-img', () => {
  const ctx = useTestServer({ UPLOAD_MAX_BYTES: String(MAX_BYTES) });
  let imageDir = '';
  let initial = new Set<string>();
  const listDir = () => (existsSync(imageDir) ? readdirSync(imageDir).sort() : []);
  const listResources = () => readdirSync(path.join(PROJECT_ROOT, 'resources')).sort();

  before(() => {
    imageDir = ctx.config.upload.profileImageDir;
    initial = new Set(listDir());
  });
  after(() => {
    // Remove what this file uploaded.
    for (const name of listDir()) if (!initial.has(name)) rmSync(path.join(imageDir, name), { force: true });
  });

  it('when a PNG is uploaded, then it is stored under a server-chosen name and served at the path the profile shows', async () => {
    const user = await createUser(ctx);
    const res = await ctx.api
      .post('/user/update-profile-img')
      .set('Authorization', user.auth)
      .attach('profile_img', PNG, { filename: 'my holiday photo.png', contentType: 'image/png' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, true);
    const expected = new RegExp(`^/resources/user_profile_img/${user.username}-[0-9a-f-]{36}\\.png$`);
    assert.match(res.body.profile_img, expected);
    const profile = await ctx.api.get('/user/profile').set('Authorization', user.auth);
    assert.equal(profile.body.profile_img, res.body.profile_img);
    const served = await ctx.api.get(res.body.profile_img).buffer(true);
    assert.equal(served.status, 200);
    assert.match(String(served.headers['content-type']), /^image\/png/);
    assert.deepEqual(Buffer.from(served.body as Buffer), PNG);
    assert.ok(existsSync(path.join(imageDir, path.basename(res.body.profile_img))));
  });

  it('when a new image replaces the old one, then the old file is removed; JPEG and WebP are accepted by their bytes', async () => {
    const user = await createUser(ctx);
    const upload = (content: Buffer, filename: string, contentType: string) =>
      ctx.api.post('/user/update-profile-img').set('Authorization', user.auth).attach('profile_img', content, { filename, contentType });
    const first = await upload(PNG, 'a.png', 'image/png');
    assert.equal(first.status, 200);
    // The claimed name and type do not matter: a JPEG sent as "b.png" is stored as .jpg.
    const second = await upload(JPEG, 'b.png', 'application/octet-stream');
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.match(second.body.profile_img, /\.jpg$/);
    assert.equal(existsSync(path.join(imageDir, path.basename(first.body.profile_img))), false, 'previous file removed');
    assert.equal((await ctx.api.get(first.body.profile_img)).status, 404);
    const third = await upload(WEBP, 'c', 'image/webp');
    assert.equal(third.status, 200, JSON.stringify(third.body));
    assert.match(third.body.profile_img, /\.webp$/);
    assert.equal(existsSync(path.join(imageDir, path.basename(second.body.profile_img))), false);
    const mine = listDir().filter((n) => n.startsWith(`${user.username}-`));
    assert.deepEqual(mine, [path.basename(third.body.profile_img)]);
  });

  it('when the file is a GIF, a text file named x.png, or empty, then 415 and nothing is stored', async () => {
    const user = await createUser(ctx);
    const before = listDir();
    for (const [content, filename, contentType] of [
      [GIF, 'x.gif', 'image/gif'],
      [Buffer.from('hello, I am definitely a picture'), 'x.png', 'image/png'],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), 'x.svg', 'image/svg+xml'],
      [Buffer.alloc(0), 'empty.png', 'image/png'],
    ] as const) {
      const res = await ctx.api
        .post('/user/update-profile-img')
        .set('Authorization', user.auth)
        .attach('profile_img', content, { filename, contentType });
      assertError(res, 415, 'Profile image must be a JPEG, PNG or WebP image');
    }
    assert.deepEqual(listDir(), before);
    assert.equal((await ctx.api.get('/user/profile').set('Authorization', user.auth)).body.profile_img, null);
  });

  it('when the file is larger than UPLOAD_MAX_BYTES, then 413 and nothing is stored', async () => {
    const user = await createUser(ctx);
    const before = listDir();
    const big = Buffer.concat([PNG, Buffer.alloc(MAX_BYTES)]);
    const res = await ctx.api
      .post('/user/update-profile-img')
      .set('Authorization', user.auth)
      .attach('profile_img', big, { filename: 'big.png', contentType: 'image/png' });
    assertError(res, 413, `Profile image must be at most ${MAX_BYTES} bytes`);
    assert.deepEqual(listDir(), before);
  });

  it('when the file name is hostile (../, absolute, backslashes, NUL, 300 characters), then 4xx and nothing is written anywhere', async () => {
    const user = await createUser(ctx);
    const beforeDir = listDir();
    const beforeResources = listResources();
    const hostile = [
      'name="profile_img"; filename="../../etc/passwd.png"',
      'name="profile_img"; filename="../../../../../../tmp/userstate-pwned.png"',
      'name="profile_img"; filename="/etc/cron.d/pwned.png"',
      'name="profile_img"; filename="..\\\\..\\\\pwned.png"',
      'name="profile_img"; filename*=UTF-8\'\'pwned%00.png',
      'name="profile_img"; filename="pwn\u0000ed.png"',
      `name="profile_img"; filename="${'a'.repeat(300)}.png"`,
    ];
    for (const disposition of hostile) {
      const { type, body } = multipart(disposition, PNG);
      const res = await ctx.api.post('/user/update-profile-img').set('Authorization', user.auth).set('Content-Type', type).send(body);
      assert.ok(res.status >= 400 && res.status < 500, `${disposition.slice(0, 60)} → ${res.status}`);
      assert.equal(res.body.status, false);
    }
    assert.deepEqual(listDir(), beforeDir);
    assert.deepEqual(listResources(), beforeResources);
    for (const target of ['etc/passwd.png', 'resources/etc/passwd.png', 'pwned.png', 'resources/pwned.png']) {
      assert.equal(existsSync(path.join(PROJECT_ROOT, target)), false, target);
    }
    assert.equal(existsSync('/tmp/userstate-pwned.png'), false);
    assert.equal((await ctx.api.get('/user/profile').set('Authorization', user.auth)).body.profile_img, null);
  });

  it('when the multipart body has no file, another field name, an extra text field, or JSON is sent, then 4xx', async () => {
    const user = await createUser(ctx);
    const post = () => ctx.api.post('/user/update-profile-img').set('Authorization', user.auth);
    assertError(await post(), 400, 'profile_img file is required');
    assertError(await post().attach('avatar', PNG, { filename: 'a.png', contentType: 'image/png' }), 400);
    assertError(await post().field('username', 'admin').attach('profile_img', PNG, { filename: 'a.png', contentType: 'image/png' }), 400);
    assertError(
      await post()
        .attach('profile_img', PNG, { filename: 'a.png', contentType: 'image/png' })
        .attach('profile_img', PNG, { filename: 'b.png', contentType: 'image/png' }),
      400,
    );
    assertError(await post().send({ profile_img: 'data:image/png;base64,AAAA' }), 415);
    const { type } = multipart('name="profile_img"; filename="a.png"', PNG);
    assertError(await post().set('Content-Type', type).send(Buffer.from('--not-the-boundary\r\n garbage')), 400);
  });
});
