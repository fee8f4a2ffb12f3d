/**
 * GET /metrics: Prometheus text, scraped and parsed the way Prometheus would, behind an API key (Basic) on the API
 * port or without auth on METRICS_PORT.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import supertest from 'supertest';
import { createMetrics } from '../../src/services/metrics.service.js';
import { otpFor, signUp } from '../auth/auth-helpers.js';
import { createServiceCredentials, createUser } from '../helpers/factories.js';
import { familiesOf, parsePrometheus, valueOf, type Sample } from '../helpers/prometheus.js';
import { useTestServer, type TestContext } from '../helpers/server.js';
import { checkout, eventually, postCallback, postPayoutCallback, topUp } from '../payment/payment-helpers.js';

async function scrape(ctx: TestContext, auth: string): Promise<Sample[]> {
  const res = await ctx.api.get('/metrics').set('Authorization', auth);
  assert.equal(res.status, 200, res.text);
  return parsePrometheus(res.text);
}

describe('metrics', () => {
  const ctx = useTestServer({ METRICS_PORT: '0', LEDGER_CHECK_SECONDS: '1', LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
  let auth = '';
  const scrapeNow = async () => {
    auth ||= (await createServiceCredentials(ctx)).auth;
    return scrape(ctx, auth);
  };

  it('when /metrics is called without credentials or with a user token, then 401', async () => {
    const bare = await ctx.api.get('/metrics');
    assert.equal(bare.status, 401);
    assert.equal(bare.body.status, false);
    const user = await createUser(ctx);
    assert.equal((await ctx.api.get('/metrics').set('Authorization', user.auth)).status, 401);
    assert.equal((await ctx.api.get('/metrics').set('Authorization', `Basic ${Buffer.from('nobody:wrong-key').toString('base64')}`)).status, 401);
  });

  it('when an API key calls /metrics, then it answers the Prometheus text format with every family of the app', async () => {
    auth ||= (await createServiceCredentials(ctx)).auth;
    const res = await ctx.api.get('/metrics').set('Authorization', auth);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.doesNotThrow(() => parsePrometheus(res.text));
    const families = familiesOf(res.text);
    for (const [name, type] of [
      ['userstate_http_request_duration_seconds', 'histogram'],
      ['userstate_logins_total', 'counter'],
      ['userstate_login_lockouts_total', 'counter'],
      ['userstate_otp_sends_total', 'counter'],
      ['userstate_mail_sends_total', 'counter'],
      ['userstate_payment_callbacks_total', 'counter'],
      ['userstate_payouts_total', 'counter'],
      ['userstate_xendit_request_duration_seconds', 'histogram'],
      ['userstate_xendit_errors_total', 'counter'],
      ['userstate_db_pool_connections', 'gauge'],
      ['userstate_ledger_mismatched_wallets', 'gauge'],
      ['nodejs_eventloop_lag_seconds', 'gauge'],
    ]) {
      assert.equal(families.get(name!), type, `${name} is exposed as a ${type}`);
    }
    const samples = parsePrometheus(res.text);
    assert.ok(valueOf(samples, 'userstate_db_pool_connections', { state: 'size' }) >= 1, 'the pool size is reported');
  });

  it('when a request is answered, then its duration is observed under the declared route and status', async () => {
    const before = valueOf(await scrapeNow(), 'userstate_http_request_duration_seconds_count', { route: '/health/live', status: '200', method: 'GET' });
    await ctx.api.get('/health/live');
    await ctx.api.get('/health/live');
    await ctx.api.get('/no/such/path/123');
    const after = await scrapeNow();
    assert.equal(valueOf(after, 'userstate_http_request_duration_seconds_count', { route: '/health/live', status: '200', method: 'GET' }), before + 2);
    assert.ok(valueOf(after, 'userstate_http_request_duration_seconds_count', { route: 'unmatched', status: '404' }) >= 1);
    assert.ok(!after.some((s) => s.labels.route?.includes('/no/such/path')), 'raw URLs never become labels');
  });

  it('when a login fails, succeeds and then locks the account, then each outcome and the lockout are counted', async () => {
    const user = await createUser(ctx);
    const before = await scrapeNow();
    const login = (password: string) => ctx.api.post('/auth').set('X-Forwarded-For', '203.0.113.77').send({ username: user.username, password });
    assert.equal((await login(user.password)).status, 200);
    for (let i = 0; i < 3; i += 1) assert.equal((await login('Wrong-Password-1')).status, 422);
    assert.equal((await login(user.password)).status, 429);
    const after = await scrapeNow();
    const delta = (name: string, labels: Record<string, string>) => valueOf(after, name, labels) - valueOf(before, name, labels);
    assert.equal(delta('userstate_logins_total', { outcome: 'success' }), 1);
    assert.equal(delta('userstate_logins_total', { outcome: 'invalid_credentials' }), 3);
    assert.equal(delta('userstate_logins_total', { outcome: 'locked' }), 1);
    assert.equal(delta('userstate_login_lockouts_total', { scope: 'account' }), 1);
  });

  it('when a sign-up sends an OTP and a link sign-up sends a mail, then both sends are counted', async () => {
    const before = await scrapeNow();
    const otpSignUp = await signUp(ctx, 'OTP');
    assert.equal(otpSignUp.res.status, 201, JSON.stringify(otpSignUp.res.body));
    await otpFor(ctx, otpSignUp.phone);
    const linkSignUp = await signUp(ctx, 'LINK');
    assert.equal(linkSignUp.res.status, 201, JSON.stringify(linkSignUp.res.body));
    await ctx.smtp.waitForMail((m) => m.to.includes(linkSignUp.email));
    const after = await scrapeNow();
    assert.equal(valueOf(after, 'userstate_otp_sends_total', { outcome: 'sent' }) - valueOf(before, 'userstate_otp_sends_total', { outcome: 'sent' }), 1);
    assert.ok(valueOf(after, 'userstate_mail_sends_total', { outcome: 'sent' }) - valueOf(before, 'userstate_mail_sends_total', { outcome: 'sent' }) >= 1);
  });

  it('when invoice callbacks credit, repeat, are refused or name no invoice, then each is counted by outcome, and Xendit calls are timed', async () => {
    const user = await createUser(ctx);
    const before = await scrapeNow();
    const invoice = await checkout(ctx, user, { amount: 100000 });
    ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'PAID');
    assert.equal((await postCallback(ctx, ctx.xendit.invoiceCallback(invoice.invoice_id))).body.message, 'processed');
    assert.equal((await postCallback(ctx, ctx.xendit.invoiceCallback(invoice.invoice_id))).body.message, 'processed');
    const short = await checkout(ctx, user, { amount: 100000 });
    ctx.xendit.setInvoiceStatus(short.invoice_id, 'PAID');
    assert.equal((await postCallback(ctx, ctx.xendit.invoiceCallback(short.invoice_id, { paid_amount: 5000 }))).body.message, 'rejected');
    const unknown = { id: 'dddddddddddddddddddddddd', external_id: 'TRX-NOPE-METRICS', status: 'PAID', amount: 1, paid_amount: 1, currency: 'IDR' };
    assert.equal((await postCallback(ctx, unknown)).body.message, 'ignored');
    const after = await scrapeNow();
    const delta = (outcome: string) =>
      valueOf(after, 'userstate_payment_callbacks_total', { kind: 'invoice', outcome }) - valueOf(before, 'userstate_payment_callbacks_total', { kind: 'invoice', outcome });
    assert.deepEqual(
      { credited: delta('credited'), duplicate: delta('duplicate'), rejected: delta('rejected'), unknown: delta('unknown') },
      { credited: 1, duplicate: 1, rejected: 1, unknown: 1 },
    );
    const created = (samples: Sample[]) => valueOf(samples, 'userstate_xendit_request_duration_seconds_count', { operation: 'createInvoice', result: 'ok' });
    assert.equal(created(after) - created(before), 2);
  });

  it('when a Xendit call fails, then it is timed as an error and counted by kind', async () => {
    const user = await createUser(ctx);
    const before = await scrapeNow();
    ctx.xendit.failNext(1, 400, { error_code: 'API_VALIDATION_ERROR', message: 'refused for the metrics test' });
    const res = await ctx.api.post('/payment-checkout').set('Authorization', user.auth).send({ amount: 100000 });
    assert.ok(res.status >= 400, `status ${res.status}`);
    const after = await scrapeNow();
    const errors = (samples: Sample[]) => valueOf(samples, 'userstate_xendit_errors_total', { operation: 'createInvoice', kind: 'http' });
    const timed = (samples: Sample[]) => valueOf(samples, 'userstate_xendit_request_duration_seconds_count', { operation: 'createInvoice', result: 'error' });
    assert.equal(errors(after) - errors(before), 1, 'the failed call is counted');
    assert.equal(timed(after) - timed(before), 1, 'and timed as an error');
  });

  it('when a payout is requested and its success callback arrives twice, then payouts are counted by status and callbacks by outcome', async () => {
    const user = await createUser(ctx);
    await topUp(ctx, user, 100000);
    const account = await ctx.api
      .post('/bank-account')
      .set('Authorization', user.auth)
      .send({ bank_code: 'BCA', account_number: '1234567890', account_holder_name: 'Metric Holder' });
    assert.equal(account.status, 201, JSON.stringify(account.body));
    const before = await scrapeNow();
    const payout = await ctx.api.post('/payout').set('Authorization', user.auth).send({ amount: 40000, bank_account_id: account.body.id });
    assert.equal(payout.status, 201, JSON.stringify(payout.body));
    for (let i = 0; i < 2; i += 1) {
      const res = await postPayoutCallback(ctx, ctx.xendit.payoutCallback(payout.body.xendit_payout_id, 'payout.succeeded'));
      assert.equal(res.status, 200);
    }
    const after = await scrapeNow();
    const delta = (name: string, labels: Record<string, string>) => valueOf(after, name, labels) - valueOf(before, name, labels);
    assert.equal(delta('userstate_payouts_total', { status: 'PENDING' }), 1);
    assert.equal(delta('userstate_payouts_total', { status: 'SUCCEEDED' }), 1);
    assert.equal(delta('userstate_payment_callbacks_total', { kind: 'payout', outcome: 'succeeded' }), 1);
    assert.equal(delta('userstate_payment_callbacks_total', { kind: 'payout', outcome: 'duplicate' }), 1);
  });

  it('when a wallet balance no longer matches its ledger, then the periodic ledger check reports one more mismatched wallet', async () => {
    const user = await createUser(ctx, { balance: '5000' });
    const { sequelize } = ctx.server.clients.db;
    let baseline = 0;
    await eventually(async () => {
      const samples = await scrapeNow();
      assert.ok(samples.some((s) => s.name === 'userstate_ledger_mismatched_wallets'), 'a first check has run');
      baseline = valueOf(samples, 'userstate_ledger_mismatched_wallets');
    }, 5000);
    await sequelize.query('UPDATE user_balance SET balance = balance + 1 WHERE username = :username', { replacements: { username: user.username } });
    try {
      await eventually(async () => {
        assert.equal(valueOf(await scrapeNow(), 'userstate_ledger_mismatched_wallets'), baseline + 1);
      }, 5000);
    } finally {
      await sequelize.query('UPDATE user_balance SET balance = balance - 1 WHERE username = :username', { replacements: { username: user.username } });
    }
  });

  it('when METRICS_PORT is set, then /metrics answers there without auth, and nothing else does', async () => {
    assert.ok(ctx.server.metricsUrl, 'the metrics port listens');
    const url = new URL(ctx.server.metricsUrl);
    const res = await supertest(url.origin).get('/metrics');
    assert.equal(res.status, 200);
    assert.ok(familiesOf(res.text).has('userstate_logins_total'));
    assert.equal((await supertest(url.origin).get('/health')).status, 404);
  });

  it('when two apps run in one process, then each has its own registry and counters', async () => {
    const one = createMetrics({ defaultMetrics: false });
    const two = createMetrics({ defaultMetrics: false });
    one.logins.inc({ outcome: 'success' });
    assert.equal(valueOf(parsePrometheus(await one.render()), 'userstate_logins_total', { outcome: 'success' }), 1);
    assert.equal(valueOf(parsePrometheus(await two.render()), 'userstate_logins_total', { outcome: 'success' }), 0);
  });
});
