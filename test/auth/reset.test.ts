import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUser } from '../helpers/factories.js';
import { uniqueName, useTestServer } from '../helpers/server.js';
import { assertError, freshIp, linkTokenFor, login } from './auth-helpers.js';

describe('password reset', () => {
  const ctx = useTestServer();
  const requestReset = (email: string, ip = freshIp()) => ctx.api.post('/request-reset-pwd').set('X-Forwarded-For', ip).send({ email });

  it('POST /request-reset-pwd answers the same whether or not the email is registered; only a registered one gets mail', async () => {
    const user = await createUser(ctx);
    const known = await requestReset(user.email.toUpperCase());
    const ghost = `${uniqueName('ghost')}@example.test`;
    const unknown = await requestReset(ghost);
    assert.equal(known.status, 200);
    assert.equal(unknown.status, 200);
    assert.deepEqual(known.body, unknown.body);
    const mail = await ctx.smtp.waitForMail((m) => m.to.includes(user.email));
    assert.match(mail.subject, /Reset/);
    assert.ok(mail.text.includes(`${ctx.config.server.publicUrl}/reset-pwd?token=`));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(ctx.smtp.messages.filter((m) => m.to.includes(ghost)).length, 0);
    const stored = await ctx.server.clients.redis.keys('pwdreset:t:*');
    const token = await linkTokenFor(ctx, user.email, '/reset-pwd');
    assert.ok(stored.every((key) => !key.includes(token)), 'only a hash of the token is stored');
    const ttl = await ctx.server.clients.redis.ttl(stored[0]!);
    assert.ok(ttl > 0 && ttl <= 1800);
  });

  it('reset journey: mail → GET page (consumes nothing) → POST {password, token} → old tokens dead → log in with the new password', async () => {
    const user = await createUser(ctx);
    await requestReset(user.email);
    const token = await linkTokenFor(ctx, user.email, '/reset-pwd');
    for (let i = 0; i < 2; i += 1) {
      const pageRes = await ctx.api.get(`/reset-pwd?token=${token}`);
      assert.equal(pageRes.status, 200);
      assert.match(String(pageRes.headers['content-type']), /text\/html/);
      assert.match(pageRes.text, /<form method="post" action="\/reset-pwd">/);
      assert.doesNotMatch(pageRes.text, /<script/i);
    }
    assertError(await ctx.api.post('/reset-pwd').send({ token, password: 'short' }), 400, 'Password must be at least 8 bytes long');
    assertError(await ctx.api.post('/reset-pwd').send({ token, password: user.email }), 400, 'Password must not be the same as the email');
    assertError(await ctx.api.post('/reset-pwd').send({ token, password: '€'.repeat(25) }), 400, /at most 72 bytes/);
    assert.equal((await ctx.api.get('/verify').set('Authorization', user.auth)).status, 200, 'refused resets change nothing');

    const res = await ctx.api.post('/reset-pwd').send({ token, password: '€'.repeat(24) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, true);
    assertError(await ctx.api.get('/verify').set('Authorization', user.auth), 401);
    assertError(await login(ctx, user.username, user.password), 422, 'Invalid Credential', 'INVALID_CREDENTIAL');
    assert.equal((await login(ctx, user.username, '€'.repeat(24))).status, 200);

    // Single use.
    assertError(await ctx.api.post('/reset-pwd').send({ token, password: 'Another-pass-2' }), 401, 'Reset link is invalid or has expired', 'RESET_LINK_INVALID');
    assert.match((await ctx.api.get(`/reset-pwd?token=${token}`)).text, /invalid, already used or has expired/);
  });

  it('the reset page form posts as application/x-www-form-urlencoded with ?token= or a hidden field', async () => {
    const user = await createUser(ctx);
    await requestReset(user.email);
    const token = await linkTokenFor(ctx, user.email, '/reset-pwd');
    const res = await ctx.api.post(`/reset-pwd?token=${token}`).type('form').send({ password: 'Form-pass-123' });
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /Password changed/);
    assert.equal((await login(ctx, user.username, 'Form-pass-123')).status, 200);
  });

  it('a new request replaces the previous link; two concurrent resets with one link succeed once', async () => {
    const user = await createUser(ctx);
    await requestReset(user.email);
    const first = await linkTokenFor(ctx, user.email, '/reset-pwd');
    await requestReset(user.email);
    await ctx.smtp.waitForMail((m) => m.to.includes(user.email) && !m.text.includes(first));
    const second = await linkTokenFor(ctx, user.email, '/reset-pwd');
    assert.notEqual(first, second);
    assertError(await ctx.api.post('/reset-pwd').send({ token: first, password: 'Another-pass-2' }), 401);
    const results = await Promise.all([1, 2, 3].map((i) => ctx.api.post('/reset-pwd').send({ token: second, password: `Concurrent-${i}-pass` })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 401, 401]);
  });

  it('bad reset input answers 4xx: missing token, malformed token, wrong types, unknown fields', async () => {
    assertError(await ctx.api.post('/reset-pwd').send({ password: 'Valid-pass-1' }), 400, 'Reset token is required');
    assertError(await ctx.api.post('/reset-pwd').send({ password: 'Valid-pass-1', token: 'nope' }), 401);
    assertError(await ctx.api.post('/reset-pwd').send({ password: 12345678, token: 'x' }), 400);
    assertError(await ctx.api.post('/reset-pwd').send({ password: 'Valid-pass-1', token: 'x', admin: true }), 400);
    assertError(await ctx.api.post('/request-reset-pwd').send({ email: 'nope' }), 400);
    assertError(await ctx.api.post('/request-reset-pwd').send({ email: ['a@b.co'] }), 400);
    assert.equal((await ctx.api.get('/reset-pwd')).status, 200);
  });

  it('a disabled account gets the same answer and no mail', async () => {
    const user = await createUser(ctx);
    await ctx.server.clients.db.models.UserLogin.update({ disabled: true }, { where: { username: user.username } });
    const res = await requestReset(user.email);
    assert.equal(res.status, 200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(ctx.smtp.messages.filter((m) => m.to.includes(user.email)).length, 0);
  });
});
