/**
 * No leaks: security headers and CORS, uploads that cannot escape resources/, a whole sign-up → pay → payout
 * journey whose captured logs never print a secret it used, and 5xx bodies without stack traces or SQL.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { createServiceCredentials, createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { otpFor, signUp } from '../auth/auth-helpers.js';
import { checkout, postCallback, postPayoutCallback } from '../payment/payment-helpers.js';

function tinyPng(): Buffer {
  const png = new PNG({ width: 2, height: 2 });
  png.data.fill(200);
  return PNG.sync.write(png);
}

describe('nothing leaks', () => {
  const ctx = useTestServer({ ACCESS_LOG: 'true', ORIGIN_CORS: 'https://app.userstate.test' });

  it('when any answer goes out, then it carries the security headers and no X-Powered-By', async () => {
    for (const res of [await ctx.api.get('/health'), await ctx.api.get('/no-such-route'), await ctx.api.post('/auth').send('{bad')]) {
      assert.equal(res.headers['x-powered-by'], undefined);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.match(String(res.headers['x-frame-options']), /SAMEORIGIN|DENY/);
      assert.match(String(res.headers['strict-transport-security']), /max-age=\d+/);
      assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
      assert.match(String(res.headers['referrer-policy']), /no-referrer/);
      assert.ok(res.headers['x-request-id'], 'a request id to quote to support');
    }
  });

  it('when a configured origin calls (also preflight), then CORS allows it; when another origin calls, then no CORS grant is given', async () => {
    const allowed = await ctx.api.get('/health').set('Origin', 'https://app.userstate.test');
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://app.userstate.test');
    const preflight = await ctx.api
      .options('/balance/decrease')
      .set('Origin', 'https://app.userstate.test')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key');
    assert.ok(preflight.status === 204 || preflight.status === 200);
    assert.match(String(preflight.headers['access-control-allow-headers']), /Authorization/i);
    assert.match(String(preflight.headers['access-control-allow-headers']), /Idempotency-Key/i);
    for (const origin of ['https://evil.test', 'https://app.userstate.test.evil.test', 'null']) {
      const denied = await ctx.api.get('/health').set('Origin', origin);
      assert.equal(denied.headers['access-control-allow-origin'], undefined, `${origin} was granted`);
    }
  });

  it('when an upload names a path outside resources/ or a request walks out of the static folder, then nothing is written or read outside it', async () => {
    const user = await createUser(ctx);
    const dir = ctx.config.upload.profileImageDir;
    const resourcesRoot = path.resolve(dir, '..');
    const before = new Set(readdirSync(dir));
    // Multipart written by hand: client libraries strip directories from file names, an attacker does not.
    for (const name of ['../../escape.png', '..\\..\\escape.png', '/tmp/escape.png', 'a/../../escape.png', 'evil\u0000.png', '....//....//escape.png']) {
      const boundary = 'xBOUNDARYx';
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="profile_img"; filename="${name}"\r\nContent-Type: image/png\r\n\r\n`),
        tinyPng(),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const res = await ctx.api
        .post('/user/update-profile-img')
        .set('Authorization', user.auth)
        .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
        .send(body);
      assert.equal(res.status, 400, `${JSON.stringify(name)}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    assert.ok(!existsSync('/tmp/escape.png'));
    assert.ok(!existsSync(path.resolve(resourcesRoot, '..', 'escape.png')));
    assert.ok(!existsSync(path.resolve(resourcesRoot, 'escape.png')));
    assert.deepEqual(new Set(readdirSync(dir)), before, 'a refused upload left a file');

    // An accepted upload lands inside the folder, under a name the server chose.
    const ok = await ctx.api.post('/user/update-profile-img').set('Authorization', user.auth).attach('profile_img', tinyPng(), { filename: 'me.png', contentType: 'image/png' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const stored = String(ok.body.profile_img);
    assert.match(stored, /^\/resources\/user_profile_img\/[A-Za-z0-9_.-]+$/);
    assert.ok(!stored.includes('me.png') && !stored.includes('..'));
    const file = path.resolve(dir, path.basename(stored));
    assert.ok(file.startsWith(path.resolve(dir) + path.sep) && existsSync(file));

    for (const probe of ['/resources/user_profile_img/../../package.json', '/resources/user_profile_img/..%2f..%2fpackage.json', '/resources/user_profile_img/%2e%2e/%2e%2e/package.json', '/resources/user_profile_img/.env']) {
      const res = await ctx.api.get(probe);
      assert.ok(res.status === 404 || res.status === 400 || res.status === 403, `${probe}: ${res.status}`);
      assert.doesNotMatch(res.text, /"dependencies"/, `${probe} served a file outside the folder`);
    }
  });

  it('when a user signs up, pays, adds a bank account and pays out, then no log line carries the password, OTP, tokens, API key or account number', async () => {
    const logStart = ctx.logs.length;
    const accountNumber = '9081726354';
    const s = await signUp(ctx, 'OTP');
    assert.equal(s.res.status, 201, JSON.stringify(s.res.body));
    const otp = await otpFor(ctx, s.phone);
    const verified = await ctx.api.post('/verify-sign-up').set('Authorization', `Bearer ${s.registrationToken}`).send({ otp });
    assert.ok(verified.status < 300, JSON.stringify(verified.body));
    const login = await ctx.api.post('/auth').set('X-Forwarded-For', s.ip).send({ username: s.username, password: s.password });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const token = String(login.body.token);
    const auth = `Bearer ${token}`;
    const user = { username: s.username, email: s.email, password: s.password, referralCode: '', token, auth };

    const invoice = await checkout(ctx, user, { amount: 150000 });
    ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'PAID');
    assert.equal((await postCallback(ctx, ctx.xendit.invoiceCallback(invoice.invoice_id))).status, 200);
    const bank = await ctx.api.post('/bank-account').set('Authorization', auth).send({ bank_code: 'BCA', account_number: accountNumber, account_holder_name: 'Leak Test' });
    assert.ok(bank.status < 300, JSON.stringify(bank.body));
    assert.ok(!JSON.stringify(bank.body).includes(accountNumber), 'the account number is answered masked');
    const payout = await ctx.api.post('/payout').set('Authorization', auth).send({ amount: 50000, bank_account_id: bank.body.id });
    assert.equal(payout.status, 201, JSON.stringify(payout.body));
    assert.equal((await postPayoutCallback(ctx, ctx.xendit.payoutCallback(payout.body.xendit_payout_id, 'payout.succeeded'))).status, 200);
    const extended = await ctx.api.get('/extend').set('Authorization', auth);
    assert.equal(extended.status, 200);
    const service = await createServiceCredentials(ctx);
    assert.equal((await ctx.api.get('/sys/whoami').set('Authorization', service.auth)).status, 200);
    assert.equal((await ctx.api.get('/logout').set('Authorization', `Bearer ${extended.body.token}`)).status, 200);

    const lines = ctx.logs.slice(logStart);
    assert.ok(lines.length > 5, 'the journey was logged (access log and app log)');
    const secrets: Record<string, string> = {
      password: s.password,
      otp,
      'registration token': s.registrationToken,
      'login token': token,
      'extended token': String(extended.body.token),
      'API key': service.key,
      'Basic credentials': service.auth.slice('Basic '.length),
      'account number': accountNumber,
      'callback token': ctx.config.xendit.callbackToken,
      'Xendit secret key': ctx.config.xendit.secretKey,
    };
    for (const [what, secret] of Object.entries(secrets)) {
      assert.ok(secret.length >= 6, `${what} is a real value`);
      const leaked = lines.find((line) => line.includes(secret));
      assert.equal(leaked, undefined, `the ${what} was logged: ${leaked}`);
    }
  });

  it('when a request fails with a 5xx, then the body has no stack trace, SQL or driver message, and the log has the details under the request id', async () => {
    const user = await createUser(ctx, { balance: '1000' });
    const { sequelize } = ctx.server.clients.db;
    const suffix = user.username.replace(/[^a-z0-9_]/g, '');
    await sequelize.query(`
      CREATE FUNCTION leak_probe_${suffix}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.username = '${user.username}' THEN RAISE EXCEPTION 'leak probe: relation secret_table at UPDATE user_balance'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER leak_probe_${suffix} BEFORE UPDATE ON user_balance FOR EACH ROW EXECUTE FUNCTION leak_probe_${suffix}();`);
    try {
      const res = await ctx.api.post('/balance/decrease').set('Authorization', user.auth).send({ amount: 10, description: 'probe' });
      assert.equal(res.status, 500);
      assert.deepEqual(Object.keys(res.body).sort(), ['code', 'errorCode', 'message', 'requestId', 'status']);
      assert.equal(res.body.message, 'Internal server error');
      assert.doesNotMatch(res.text, /leak probe|secret_table|UPDATE|SELECT|user_balance|sequelize|at .*\.ts:\d+|\n\s+at /i);
      assert.ok(ctx.logs.some((line) => line.includes(res.body.requestId) && line.includes('leak probe')), 'the log keeps the details');
    } finally {
      await sequelize.query(`DROP TRIGGER IF EXISTS leak_probe_${suffix} ON user_balance; DROP FUNCTION IF EXISTS leak_probe_${suffix}();`);
    }
  });
});
