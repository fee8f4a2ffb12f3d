/**
 * The integrations against their local stand-ins: Xendit (fake HTTP server driven through xendit-node), SMSViro,
 * SMTP (smtp-server capture), FCM (disabled / recording senders) and the MongoDB gateway log.
 * Run: node --import tsx --test test/integrations.test.ts
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import mongoose from 'mongoose';
import { loadConfig } from '../config/index.js';
import { AppError, BadGatewayError, ServiceUnavailableError } from '../src/errors/app-error.js';
import { createFirebasePushSender } from '../src/integrations/fcm.js';
import { createRecordingPushSender } from './helpers/recording-push.js';
import { createGatewayLog, maskAccountNumber } from '../src/models/gateway-log.js';
import { createMailer } from '../src/integrations/mailer.js';
import { createSmsSender, normalizePhoneNumber, SmsRejectedError } from '../src/integrations/sms.js';
import { createXenditGateway, XenditError } from '../src/integrations/xendit.js';
import { createLogger, type Logger } from '../src/utilities/logger.js';
import { startFakeSmsViro, type FakeSmsViro } from './helpers/fake-smsviro.js';
import { startFakeXendit, type FakeXendit } from './helpers/fake-xendit.js';
import { startSmtpCapture, type SmtpCapture } from './helpers/smtp-capture.js';

/** The app logger (with its redaction), writing into an array so tests can read what was logged. */
function createCapturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(
    createLogger('debug', (line) => lines.push(line)),
    { lines },
  );
}

/** A config built the way the entry file builds it, with test values on top of the environment. */
function configWith(overrides: Record<string, string>) {
  return loadConfig({ ...process.env, NODE_ENV: 'test', ...overrides });
}

async function rejectsWith<E>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
  return error;
}

