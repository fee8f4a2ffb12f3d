/**
 * The app log: pino lines (JSON by default, readable on request) that carry the request id of the request being
 * served, with secrets redacted by key; the morgan access log coloured only on a TTY.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import supertest from 'supertest';
import { createAccessLog } from '../../src/middleware/access-log.js';
import { createSmsSender } from '../../src/integrations/sms.js';
import { createLogger } from '../../src/utilities/logger.js';
import { appLogEntries } from '../helpers/logs.js';
import { useTestServer } from '../helpers/server.js';
import { testConfig } from '../helpers/test-config.js';

const ANSI = /\x1b\[/;

describe('app logs', () => {
  const ctx = useTestServer();

  it('when a request is served, then every app line written while serving it is JSON carrying its request id', async () => {
    const requestId = `log-probe-${Date.now().toString(36)}`;
    const start = ctx.logs.length;
    const res = await ctx.api
      .post('/payment-callback')
      .set('x-callback-token', ctx.config.xendit.callbackToken)
      .set('X-Request-Id', requestId)
      .send({ id: 'eeeeeeeeeeeeeeeeeeeeeeee', external_id: 'TRX-LOG-PROBE', status: 'PAID', amount: 50000, paid_amount: 50000, currency: 'IDR' });
    assert.equal(res.status, 200);
    const written = ctx.logs.slice(start);
    assert.ok(written.length > 0, 'the callback was logged');
    for (const line of written) assert.doesNotThrow(() => JSON.parse(line), `not JSON: ${line}`);
    const entries = appLogEntries(written);
    assert.ok(entries.some((entry) => entry.msg.includes('unknown invoice')), 'the service line is among them');
    for (const entry of entries) {
      assert.equal(entry.requestId, requestId, `line without the request id: ${JSON.stringify(entry)}`);
      assert.equal(typeof entry.time, 'string');
      assert.ok(['error', 'warn', 'info', 'debug'].includes(entry.level));
    }
  });

  it('when a line is written outside any request, then it has no request id', async () => {
    const lines: string[] = [];
    createLogger('info', (line) => lines.push(line)).info('background work');
    const [entry] = appLogEntries(lines);
    assert.equal(entry?.msg, 'background work');
    assert.equal(entry?.requestId, undefined);
  });

  it('when details hold secrets under any key at any depth, then they are redacted and the rest is kept', () => {
    const lines: string[] = [];
    const logger = createLogger('debug', (line) => lines.push(line));
    logger.warn('login attempt', { username: 'alice', password: 'hunter2', nested: { headers: { authorization: 'Bearer abc.def' }, account_number: '1234567890' } });
    logger.error('failed', Object.assign(new Error('boom'), { apiKey: 'k-123456' }));
    const text = lines.join('\n');
    assert.doesNotMatch(text, /hunter2|abc\.def|1234567890|k-123456/);
    const [warned, failed] = appLogEntries(lines);
    assert.equal(warned?.username, 'alice');
    assert.equal(warned?.password, '[redacted]');
    assert.deepEqual(warned?.nested, { headers: { authorization: '[redacted]' }, account_number: '[redacted]' });
    assert.equal((failed?.err as { message?: string }).message, 'boom');
  });

  it('when the level is warn, then info and debug lines are not written', () => {
    const lines: string[] = [];
    const logger = createLogger('warn', (line) => lines.push(line));
    logger.debug('noise');
    logger.info('noise');
    logger.warn('kept');
    assert.deepEqual(appLogEntries(lines).map((e) => [e.level, e.msg]), [['warn', 'kept']]);
  });

  it('when warn and error lines are written, then they are marked for stderr and the others for stdout', () => {
    const written: Array<[string, boolean]> = [];
    const logger = createLogger('debug', (line, isError) => written.push([(JSON.parse(line) as { level: string }).level, isError]));
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    assert.deepEqual(written, [['debug', false], ['info', false], ['warn', true], ['error', true]]);
  });

  it('when the format is pretty and the output is not a TTY, then lines are readable text without ANSI codes', () => {
    const lines: string[] = [];
    const logger = createLogger('info', (line) => lines.push(line), { format: 'pretty' });
    logger.info('server listening', { port: 33010, token: 'tok-secret-1' });
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /INFO.*server listening.*33010/);
    assert.doesNotMatch(lines[0] ?? '', ANSI);
    assert.doesNotMatch(lines[0] ?? '', /tok-secret-1/);
  });

  it('when LOG_FORMAT is unset, then production logs JSON and development logs readable text', () => {
    assert.equal(testConfig({ NODE_ENV: 'development' }).server.logFormat, 'pretty');
    assert.equal(testConfig({ NODE_ENV: 'development', LOG_FORMAT: 'json' }).server.logFormat, 'json');
    assert.equal(testConfig({ NODE_ENV: 'test' }).server.logFormat, 'pretty');
  });

  it('when SMSViro is not configured in development, then the notice is info, not an error', () => {
    const lines: string[] = [];
    createSmsSender(testConfig({ API_URL_SMSVIRO: '' }).sms, createLogger('debug', (line) => lines.push(line)), { isProduction: false });
    const notice = appLogEntries(lines).find((e) => e.msg.includes('API_URL_SMSVIRO is not set'));
    assert.equal(notice?.level, 'info');
  });
});

describe('access log', () => {
  const appWith = (lines: string[], colours?: boolean) => {
    const app = express();
    app.use(createAccessLog((line) => lines.push(line), colours));
    app.get('/ping', (_req, res) => {
      res.json({ ok: true });
    });
    return supertest(app);
  };

  it('when stdout is not a TTY (the default here), then access lines carry no ANSI codes', async () => {
    assert.equal(Boolean(process.stdout.isTTY), false, 'the test runner pipes stdout');
    const lines: string[] = [];
    await appWith(lines).get('/ping?token=abc');
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /^GET \/ping 200 [\d.]+ ms/);
    assert.doesNotMatch(lines[0] ?? '', ANSI);
    assert.doesNotMatch(lines[0] ?? '', /abc/);
  });

  it('when colours are on (a TTY), then the seed colours are used', async () => {
    const lines: string[] = [];
    await appWith(lines, true).get('/ping');
    assert.match(lines[0] ?? '', /\x1b\[34mGET\x1b\[0m \x1b\[32m\/ping\x1b\[0m \x1b\[33m200\x1b\[0m \x1b\[36m/);
  });
});
