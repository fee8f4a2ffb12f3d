import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import supertest from 'supertest';
import { createApp } from '../../src/app.js';
import { AppError } from '../../src/errors/app-error.js';
import type { Authenticators } from '../../src/routers/router-builder.js';
import type { RouteDeclaration } from '../../src/routers/route.js';
import { createLogger } from '../../src/utilities/logger.js';
import { testConfig } from '../helpers/test-config.js';

/** A tiny app with declared routes of our own, to prove the shell's behaviour independent of any feature. */
function shellApp() {
  const logs: string[] = [];
  const config = testConfig({ JSON_BODY_LIMIT: '1kb', ACCESS_LOG: 'true' });
  const routes: RouteDeclaration[] = [
    {
      method: 'post',
      path: '/echo',
      auth: 'none',
      summary: 'echo',
      tags: ['Test'],
      schemas: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'amount'],
          properties: { name: { type: 'string', minLength: 1 }, amount: { type: 'integer', minimum: 1 } },
        },
      },
      handler: (_req, res) => {
        res.json({ status: true, body: res.locals.body });
      },
    },
    {
      method: 'get',
      path: '/boom',
      auth: 'none',
      summary: 'fails',
      tags: ['Test'],
      handler: async () => {
        throw new Error('secret internal detail: SELECT * FROM user_login');
      },
    },
    {
      method: 'get',
      path: '/teapot',
      auth: 'none',
      summary: 'typed error',
      tags: ['Test'],
      handler: () => {
        throw new AppError('EMAIL_ALREADY_REGISTERED');
      },
    },
  ];
  const pass: express.RequestHandler = (_req, _res, next) => next();
  const authenticators = { none: pass, jwt: pass, basic: pass, local: pass, 'callback-token': pass, 'registration-token': pass } satisfies Authenticators;
  const app = createApp({
    config,
    logger: createLogger('debug', (line) => logs.push(line)),
    routes,
    authenticators,
    version: 'test',
    accessLogWrite: (line) => logs.push(line),
    accessLogColours: true,
  });
  return { api: supertest(app), logs };
}

const assertEnvelope = (body: Record<string, unknown>, errorCode: number) => {
  assert.equal(body.status, false);
  assert.equal(body.errorCode, errorCode);
  assert.equal(typeof body.message, 'string');
};

describe('HTTP shell: every error answers in the seed envelope', () => {
  it('when the JSON is malformed, then 400', async () => {
    const { api } = shellApp();
    const res = await api.post('/echo').set('Content-Type', 'application/json').send('{"name": "a",');
    assert.equal(res.status, 400);
    assertEnvelope(res.body, 400);
    assert.equal(res.body.message, 'Malformed JSON body');
  });

  it('when the route is unknown, then 404', async () => {
    const { api } = shellApp();
    const res = await api.get('/nope');
    assert.equal(res.status, 404);
    assertEnvelope(res.body, 404);
  });

  it('when the body is over the limit, then 413', async () => {
    const { api } = shellApp();
    const res = await api.post('/echo').send({ name: 'x'.repeat(5000), amount: 1 });
    assert.equal(res.status, 413);
    assertEnvelope(res.body, 413);
  });

  it('when the body breaks the schema, then 400 with errors [{field, message}]', async () => {
    const { api } = shellApp();
    const res = await api.post('/echo').send({ amount: -1, extra: true });
    assert.equal(res.status, 400);
    assertEnvelope(res.body, 400);
    const fields = (res.body.errors as Array<{ field: string; message: string }>).map((e) => e.field).sort();
    assert.deepEqual(fields, ['amount', 'extra', 'name']);
  });

  it('when the Content-Type is not JSON, then 415', async () => {
    const { api } = shellApp();
    const res = await api.post('/echo').set('Content-Type', 'text/plain').send('name=a');
    assert.equal(res.status, 415);
    assertEnvelope(res.body, 415);
  });

  it('when a handler fails unexpectedly, then 500 with a generic message, and the details only in the log with the request id', async () => {
    const { api, logs } = shellApp();
    const res = await api.get('/boom').set('X-Request-Id', 'req-boom-1');
    assert.equal(res.status, 500);
    assertEnvelope(res.body, 500);
    assert.equal(res.body.message, 'Internal server error');
    assert.doesNotMatch(JSON.stringify(res.body), /SELECT|secret internal|at /);
    assert.ok(logs.some((l) => l.includes('req-boom-1') && l.includes('secret internal detail')));
  });

  it('when a handler throws a typed AppError, then its status and message are answered', async () => {
    const { api } = shellApp();
    const res = await api.get('/teapot');
    assert.equal(res.status, 409);
    assert.equal(res.body.message, 'Email is already registered');
    assert.equal(res.body.code, 'EMAIL_ALREADY_REGISTERED');
  });

  it('every answer carries a request id: the caller\'s when sane, a fresh one otherwise', async () => {
    const { api } = shellApp();
    assert.equal((await api.get('/nope').set('X-Request-Id', 'abc-123')).headers['x-request-id'], 'abc-123');
    const generated = (await api.get('/nope').set('X-Request-Id', 'bad id with spaces')).headers['x-request-id'];
    assert.match(String(generated), /^[0-9a-f-]{36}$/);
  });

  it('the access log is coloured (on a TTY) and never prints bodies, query strings or Authorization headers', async () => {
    const { api, logs } = shellApp();
    await api.post('/echo?token=supersecret').set('Authorization', 'Bearer leaked.jwt.value').send({ name: 'hunter2', amount: 1 });
    const line = logs.find((l) => l.includes('/echo'));
    assert.ok(line, 'access log line written');
    assert.match(line, /\x1b\[34mPOST\x1b\[0m \x1b\[32m\/echo\x1b\[0m \x1b\[33m\d{3}\x1b\[0m \x1b\[36m/);
    assert.doesNotMatch(logs.join('\n'), /supersecret|leaked\.jwt|hunter2/);
  });

  it('security headers are set by helmet and CORS allows only configured origins', async () => {
    const { api } = shellApp();
    const allowed = await api.get('/nope').set('Origin', 'http://localhost:3000');
    assert.equal(allowed.headers['access-control-allow-origin'], 'http://localhost:3000');
    assert.equal(allowed.headers['x-content-type-options'], 'nosniff');
    assert.ok(allowed.headers['strict-transport-security']);
    assert.equal(allowed.headers['x-powered-by'], undefined);
    const denied = await api.get('/nope').set('Origin', 'https://evil.example');
    assert.equal(denied.headers['access-control-allow-origin'], undefined);
  });
});