/** A port nothing listens on. */
async function findClosedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Xendit gateway (xendit-node 7 against the fake Xendit)', () => {
  const SECRET = 'xnd_development_integration_test_secret';
  let fake: FakeXendit;
  let logger: ReturnType<typeof createCapturingLogger>;
  let gateway: ReturnType<typeof createXenditGateway>;

  before(async () => {
    fake = await startFakeXendit();
    logger = createCapturingLogger();
    const config = configWith({ XENDIT_API_URL: fake.url, XENDIT_SECRET_KEY: SECRET, XENDIT_TIMEOUT_MS: '400' });
    gateway = createXenditGateway(config.xendit, logger);
  });
  after(() => fake.close());

  it('when an invoice is created, then the SDK posts to /v2/invoices/ and we get our shape back', async () => {
    const before = Date.now();
    const invoice = await gateway.createInvoice({
      externalId: 'topup-1',
      amount: 50000,
      description: 'Top up',
      payerEmail: 'buyer@example.com',
      paymentMethods: ['OVO'],
      invoiceDurationSeconds: 3600,
      currency: 'IDR',
    });

    assert.equal(invoice.external_id, 'topup-1');
    assert.equal(invoice.status, 'PENDING');
    assert.equal(invoice.amount, 50000);
    assert.equal(invoice.currency, 'IDR');
    assert.equal(invoice.description, 'Top up');
    assert.equal(invoice.paid_at, null);
    assert.equal(invoice.payment_method, null);
    assert.match(invoice.invoice_url, /^http:\/\/127\.0\.0\.1:\d+\/web\/invoices\//);
    const expiry = Date.parse(invoice.expiry_date);
    assert.ok(expiry >= before + 3600_000 - 5000 && expiry <= Date.now() + 3600_000 + 5000, 'expiry is about an hour away');
    assert.equal(invoice.expiry_date, new Date(expiry).toISOString());

    const sent = fake.requests.at(-1);
    assert.equal(sent?.method, 'POST');
    assert.equal(sent?.path, '/v2/invoices/');
    assert.equal(sent?.headers.authorization, `Basic ${Buffer.from(`${SECRET}:`).toString('base64')}`);
    assert.deepEqual(sent?.body, {
      external_id: 'topup-1',
      amount: 50000,
      description: 'Top up',
      payer_email: 'buyer@example.com',
      invoice_duration: 3600,
      payment_methods: ['OVO'],
      currency: 'IDR',
    });
  });

  it('when an invoice is paid, then getInvoice reports paid_at, payment_method and payment_channel', async () => {
    const created = await gateway.createInvoice({
      externalId: 'topup-2',
      amount: 20000,
      description: 'Top up',
      invoiceDurationSeconds: 600,
      currency: 'IDR',
    });
    fake.setInvoiceStatus(created.id, 'PAID', { payment_method: 'EWALLET', payment_channel: 'OVO', paid_at: '2024-01-13T03:00:00.000Z' });

    const invoice = await gateway.getInvoice(created.id);

    assert.equal(invoice.status, 'PAID');
    assert.equal(invoice.paid_at, '2024-01-13T03:00:00.000Z');
    assert.equal(invoice.payment_method, 'EWALLET');
    assert.equal(invoice.payment_channel, 'OVO');
    assert.equal(fake.requests.at(-1)?.path, `/v2/invoices/${created.id}`);
  });

  it('when invoices are listed by external id and status, then only the matching ones come back', async () => {
    const paid = await gateway.createInvoice({
      externalId: 'order-list',
      amount: 15000,
      description: 'x',
      invoiceDurationSeconds: 600,
      currency: 'IDR',
    });
    await gateway.createInvoice({
      externalId: 'order-list',
      amount: 15000,
      description: 'y',
      invoiceDurationSeconds: 600,
      currency: 'IDR',
    });
    fake.setInvoiceStatus(paid.id, 'PAID');

    const all = await gateway.listInvoices({ externalId: 'order-list' });
    const onlyPaid = await gateway.listInvoices({ externalId: 'order-list', statuses: ['PAID', 'SETTLED'], limit: 5 });

    assert.equal(all.length, 2);
    assert.deepEqual(
      onlyPaid.map((i) => [i.id, i.status]),
      [[paid.id, 'PAID']],
    );
    assert.equal(onlyPaid[0]?.payment_channel, 'OVO');
    assert.equal(fake.requests.at(-1)?.path, '/v2/invoices?external_id=order-list&statuses=PAID&statuses=SETTLED&limit=5');
  });

  it('when a pending invoice is expired, then the SDK posts to /invoices/:id/expire! and the status is EXPIRED', async () => {
    const created = await gateway.createInvoice({
      externalId: 'topup-3',
      amount: 30000,
      description: 'x',
      invoiceDurationSeconds: 600,
      currency: 'IDR',
    });

    const expired = await gateway.expireInvoice(created.id);

    assert.equal(expired.status, 'EXPIRED');
    assert.equal(fake.invoices.get(created.id)?.status, 'EXPIRED');
    assert.equal(fake.requests.at(-1)?.method, 'POST');
    assert.equal(fake.requests.at(-1)?.path, `/invoices/${created.id}/expire!`);
  });

  it('when the base URL has a trailing slash, then requests still go to the right path', async () => {
    const slashed = createXenditGateway({ ...configWith({ XENDIT_API_URL: fake.url }).xendit, apiUrl: `${fake.url}//` }, logger);
    const created = await slashed.createInvoice({
      externalId: 'slash',
      amount: 10000,
      description: 'x',
      invoiceDurationSeconds: 600,
      currency: 'IDR',
    });
    assert.equal(fake.requests.at(-1)?.path, '/v2/invoices/');
    assert.equal((await slashed.getInvoice(created.id)).id, created.id);
  });

  it('when a payout is sent twice with one idempotency key, then Xendit makes one payout', async () => {
    const input = {
      idempotencyKey: 'withdraw-42',
      referenceId: 'withdraw-42',
      channelCode: 'ID_BCA',
      accountNumber: '1234567890',
      accountHolderName: 'Jane Doe',
      amount: 100000,
      description: 'Withdrawal',
    };

    const first = await gateway.createPayout(input);
    const second = await gateway.createPayout(input);

    assert.equal(second.id, first.id);
    assert.deepEqual(first, {
      id: first.id,
      reference_id: 'withdraw-42',
      status: 'ACCEPTED',
      amount: 100000,
      currency: 'IDR',
      channel_code: 'ID_BCA',
      description: 'Withdrawal',
      failure_code: null,
    });
    assert.equal([...fake.payouts.values()].filter((p) => p.reference_id === 'withdraw-42').length, 1);
    const sent = fake.requests.at(-1);
    assert.equal(sent?.path, '/v2/payouts');
    assert.equal(sent?.headers['idempotency-key'], 'withdraw-42');
    assert.deepEqual((sent?.body as { channel_properties: unknown }).channel_properties, {
      account_number: '1234567890',
      account_holder_name: 'Jane Doe',
    });
  });

  it('when a payout fails at Xendit, then getPayout reports its status and failure code', async () => {
    const payout = await gateway.createPayout({
      idempotencyKey: 'withdraw-43',
      referenceId: 'withdraw-43',
      channelCode: 'ID_OVO',
      accountNumber: '081234567890',
      accountHolderName: 'Jane Doe',
      amount: 25000,
      description: 'Withdrawal',
    });
    fake.setPayoutStatus(payout.id, 'FAILED', { failure_code: 'INVALID_DESTINATION' });

    const fetched = await gateway.getPayout(payout.id);

    assert.equal(fetched.status, 'FAILED');
    assert.equal(fetched.failure_code, 'INVALID_DESTINATION');
    assert.equal(fake.requests.at(-1)?.path, `/v2/payouts/${payout.id}`);
  });

  it('when a payout has no idempotency key, then it is refused before any request is sent', async () => {
    const count = fake.requests.length;
    const error = await rejectsWith(
      gateway.createPayout({
        idempotencyKey: '',
        referenceId: 'r',
        channelCode: 'ID_BCA',
        accountNumber: '1',
        accountHolderName: 'x',
        amount: 10000,
        description: 'x',
      }),
      XenditError,
    );
    assert.equal(error.kind, 'invalid-request');
    assert.equal(fake.requests.length, count);
  });

  it('when payout channels are listed, then the e-wallet filter is sent and mapped', async () => {
    const channels = await gateway.listPayoutChannels({ categories: ['EWALLET'] });
    assert.ok(channels.length > 0);
    assert.ok(channels.every((c) => c.channel_category === 'EWALLET'));
    assert.deepEqual(channels.find((c) => c.channel_code === 'ID_OVO')?.amount_limits, {
      minimum: 10000,
      maximum: 100000000,
      minimum_increment: 1,
    });
    assert.equal(fake.requests.at(-1)?.path, '/payouts_channels?currency=IDR&channel_category=EWALLET');
  });

  it('when the SDK refuses a call locally (RequiredError), then a XenditError of kind invalid-request is thrown', async () => {
    const error = await rejectsWith(gateway.getInvoice(undefined as unknown as string), XenditError);
    assert.equal(error.kind, 'invalid-request');
    assert.match(error.message, /missing invoiceId/);
  });

  it('when an invoice does not exist, then a XenditError carries 404 and INVOICE_NOT_FOUND_ERROR', async () => {
    const error = await rejectsWith(gateway.getInvoice('no-such-invoice'), XenditError);
    assert.ok(error instanceof BadGatewayError);
    assert.equal(error.status, 502);
    assert.equal(error.kind, 'http');
    assert.equal(error.httpStatus, 404);
    assert.equal(error.xenditCode, 'INVOICE_NOT_FOUND_ERROR');
    assert.equal(error.isNotFound, true);
    assert.equal(error.isTransient, false);
  });

  it('when Xendit answers 400 with a validation error, then its error code is kept', async () => {
    fake.failNext(1, 400, {
      error_code: 'API_VALIDATION_ERROR',
      message: 'amount is invalid',
      errors: [{ path: 'amount', message: 'too small' }],
    });
    const error = await rejectsWith(
      gateway.createInvoice({ externalId: 'v', amount: 1, description: 'x', invoiceDurationSeconds: 600, currency: 'IDR' }),
      XenditError,
    );
    assert.equal(error.httpStatus, 400);
    assert.equal(error.xenditCode, 'API_VALIDATION_ERROR');
    assert.equal(error.xenditMessage, 'amount is invalid');
  });

  it('when Xendit answers 500 with a text/plain body, then a XenditError keeps the status (not "Body is unusable")', async () => {
    fake.failNext(1, 500, 'upstream exploded');
    const error = await rejectsWith(gateway.getInvoice('anything'), XenditError);
    assert.equal(error.kind, 'http');
    assert.equal(error.httpStatus, 500);
    assert.equal(error.xenditCode, undefined);
    assert.equal(error.xenditMessage, 'upstream exploded');
    assert.equal(error.isTransient, true);
  });

  it('when Xendit answers 200 with a malformed invoice, then a XenditError says so', async () => {
    fake.failNext(1, 200, { id: 'broken', external_id: 'x', status: 'PENDING' }); // no available_* arrays
    const error = await rejectsWith(gateway.getInvoice('broken'), XenditError);
    assert.equal(error.kind, 'malformed-response');
    assert.equal(error.httpStatus, undefined);
  });

  it('when Xendit cannot be reached, then a XenditError of kind network is thrown', async () => {
    const port = await findClosedPort();
    const offline = createXenditGateway({ ...configWith({}).xendit, apiUrl: `http://127.0.0.1:${port}` }, logger);
    const error = await rejectsWith(offline.getInvoice('x'), XenditError);
    assert.equal(error.kind, 'network');
    assert.equal(error.isTransient, true);
    assert.match(error.message, /ECONNREFUSED/);
  });

  it('when Xendit is slower than the timeout, then the call fails with kind timeout in about the timeout', async () => {
    fake.delayNext(3000);
    const started = Date.now();
    const error = await rejectsWith(gateway.getInvoice('slow'), XenditError);
    const elapsed = Date.now() - started;
    assert.equal(error.kind, 'timeout');
    assert.ok(elapsed >= 350 && elapsed < 2000, `took ${elapsed} ms`);
  });

  it('then the secret key never appears in the log', () => {
    const encoded = Buffer.from(`${SECRET}:`).toString('base64');
    assert.ok(logger.lines.length > 0, 'failures were logged');
    for (const line of logger.lines) {
      assert.ok(!line.includes(SECRET) && !line.includes(encoded), line);
    }
  });
});

