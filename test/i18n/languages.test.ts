import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertError, freshIp, freshPhone, linkTokenFor, login, otpFor } from '../auth/auth-helpers.js';
import { createUser, type TestUser } from '../helpers/factories.js';
import { uniqueName, useTestServer, type TestContext } from '../helpers/server.js';
import { checkout, eventually } from '../payment/payment-helpers.js';

const ID = 'id-ID,id;q=0.9,en;q=0.5';

async function signUpIn(ctx: TestContext, language: string | undefined, mode: 'LINK' | 'OTP') {
  const username = uniqueName('lang');
  const email = `${username}@example.test`;
  const password = 'Sign-up-Pass-1';
  const phone = freshPhone();
  const req = ctx.api.post('/signup').set('X-Forwarded-For', freshIp());
  if (language) req.set('Accept-Language', language);
  const res = await req.send({ username, password, email, full_name: `Budi ${username}`, phone_number: phone, mode });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { username, email, password, phone, registrationToken: String(res.body.registration_token), res };
}

async function storedLocale(ctx: TestContext, username: string): Promise<string | undefined> {
  const info = await ctx.server.clients.db.models.UserInfo.findOne({ where: { username }, attributes: ['locale'], raw: true });
  return info?.locale;
}

describe('languages: English by default, Bahasa Indonesia when Accept-Language prefers id', () => {
  const ctx = useTestServer();

  it('when the same bad request is sent in id and in en, then code and errorCode are the same and only the messages differ', async () => {
    const user = await createUser(ctx);
    const wrong = (language?: string) => {
      const req = ctx.api.post('/auth').set('X-Forwarded-For', freshIp());
      if (language) req.set('Accept-Language', language);
      return req.send({ username: user.username, password: 'not-the-password' });
    };
    const [en, id, none] = [await wrong('en'), await wrong(ID), await wrong()];
    assertError(en, 422, 'Invalid Credential', 'INVALID_CREDENTIAL');
    assertError(none, 422, 'Invalid Credential', 'INVALID_CREDENTIAL');
    assertError(id, 422, 'Kredensial tidak valid');
    assert.equal(id.body.code, en.body.code);
    assert.equal(id.body.errorCode, en.body.errorCode);

    // AJV field errors: ours (unknown field) from the catalogue, AJV's own (type, required) through ajv-i18n.
    const invalid = (language: string) =>
      ctx.api.post('/signup').set('Accept-Language', language).set('X-Forwarded-For', freshIp()).send({ username: 5, extra: true });
    const [enBody, idBody] = [(await invalid('en')).body, (await invalid('id')).body];
    assert.equal(enBody.code, 'VALIDATION_FAILED');
    assert.equal(idBody.code, enBody.code);
    assert.equal(idBody.errorCode, 400);
    assert.equal(enBody.message, 'Validation failed');
    assert.equal(idBody.message, 'Validasi gagal');
    assert.deepEqual(
      idBody.errors.map((e: { field: string }) => e.field),
      enBody.errors.map((e: { field: string }) => e.field),
    );
    const byField = (body: { errors: Array<{ field: string; message: string }> }, field: string) => body.errors.find((e) => e.field === field)?.message;
    assert.equal(byField(enBody, 'extra'), 'is not allowed');
    assert.equal(byField(idBody, 'extra'), 'tidak diizinkan');
    assert.equal(byField(enBody, 'username'), 'must be string');
    assert.equal(byField(idBody, 'username'), 'harus berupa string');
    assert.match(byField(idBody, 'password') ?? '', /harus memiliki properti/);

    // A message with variable parts keeps them.
    const lost = await ctx.api.get('/nowhere/at-all').set('Accept-Language', 'id');
    assertError(lost, 404, 'Rute GET /nowhere/at-all tidak ditemukan');
    assert.equal(lost.body.code, 'ROUTE_NOT_FOUND');
    assert.match(String(lost.headers.vary), /Accept-Language/i);
  });

  it('when Accept-Language weighs languages with q-values, then the higher q wins and unknown languages get English', async () => {
    const cases: Array<[string, string]> = [
      ['id', 'Kredensial tidak valid'],
      ['id-ID', 'Kredensial tidak valid'],
      ['en;q=0.4, id;q=0.8', 'Kredensial tidak valid'],
      ['id;q=0.2, en;q=0.9', 'Invalid Credential'],
      ['fr-FR, de;q=0.8', 'Invalid Credential'],
      ['*', 'Invalid Credential'],
      ['ms, id;q=0.5', 'Kredensial tidak valid'],
    ];
    for (const [header, expected] of cases) {
      // A user per case: failed logins of one account count towards its lockout.
      const user = await createUser(ctx);
      const res = await ctx.api.post('/auth').set('X-Forwarded-For', freshIp()).set('Accept-Language', header).send({ username: user.username, password: 'nope-nope-1' });
      assert.equal(res.body.message, expected, header);
    }
  });

  it('when a request succeeds in id, then its message is Indonesian; in en it is the seed\'s English word for word', async () => {
    const a = await createUser(ctx);
    const out = await ctx.api.get('/logout').set('Authorization', a.auth).set('Accept-Language', 'id');
    assert.equal(out.status, 200, JSON.stringify(out.body));
    assert.deepEqual(out.body, { status: true, message: 'Berhasil keluar' });
    const b = await createUser(ctx);
    const en = await ctx.api.get('/logout').set('Authorization', b.auth).set('Accept-Language', 'en');
    assert.deepEqual(en.body, { status: true, message: 'Logged out' });
  });

  it('when a LINK sign-up is sent in id, then its mail, the linked page and the answers are Indonesian and the account keeps id', async () => {
    const s = await signUpIn(ctx, ID, 'LINK');
    assert.equal(s.res.body.message, 'Pendaftaran diterima: buka tautan yang kami kirim ke email Anda untuk mengonfirmasi akun Anda');
    const mail = await ctx.smtp.waitForMail((m) => m.to.includes(s.email));
    assert.equal(mail.subject, 'Konfirmasi akun UserState Anda');
    assert.match(mail.text, /Terima kasih telah mendaftar di UserState/);
    assert.match(mail.html, /Konfirmasi akun saya/);
    assert.doesNotMatch(mail.text, /Thank you/);
    const token = await linkTokenFor(ctx, s.email);

    const page = await ctx.api.get(`/verify-sign-up?token=${token}`).set('Accept-Language', 'id');
    assert.equal(page.status, 200);
    assert.match(page.text, /<html lang="id">/);
    assert.match(page.text, /Konfirmasi akun Anda/);
    assert.match(page.text, /<button type="submit">Konfirmasi akun saya<\/button>/);
    const enPage = await ctx.api.get(`/verify-sign-up?token=${token}`);
    assert.match(enPage.text, /<html lang="en">/);
    assert.match(enPage.text, /Confirm your account/);

    const done = await ctx.api.post('/verify-sign-up').type('form').set('Accept-Language', 'id').send({ token });
    assert.equal(done.status, 201, done.text);
    assert.match(done.text, /Akun Anda telah dikonfirmasi/);
    assert.equal(await storedLocale(ctx, s.username), 'id');
  });

  it('when an OTP sign-up is sent in id, then the SMS is Indonesian and the later email confirmation follows the stored language', async () => {
    const s = await signUpIn(ctx, 'id', 'OTP');
    await otpFor(ctx, s.phone);
    const sms = ctx.sms.messages.filter((m) => m.to === s.phone).at(-1);
    assert.match(sms?.text ?? '', /^Kode verifikasi UserState Anda adalah \d{6}\. Kode ini berlaku selama \d+ menit\. Jangan pernah membagikan kode ini kepada siapa pun\.$/);
    const otp = await otpFor(ctx, s.phone);
    // The verifying request says nothing about its language: the mail after it uses the sign-up's.
    const verified = await ctx.api.post('/verify-sign-up').set('Authorization', `Bearer ${s.registrationToken}`).send({ otp });
    assert.equal(verified.status, 201, JSON.stringify(verified.body));
    assert.equal(verified.body.message, 'Your account is confirmed. You can now log in.');
    assert.equal(await storedLocale(ctx, s.username), 'id');
    const mail = await ctx.smtp.waitForMail((m) => m.to.includes(s.email));
    assert.equal(mail.subject, 'Konfirmasi email Anda untuk UserState');
    assert.match(mail.text, new RegExp(`Alamat ini diberikan untuk akun UserState "${s.username}"`));

    const english = await signUpIn(ctx, undefined, 'OTP');
    await otpFor(ctx, english.phone);
    assert.match(ctx.sms.messages.filter((m) => m.to === english.phone).at(-1)?.text ?? '', /^Your UserState verification code is \d{6}\./);
  });

  it('when the sync job expires an invoice, then the push goes out in the language the account signed up in', async () => {
    const users: TestUser[] = [];
    for (const language of ['id', 'en']) {
      const s = await signUpIn(ctx, language, 'OTP');
      const verified = await ctx.api.post('/verify-sign-up').set('Authorization', `Bearer ${s.registrationToken}`).send({ otp: await otpFor(ctx, s.phone) });
      assert.equal(verified.status, 201, JSON.stringify(verified.body));
      const token = String((await login(ctx, s.username, s.password)).body.token);
      const user = { username: s.username, email: s.email, password: s.password, referralCode: '', token, auth: `Bearer ${token}` };
      await ctx.server.clients.db.models.Fcm.create({ username: user.username, token: `lang-${user.username}`, device_type: 'android' });
      const invoice = await checkout(ctx, user, { amount: 25000 });
      ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'EXPIRED');
      users.push(user);
    }
    // The job runs without any request (no Accept-Language anywhere).
    await ctx.server.services.payments.expireStatusUpdater({ usernames: users.map((u) => u.username) });
    const pushOf = (user: TestUser) => ctx.push.calls.find((c) => c.tokens.includes(`lang-${user.username}`))?.message;
    await eventually(() => {
      assert.ok(pushOf(users[0]!) && pushOf(users[1]!));
    });
    assert.deepEqual([pushOf(users[0]!)?.title, pushOf(users[0]!)?.body], ['Tagihan kedaluwarsa', 'Tagihan Anda sebesar Rp 25.000 kedaluwarsa tanpa dibayar.']);
    assert.deepEqual([pushOf(users[1]!)?.title, pushOf(users[1]!)?.body], ['Invoice expired', 'Your invoice of Rp 25.000 expired unpaid.']);
  });

  it('when an account deletion is asked in id, then the refusal lists the steps in Indonesian and the mail is Indonesian', async () => {
    const rich = await createUser(ctx, { balance: '15000', points: 3 });
    const refused = await ctx.api.post('/user/delete').set('Authorization', rich.auth).set('Accept-Language', 'id').send({ password: rich.password });
    assertError(
      refused,
      409,
      'Akun tidak dapat dihapus selama dompet masih berisi uang, poin, atau penarikan dana yang tertunda: terlebih dahulu tarik saldo sebesar Rp 15.000 (POST /payout), lalu tukarkan 3 poin (POST /points/redeem)',
    );
    const en = await ctx.api.post('/user/delete').set('Authorization', rich.auth).send({ password: rich.password });
    assert.equal(en.body.code, refused.body.code);
    assert.match(en.body.message, /^The account cannot be deleted while the wallet holds money, points or a pending payout: first withdraw the balance of Rp 15\.000/);

    const user = await createUser(ctx);
    const deleted = await ctx.api.post('/user/delete').set('Authorization', user.auth).set('Accept-Language', 'id').send({ password: user.password });
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    assert.match(deleted.body.message, /^Akun dijadwalkan untuk dihapus/);
    const mail = await ctx.smtp.waitForMail((m) => m.to.includes(user.email));
    assert.equal(mail.subject, 'Akun UserState Anda akan dihapus');
    assert.ok(mail.text.includes(String(deleted.body.cancel_token)));
    assert.match(mail.text, /akan dihapus pada \d{4}-\d{2}-\d{2}\./);
  });
});
