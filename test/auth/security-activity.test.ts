/**
 * Security activity and the cooling-off for money: every security-relevant event of a user is appended with time,
 * address and device and readable by the owner alone; a new device or a password change is told by mail and push;
 * after a password reset (or an email or phone change) money cannot leave the account for MONEY_COOLING_OFF_HOURS.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUser, type TestUser } from '../helpers/factories.js';
import { uniqueName, useTestServer } from '../helpers/server.js';
import { topUp } from '../payment/payment-helpers.js';
import { assertError, freshIp, linkTokenFor } from './auth-helpers.js';

interface Event {
  id: number;
  kind: string;
  ip: string | null;
  device: string | null;
  details: Record<string, unknown>;
  created_at: string;
}

describe('security activity: GET /user/activity, notices, money cooling-off', () => {
  const ctx = useTestServer({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', MONEY_COOLING_OFF_HOURS: '24' });

  const signIn = (user: TestUser, password: string, device: string, ip = freshIp()) =>
    ctx.api.post('/auth').set('X-Forwarded-For', ip).set('User-Agent', device).send({ username: user.username, password });
  const activityOf = async (auth: string, query = '') => {
    const res = await ctx.api.get(`/user/activity${query}`).set('Authorization', auth);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { events: Event[]; page: number; limit: number; has_more: boolean };
  };
  const addAccount = (auth: string) =>
    ctx.api.post('/bank-account').set('Authorization', auth).send({ bank_code: 'BCA', account_number: '9876543210', account_holder_name: 'Test Holder' });

  it('when a user signs in, fails, gets locked out, revokes a session and changes the password, then GET /user/activity lists each, newest first, with address and device, and the change is mailed', async () => {
    const user = await createUser(ctx);
    const ip = '198.51.100.23';
    const ok = await signIn(user, user.password, 'PhoneApp/2.1', ip);
    assert.equal(ok.status, 200);
    const auth = `Bearer ${ok.body.token as string}`;
    for (let i = 0; i < 3; i += 1) assert.equal((await signIn(user, 'Wrong-pass-1', 'Attacker/1.0', '192.0.2.9')).status, 422);
    const other = await ctx.api.post('/auth').set('User-Agent', 'Tablet/1.0').send({ username: user.username, password: user.password });
    assert.equal(other.status, 429, 'locked out');
    const { events } = await activityOf(auth);
    assert.deepEqual(events.map((e) => e.kind), ['lockout', 'login_failed', 'login_failed', 'login_failed', 'login_succeeded']);
    assert.equal(events.at(-1)!.ip, ip);
    assert.equal(events.at(-1)!.device, 'PhoneApp/2.1');
    assert.equal(events[0]!.device, 'Attacker/1.0');
    assert.equal(events[0]!.ip, '192.0.2.9');
    for (let i = 1; i < events.length; i += 1) assert.ok(events[i - 1]!.id > events[i]!.id, 'newest first');

    await ctx.server.services.limits.clearLoginFailures(user.username);
    const tablet = await signIn(user, user.password, 'Tablet/1.0');
    assert.equal(tablet.status, 200);
    const tabletSid = JSON.parse(Buffer.from((tablet.body.token as string).split('.')[1]!, 'base64url').toString()).sid as string;
    assert.equal((await ctx.api.delete(`/sessions/${tabletSid}`).set('Authorization', auth)).status, 200);
    const changed = await ctx.api.post('/update-pwd').set('Authorization', auth).send({ old_password: user.password, new_password: 'Brand-new-pass-7' });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const latest = (await activityOf(`Bearer ${changed.body.token as string}`)).events;
    assert.deepEqual(latest.slice(0, 3).map((e) => e.kind), ['password_changed', 'session_revoked', 'login_succeeded']);
    assert.equal(latest[1]!.details.session_id, tabletSid);
    assert.equal(latest[0]!.device, 'PhoneApp/2.1', 'the change is named by the device that made it');
    const notice = await ctx.smtp.waitForMail((m) => m.to.includes(user.email) && /password was changed/.test(m.subject));
    assert.match(notice.text, /PhoneApp\/2\.1/);
    assert.match(notice.text, /If this was not you/);
  });

  it('pages: limit and page walk the events newest first; has_more says when there are more; bad paging answers 400', async () => {
    const user = await createUser(ctx);
    for (let i = 0; i < 5; i += 1) assert.equal((await signIn(user, user.password, `Device/${i}`)).status, 200);
    const first = await activityOf(user.auth, '?limit=2');
    const second = await activityOf(user.auth, '?limit=2&page=2');
    const third = await activityOf(user.auth, '?limit=2&page=3');
    assert.deepEqual([first.events.length, second.events.length, third.events.length], [2, 2, 1]);
    assert.deepEqual([first.has_more, second.has_more, third.has_more], [true, true, false]);
    assert.deepEqual([...first.events, ...second.events, ...third.events].map((e) => e.device), ['Device/4', 'Device/3', 'Device/2', 'Device/1', 'Device/0']);
    assertError(await ctx.api.get('/user/activity?limit=0').set('Authorization', user.auth), 400);
    assertError(await ctx.api.get('/user/activity?page=abc').set('Authorization', user.auth), 400);
  });

  it("when B reads the activity, then B sees only B's events", async () => {
    const alice = await createUser(ctx);
    const bob = await createUser(ctx);
    assert.equal((await signIn(alice, alice.password, 'AliceApp/1')).status, 200);
    const { events } = await activityOf(bob.auth);
    assert.deepEqual(events, []);
  });

  it('the log is append-only: the database refuses to change an event', async () => {
    const user = await createUser(ctx);
    assert.equal((await signIn(user, user.password, 'App/1')).status, 200);
    await assert.rejects(
      ctx.server.clients.db.sequelize.query("UPDATE security_event SET kind = 'nothing', ip = '127.0.0.1' WHERE username = :u", { replacements: { u: user.username } }),
      /append-only/,
    );
    assert.equal((await activityOf(user.auth)).events[0]!.kind, 'login_succeeded');
  });

  it('when a user signs in from a new device, then a mail and a push say so and what to do; the first sign-in and the same device again tell nothing', async () => {
    const user = await createUser(ctx);
    const first = await signIn(user, user.password, 'KnownPhone/1');
    assert.equal(first.status, 200);
    const pushToken = uniqueName('fcm-notice');
    assert.equal((await ctx.api.post('/fcm/register').set('Authorization', `Bearer ${first.body.token as string}`).send({ token: pushToken, device_type: 'android' })).status, 200);
    const mailsBefore = () => ctx.smtp.messages.filter((m) => m.to.includes(user.email)).length;
    const known = mailsBefore();
    assert.equal((await signIn(user, user.password, 'KnownPhone/1')).status, 200);
    const pushesBefore = ctx.push.calls.length;
    assert.equal((await signIn(user, user.password, 'StrangeLaptop/9')).status, 200);
    const mail = await ctx.smtp.waitForMail((m) => m.to.includes(user.email) && /New sign-in/.test(m.subject));
    assert.match(mail.text, /StrangeLaptop\/9/);
    assert.match(mail.text, /If this was not you, reset your password/);
    assert.equal(mailsBefore(), known + 1, 'one notice: the new device, not the known one');
    const push = ctx.push.calls.slice(pushesBefore).find((call) => call.tokens.includes(pushToken));
    assert.ok(push, 'a push to the registered device');
    assert.match(push.message.title, /New sign-in/);
  });

  it('when the account signed up in Indonesian, then the new-device notice is mailed and pushed in Indonesian', async () => {
    const user = await createUser(ctx);
    await ctx.server.clients.db.models.UserInfo.update({ locale: 'id' }, { where: { username: user.username } });
    assert.equal((await signIn(user, user.password, 'RumahPhone/1')).status, 200);
    const pushToken = uniqueName('fcm-id');
    const first = await signIn(user, user.password, 'RumahPhone/1');
    assert.equal((await ctx.api.post('/fcm/register').set('Authorization', `Bearer ${first.body.token as string}`).send({ token: pushToken, device_type: 'android' })).status, 200);
    const pushesBefore = ctx.push.calls.length;
    assert.equal((await signIn(user, user.password, 'LaptopAsing/2')).status, 200);
    const mail = await ctx.smtp.waitForMail((m) => m.to.includes(user.email) && /Masuk baru/.test(m.subject));
    assert.match(mail.text, /perangkat: LaptopAsing\/2/);
    assert.match(mail.text, /Jika ini bukan Anda, segera atur ulang kata sandi Anda/);
    const push = ctx.push.calls.slice(pushesBefore).find((call) => call.tokens.includes(pushToken));
    assert.equal(push?.message.title, 'Masuk baru ke akun UserState Anda');
  });

  it('when the password was reset, then POST /payout and adding a bank account answer 423 with Retry-After and why, and the refusal is in the activity', async () => {
    const user = await createUser(ctx);
    await topUp(ctx, user, 100000);
    const account = await addAccount(user.auth);
    assert.equal(account.status, 201, JSON.stringify(account.body));
    assert.equal((await ctx.api.post('/request-reset-pwd').set('X-Forwarded-For', freshIp()).send({ email: user.email })).status, 200);
    const token = await linkTokenFor(ctx, user.email, '/reset-pwd');
    assert.equal((await ctx.api.post('/reset-pwd').send({ token, password: 'Reset-pass-88x' })).status, 200);
    const auth = `Bearer ${(await signIn(user, 'Reset-pass-88x', 'App/1')).body.token as string}`;

    const payout = await ctx.api.post('/payout').set('Authorization', auth).send({ amount: 50000, bank_account_id: account.body.id });
    assertError(payout, 423, /paused until .* after a password reset/);
    assert.equal(payout.body.code, 'MONEY_COOLING_OFF');
    const retryAfter = Number(payout.headers['retry-after']);
    assert.ok(retryAfter > 23 * 3600 && retryAfter <= 24 * 3600, `Retry-After ${retryAfter}`);
    assertError(await addAccount(auth), 423);
    const balance = await ctx.server.clients.db.models.UserBalance.findByPk(user.username, { raw: true });
    assert.equal(balance?.balance, '100000.00', 'nothing left the wallet');
    const kinds = (await activityOf(auth)).events.map((e) => e.kind);
    assert.deepEqual(kinds.slice(0, 3), ['money_cooling_off', 'money_cooling_off', 'login_succeeded']);
    assert.ok(kinds.includes('password_reset'));
  });

  it('when the cooling-off has passed, then payouts and new bank accounts work again and are recorded', async () => {
    const user = await createUser(ctx);
    await topUp(ctx, user, 100000);
    // A reset 25 hours ago (written as it would have been then).
    await ctx.server.clients.db.models.SecurityEvent.create({ username: user.username, kind: 'password_reset', ip: null, device: null, created_at: new Date(Date.now() - 25 * 3600_000) });
    const account = await addAccount(user.auth);
    assert.equal(account.status, 201, JSON.stringify(account.body));
    const payout = await ctx.api.post('/payout').set('Authorization', user.auth).send({ amount: 50000, bank_account_id: account.body.id });
    assert.equal(payout.status, 201, JSON.stringify(payout.body));
    const kinds = (await activityOf(user.auth)).events.map((e) => e.kind);
    assert.deepEqual(kinds.slice(0, 2), ['payout_requested', 'bank_account_added']);
  });
});