describe('SMS sender (against the fake SMSViro)', () => {
  let fake: FakeSmsViro;
  let logger: ReturnType<typeof createCapturingLogger>;
  let sms: ReturnType<typeof createSmsSender>;

  before(async () => {
    fake = await startFakeSmsViro();
    logger = createCapturingLogger();
    const config = configWith({
      API_URL_SMSVIRO: fake.url,
      SMSVIROTOKEN: 'sms-test-token',
      SMSVIRO_SENDER: 'UserState',
      SMS_TIMEOUT_MS: '300',
    });
    sms = createSmsSender(config.sms, logger, { isProduction: false });
  });
  after(() => fake.close());

  it('when an SMS is sent to 0812…, then SMSViro gets 62812… with the App authorization', async () => {
    await sms.send('0812-3456-7890', 'Your code is 482913');
    assert.deepEqual(fake.messages.at(-1), {
      to: '6281234567890',
      from: 'UserState',
      text: 'Your code is 482913',
      authorization: 'App sms-test-token',
    });
  });

  it('when an SMS is sent to +62…, then the plus sign is dropped', async () => {
    await sms.send('+62 811 000 1111', 'hello');
    assert.equal(fake.messages.at(-1)?.to, '628110001111');
  });

  it('when SMSViro rejects the message, then send fails', async () => {
    fake.rejectNext();
    const count = fake.messages.length;
    const error = await rejectsWith(sms.send('081234567891', 'code 1'), SmsRejectedError);
    assert.ok(error instanceof BadGatewayError);
    assert.equal(error.statusName, 'REJECTED_DESTINATION');
    assert.equal(fake.messages.length, count);
  });

  it('when SMSViro answers 500, then send fails with 503 and a clear message', async () => {
    fake.failNext(500);
    const error = await rejectsWith(sms.send('081234567891', 'code 2'), ServiceUnavailableError);
    assert.equal(error.status, 503);
    assert.equal(error.message, 'SMS gateway is unavailable, please try again');
  });

  it('when SMSViro is slower than the timeout, then send fails with 503 in about the timeout', async () => {
    fake.delayNext(3000);
    const started = Date.now();
    await rejectsWith(sms.send('081234567891', 'code 3'), ServiceUnavailableError);
    assert.ok(Date.now() - started < 2000);
  });

  it('when the number is not an Indonesian mobile number, then a 400 is thrown', () => {
    assert.equal(normalizePhoneNumber('628123456789'), '628123456789');
    assert.throws(
      () => normalizePhoneNumber('12'),
      (e: unknown) => e instanceof AppError && e.status === 400,
    );
    assert.throws(
      () => normalizePhoneNumber('+1 555 0100'),
      (e: unknown) => e instanceof AppError && e.status === 400,
    );
  });

  it('then neither the message text nor the full number reaches the log', () => {
    for (const line of logger.lines) {
      assert.ok(!line.includes('482913') && !line.includes('6281234567891') && !line.includes('sms-test-token'), line);
    }
  });

  it('when no SMSViro URL is set in development, then the message goes to the outbox file, not the log', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sms-outbox-'));
    try {
      const devLogger = createCapturingLogger();
      const dev = createSmsSender(configWith({ API_URL_SMSVIRO: '' }).sms, devLogger, { isProduction: false, outboxDir: dir });
      await dev.send('081234567890', 'Your code is 771122');
      const outbox = await readFile(path.join(dir, 'sms.log'), 'utf8');
      assert.match(outbox, /"to":"6281234567890","text":"Your code is 771122"/);
      assert.ok(devLogger.lines.some((l) => l.includes('SMS (dev outbox) to 6281******890')));
      assert.ok(devLogger.lines.every((l) => !l.includes('771122')));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when no SMSViro URL is set in production, then every send fails with 503', async () => {
    const prod = createSmsSender({ apiUrl: '', token: '', sender: 'x', timeoutMs: 1000 }, createCapturingLogger(), { isProduction: true });
    await rejectsWith(prod.send('081234567890', 'x'), ServiceUnavailableError);
  });
});

describe('Mailer (against the SMTP capture)', () => {
  let smtp: SmtpCapture;
  let mailer: ReturnType<typeof createMailer>;

  before(async () => {
    smtp = await startSmtpCapture();
    const config = configWith({
      EMAIL_HOST: '127.0.0.1',
      EMAIL_PORT: String(smtp.port),
      EMAIL_SECURE: 'false',
      EMAIL_USER: '',
      EMAIL_PASS: '',
      EMAIL_FROM: 'UserState <noreply@userstate.test>',
    });
    mailer = createMailer(config.email, { isProduction: false }, createCapturingLogger());
  });
  after(async () => {
    await mailer.close();
    await smtp.close();
  });

  it('when a mail is sent, then the SMTP server receives its subject, text and html', async () => {
    const longLine = `Klik tautan ini untuk verifikasi: https://userstate.test/verify?token=${'a'.repeat(120)}`;
    await mailer.send({
      to: 'jane@example.com',
      subject: 'Verifikasi akun — UserState',
      text: `Halo Jane,\n${longLine}\nKode: 482913 = ok`,
      html: `<p>Halo <b>Jane</b>, kode <code>482913</code> — terima kasih</p>`,
    });

    const mail = await smtp.waitForMail((m) => m.envelope.to.includes('jane@example.com'));
    assert.equal(mail.subject, 'Verifikasi akun — UserState');
    assert.equal(mail.from, 'UserState <noreply@userstate.test>');
    assert.equal(mail.to, 'jane@example.com');
    assert.equal(mail.envelope.from, 'noreply@userstate.test');
    assert.equal(mail.text, `Halo Jane,\n${longLine}\nKode: 482913 = ok`);
    assert.equal(mail.html, '<p>Halo <b>Jane</b>, kode <code>482913</code> — terima kasih</p>');
  });

  it('when the SMTP server cannot be reached, then send fails with 503', async () => {
    const port = await findClosedPort();
    const config = configWith({ EMAIL_HOST: '127.0.0.1', EMAIL_PORT: String(port), EMAIL_SECURE: 'false', EMAIL_USER: '' });
    const logger = createCapturingLogger();
    const broken = createMailer(config.email, { isProduction: false }, logger);
    try {
      const error = await rejectsWith(broken.send({ to: 'jane@example.com', subject: 's', text: 't' }), ServiceUnavailableError);
      assert.equal(error.status, 503);
      assert.ok(logger.lines.some((l) => l.includes('mail to ja***@example.com failed')));
    } finally {
      await broken.close();
    }
  });

  it('when no SMTP host is set in development, then the mail is written to the outbox and only its path is logged', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mail-outbox-'));
    try {
      const logger = createCapturingLogger();
      const dev = createMailer(configWith({ EMAIL_HOST: '' }).email, { isProduction: false, outboxDir: dir }, logger);
      await dev.send({ to: 'jane@example.com', subject: 'Reset', text: 'secret link https://x/reset?token=abc123', html: '<a>abc123</a>' });
      const files = await readdir(dir);
      assert.equal(files.length, 1);
      assert.match(files[0] ?? '', /\.eml$/);
      const eml = await readFile(path.join(dir, files[0] ?? ''), 'utf8');
      assert.match(eml, /Subject: Reset/);
      assert.match(eml, /abc123/);
      const mailLines = logger.lines.filter((l) => l.includes('mail (dev outbox)'));
      assert.equal(mailLines.length, 1);
      assert.ok(mailLines[0]?.includes(files[0] ?? '<none>'));
      assert.ok(logger.lines.every((l) => !l.includes('abc123')));
      await dev.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('Push sender (FCM)', () => {
  it('when the Firebase key file is missing, then push is off, said once, and sending answers 503', async () => {
    const logger = createCapturingLogger();
    const missing = path.join(tmpdir(), 'no-such-dir', 'firebase-key.json');
    const push = createFirebasePushSender({ keyPath: missing }, logger);

    assert.equal(push.enabled, false);
    assert.equal(logger.lines.filter((l) => l.includes(`push notifications are off: no Firebase key at ${missing}`)).length, 1);
    const error = await rejectsWith(push.sendToTokens(['t1'], { title: 'x', body: 'y' }), ServiceUnavailableError);
    assert.equal(error.message, 'Push notifications are not configured');
    await push.close();
  });

  it('when a service-account key exists, then two senders start side by side as named apps', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fcm-key-'));
    try {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const keyPath = path.join(dir, 'key.json');
      await writeFile(
        keyPath,
        JSON.stringify({
          type: 'service_account',
          project_id: 'userstate-test',
          private_key_id: 'test',
          private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
          client_email: 'push@userstate-test.iam.gserviceaccount.com',
          client_id: '1',
        }),
      );
      const first = createFirebasePushSender({ keyPath }, createCapturingLogger());
      const second = createFirebasePushSender({ keyPath }, createCapturingLogger());
      assert.equal(first.enabled, true);
      assert.equal(second.enabled, true);
      assert.deepEqual(await first.sendToTokens([], { title: 'x', body: 'y' }), { invalidTokens: [], successCount: 0, failureCount: 0 });
      await first.close();
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when the key file is not a service account, then push is off', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fcm-key-'));
    try {
      const keyPath = path.join(dir, 'key.json');
      await writeFile(keyPath, '{"hello":"world"}');
      const logger = createCapturingLogger();
      const push = createFirebasePushSender({ keyPath }, logger);
      assert.equal(push.enabled, false);
      assert.ok(logger.lines.some((l) => l.includes('push notifications are off')));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when the recording sender is used, then it records calls and reports the configured invalid tokens', async () => {
    const push = createRecordingPushSender({ invalidTokens: ['stale'] });
    const result = await push.sendToTokens(['good', 'stale'], { title: 'Paid', body: 'Your top up arrived', data: { invoiceId: 'inv-1' } });

    assert.deepEqual(result, { invalidTokens: ['stale'], successCount: 1, failureCount: 1 });
    assert.deepEqual(push.calls, [
      { tokens: ['good', 'stale'], message: { title: 'Paid', body: 'Your top up arrived', data: { invoiceId: 'inv-1' } } },
    ]);
    push.setInvalidTokens([]);
    assert.deepEqual((await push.sendToTokens(['stale'], { title: 'a', body: 'b' })).invalidTokens, []);
  });
});

describe('Gateway log (MongoDB)', () => {
  it('when MONGO_DB is not set, then the log is off, said once, and every method is a no-op', async () => {
    const logger = createCapturingLogger();
    const log = createGatewayLog(configWith({ MONGO_DB: '' }).mongo, logger);

    assert.equal(log.enabled, false);
    assert.equal(log.status(), 'off');
    assert.equal(logger.lines.filter((l) => l.includes('MONGO_DB not set: gateway logs are off')).length, 1);
    log.logCheckout({ invoice_id: 'x', event: 'created' });
    log.logPayout({ payout_id: 'y', account_number: '1234567890' });
    await log.close();
  });

  it('when MongoDB cannot be reached, then boot is not blocked, writes do not throw, and the URI password is never logged', async () => {
    const port = await findClosedPort();
    const logger = createCapturingLogger();
    const started = Date.now();
    const log = createGatewayLog({ uri: `mongodb://logger:s3cr3t-pw@127.0.0.1:${port}/userstate_test` }, logger);

    assert.ok(Date.now() - started < 500, 'createGatewayLog returns at once');
    assert.equal(log.enabled, true);
    assert.equal(log.status(), 'down');
    log.logCheckout({ invoice_id: 'x', event: 'created' });
    log.logPayout({ payout_id: 'y', account_number: '1234567890' });
    await log.close();
    assert.ok(logger.lines.every((l) => !l.includes('s3cr3t-pw')));
  });

  it('masks account numbers to their last 4 digits', () => {
    assert.equal(maskAccountNumber('1234567890'), '****7890');
    assert.equal(maskAccountNumber('0812 3456 7890'), '****7890');
    assert.equal(maskAccountNumber('****7890'), '****7890');
  });

  const mongoUri = process.env.MONGO_DB;
  it(
    'when MONGO_DB is set, then checkout and payout logs are written, with the account number masked',
    mongoUri ? {} : { skip: 'MONGO_DB not set: Mongo gateway-log path not exercised' },
    async () => {
      const config = configWith({ MONGO_DB: mongoUri ?? '' });
      const log = createGatewayLog(config.mongo, createCapturingLogger());
      const reader = await mongoose.createConnection(config.mongo.uri ?? '', { serverSelectionTimeoutMS: 3000 }).asPromise();
      const reference = `it-${Date.now()}`;
      try {
        for (let i = 0; i < 50 && log.status() !== 'up'; i++) await new Promise((r) => setTimeout(r, 100));
        assert.equal(log.status(), 'up');

        log.logCheckout({
          invoice_id: `inv-${reference}`,
          external_id: reference,
          username: 'jane',
          amount: 50000,
          status: 'PENDING',
          event: 'created',
        });
        log.logPayout({
          payout_id: `disb-${reference}`,
          reference_id: reference,
          username: 'jane',
          amount: 25000,
          account_number: '1234567890',
          event: 'created',
        });
        await log.flush();

        const checkout = await reader.collection('xendit_checkout_logs').findOne({ external_id: reference });
        const payout = await reader.collection('xendit_payout_logs').findOne({ reference_id: reference });
        assert.equal(checkout?.invoice_id, `inv-${reference}`);
        assert.equal(payout?.account_number, '****7890');
      } finally {
        await reader.collection('xendit_checkout_logs').deleteMany({ external_id: reference });
        await reader.collection('xendit_payout_logs').deleteMany({ reference_id: reference });
        await reader.close();
        await log.close();
      }
    },
  );
});
