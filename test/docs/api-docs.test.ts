import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import express from 'express';
import supertest from 'supertest';
import addFormatsModule from 'ajv-formats';
import { ERROR_CODES } from '../../src/errors/error-codes.js';
import { AppError } from '../../src/errors/app-error.js';
import { createErrorHandler } from '../../src/middleware/error-handler.js';
import type { RouteDeclaration } from '../../src/routers/route.js';
import { buildRouter } from '../../src/routers/router-builder.js';
import { createLogger } from '../../src/utilities/logger.js';
import { createAnswerCheck } from '../helpers/answer-check.js';
import { createServiceCredentials, createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));

type Operation = {
  description?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema: object; example?: unknown }> };
  responses: Record<
    string,
    {
      description?: string;
      headers?: Record<string, unknown>;
      'x-error-codes'?: Array<{ code: string; message: string }>;
      content?: Record<string, { schema: object; example?: unknown; examples?: Record<string, { value: { code: string; errorCode: number; message: string } }> }>;
    }
  >;
};

const operationsOf = (doc: { paths: Record<string, Record<string, Operation>> }) =>
  Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ id: `${method.toUpperCase()} ${path}`, method, path, op })));

const codesAt = (op: Operation, status: string): string[] => (op.responses[status]?.['x-error-codes'] ?? []).map((c) => c.code);

const opAt = (doc: { paths: Record<string, Record<string, Operation>> }, path: string, method: string): Operation =>
  doc.paths[path]?.[method] ?? assert.fail(`${method.toUpperCase()} ${path} is documented`);

describe('the API docs', () => {
  const ctx = useTestServer();

  const openApi = async () => (await ctx.api.get('/openapi.json').expect(200)).body as { paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, unknown>> };

  it('when the OpenAPI document is read, then every operation has a description, a valid request example when it takes a body, and a 2xx example', async () => {
    for (const { id, op } of operationsOf(await openApi())) {
      assert.ok((op.description ?? '').length > 20, `${id} has a description`);
      for (const [mediaType, body] of Object.entries(op.requestBody?.content ?? {})) {
        assert.ok(body.example !== undefined, `${id} ${mediaType} has a request example`);
        assert.ok(ajv.validate(body.schema, body.example), `${id} request example fits its schema: ${ajv.errorsText()}`);
      }
      const [status, success] = Object.entries(op.responses).find(([s]) => s.startsWith('2'))!;
      for (const [mediaType, content] of Object.entries(success.content ?? {})) {
        if (!mediaType.includes('json')) continue;
        assert.ok(content.example !== undefined, `${id} ${status} has an example`);
      }
    }
  });

  it('when an operation can fail, then each error status lists its codes with their default messages in the error envelope', async () => {
    const doc = await openApi();
    for (const { id, method, op } of operationsOf(doc)) {
      const errorStatuses = Object.keys(op.responses).filter((s) => Number(s) >= 400);
      assert.ok(errorStatuses.includes('500'), `${id} documents 500`);
      if ((op.security ?? []).some((s) => Object.keys(s).length > 0)) assert.ok(errorStatuses.includes('401'), `${id} documents 401`);
      if (['post', 'put', 'patch', 'delete'].includes(method)) assert.ok(errorStatuses.includes('415'), `${id} documents 415`);
      for (const status of errorStatuses) {
        const response = op.responses[status]!;
        const content = response.content!['application/json']!;
        if (status === '503' && (id === 'GET /health' || id === 'GET /health/ready')) {
          // A degraded /health answers its report (status DEGRADED), not the error envelope.
          assert.deepEqual(content.schema, op.responses['200']!.content!['application/json']!.schema, `${id} 503 is the health report`);
          continue;
        }
        assert.deepEqual(content.schema, { $ref: '#/components/schemas/Error' });
        const listed = response['x-error-codes'] ?? [];
        assert.ok(listed.length > 0, `${id} ${status} lists its codes`);
        const examples = Object.values(content.examples ?? {}).map((e) => e.value);
        assert.deepEqual(examples.map((e) => e.code), listed.map((c) => c.code), `${id} ${status} has one example per code`);
        for (const { code, message } of listed) {
          const entry = (ERROR_CODES as Record<string, { status: number; message: string }>)[code];
          assert.ok(entry, `${id} ${status} lists ${code}, which is in the table`);
          assert.equal(entry.status, Number(status), `${id} lists ${code} under its own status`);
          assert.equal(message, entry.message, `${id} ${status} gives ${code} its default message`);
          assert.ok(examples.some((e) => e.code === code && e.message === entry.message && e.errorCode === Number(status)), `${id} ${status} has an example of ${code}`);
          assert.ok(response.description?.includes(`\`${code}\``), `${id} ${status} names ${code} in its description`);
        }
      }
      assert.ok(codesAt(op, '500').includes('INTERNAL'), `${id} lists INTERNAL`);
      if (['post', 'put', 'patch', 'delete'].includes(method)) assert.ok(codesAt(op, '415').includes('UNSUPPORTED_MEDIA_TYPE'), `${id} lists UNSUPPORTED_MEDIA_TYPE`);
    }
    const login = opAt(doc, '/auth', 'post');
    assert.ok(login.responses['429'], 'a password login documents its lockout');
    assert.deepEqual(codesAt(login, '429'), ['ACCOUNT_LOCKED']);
  });

  it('when a route can refuse for a domain reason, then its error responses list that code', async () => {
    const doc = await openApi();
    const expectations: Array<[path: string, method: string, status: string, code: string]> = [
      ['/auth', 'post', '422', 'INVALID_CREDENTIAL'],
      ['/auth', 'post', '403', 'ACCOUNT_DISABLED'],
      ['/balance/decrease', 'post', '400', 'INSUFFICIENT_BALANCE'],
      ['/balance/decrease', 'post', '422', 'IDEMPOTENCY_KEY_REUSED'],
      ['/balance/decrease', 'post', '409', 'IDEMPOTENCY_KEY_IN_PROGRESS'],
      ['/payout', 'post', '400', 'INSUFFICIENT_BALANCE'],
      ['/payout', 'post', '423', 'MONEY_COOLING_OFF'],
      ['/invoice/cancel/xendit', 'post', '409', 'INVOICE_ALREADY_PAID'],
      ['/redeem-voucher', 'post', '409', 'VOUCHER_QUOTA_EXHAUSTED'],
      ['/points/redeem', 'post', '422', 'INSUFFICIENT_POINTS'],
      ['/address', 'post', '409', 'ADDRESS_LIMIT_REACHED'],
      ['/bank-account/{id}', 'delete', '409', 'BANK_ACCOUNT_IN_USE'],
      ['/signup', 'post', '409', 'EMAIL_ALREADY_REGISTERED'],
      ['/verify-sign-up', 'post', '429', 'OTP_BURNED'],
      ['/balance', 'get', '401', 'TOKEN_REVOKED'],
      ['/payment-callback', 'post', '403', 'CALLBACK_TOKEN_INVALID'],
    ];
    for (const [path, method, status, code] of expectations) {
      assert.ok(codesAt(opAt(doc, path, method), status).includes(code), `${method.toUpperCase()} ${path} lists ${code} under ${status}`);
    }
  });

  it('when the error envelope is documented, then its code is one of the table', async () => {
    const doc = await openApi();
    const envelope = doc.components.schemas as Record<string, { properties: Record<string, { enum?: string[] }> }>;
    assert.deepEqual(envelope.Error?.properties.code?.enum, Object.keys(ERROR_CODES));
  });

  it('when the OpenAPI document is read, then Authorization kinds, Idempotency-Key, Idempotent-Replayed, Retry-After and X-Request-Id are documented', async () => {
    const doc = await openApi();
    const schemes = doc.components.securitySchemes as Record<string, { type: string; scheme?: string; in?: string; name?: string }>;
    assert.equal(schemes.bearerAuth?.scheme, 'bearer');
    assert.equal(schemes.basicAuth?.scheme, 'basic');
    assert.deepEqual([schemes.callbackToken?.type, schemes.callbackToken?.in, schemes.callbackToken?.name], ['apiKey', 'header', 'x-callback-token']);
    assert.deepEqual(opAt(doc, '/balance', 'get').security, [{ bearerAuth: [] }]);
    assert.deepEqual(opAt(doc, '/sys/whoami', 'get').security, [{ basicAuth: [] }]);
    assert.deepEqual(opAt(doc, '/payment-callback', 'post').security, [{ callbackToken: [] }]);
    assert.deepEqual(opAt(doc, '/faq/list', 'get').security, []);

    for (const { id, op } of operationsOf(doc)) {
      for (const [status, response] of Object.entries(op.responses)) {
        assert.ok(response.headers?.['X-Request-Id'], `${id} ${status} documents X-Request-Id`);
        if (['423', '429', '503'].includes(status)) assert.ok(response.headers?.['Retry-After'], `${id} ${status} documents Retry-After`);
      }
      const idempotent = (op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      const success = Object.entries(op.responses).find(([s]) => s.startsWith('2'))![1];
      assert.equal(Boolean(success.headers?.['Idempotent-Replayed']), idempotent, `${id}: Idempotent-Replayed exactly where Idempotency-Key is taken`);
    }
    for (const id of ['/payment-checkout', '/balance/decrease', '/payout', '/points/redeem']) {
      assert.ok(opAt(doc, id, 'post').parameters?.some((p) => p.name === 'Idempotency-Key'), `${id} takes Idempotency-Key`);
    }
    assert.deepEqual(Object.keys(doc.components.headers ?? {}).sort(), ['Idempotent-Replayed', 'Retry-After', 'X-Request-Id']);
  });

  it('when routes answer for real, then each answer fits the declared response schema, whose always-present fields are required', async () => {
    const doc = await openApi();
    const user = await createUser(ctx, { balance: '25000', points: 3 });
    const service = await createServiceCredentials(ctx);
    const calls: Array<{ method: 'get' | 'post'; path: string; auth?: string; send?: object }> = [
      { method: 'get', path: '/health' },
      { method: 'get', path: '/health/live' },
      { method: 'get', path: '/health/ready' },
      { method: 'get', path: '/user/profile', auth: user.auth },
      { method: 'get', path: '/user/referral-code', auth: user.auth },
      { method: 'get', path: '/balance', auth: user.auth },
      { method: 'get', path: '/verify', auth: user.auth },
      { method: 'get', path: '/referral/stats', auth: user.auth },
      { method: 'get', path: '/address/list', auth: user.auth },
      { method: 'get', path: '/points/history', auth: user.auth },
      { method: 'get', path: '/sessions', auth: user.auth },
      { method: 'get', path: '/faq/list' },
      { method: 'get', path: '/payment/list' },
      { method: 'post', path: '/check/email', send: { email: `free-${Date.now()}@example.test` } },
      { method: 'get', path: '/sys/whoami', auth: service.auth },
      { method: 'get', path: '/asyncapi.json' },
      { method: 'post', path: '/request-reset-pwd', send: { email: user.email } },
      { method: 'get', path: '/extend', auth: user.auth },
      { method: 'get', path: '/logout', auth: user.auth },
    ];
    for (const call of calls) {
      let request = ctx.api[call.method](call.path);
      if (call.auth) request = request.set('Authorization', call.auth);
      const res = call.send ? await request.send(call.send) : await request;
      const declared = doc.paths[call.path]?.[call.method]?.responses[String(res.status)];
      assert.ok(res.status < 300 && declared, `${call.method} ${call.path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      const schema = declared.content!['application/json']!.schema as { type?: string; required?: string[] };
      if (schema.type === 'object') assert.ok((schema.required ?? []).length > 0, `${call.method} ${call.path} declares required fields`);
      assert.ok(ajv.validate(schema, res.body), `${call.method} ${call.path}: ${ajv.errorsText()} in ${JSON.stringify(res.body)}`);
      assert.ok(res.headers['x-request-id'], `${call.path} answers X-Request-Id`);
    }
  });

  it('every answer object schema declares required fields', async () => {
    // Objects whose fields are all documented as optional; none today.
    const allOptional = new Set<string>();
    type Schema = { properties?: Record<string, Schema>; required?: string[]; items?: Schema; oneOf?: Schema[]; anyOf?: Schema[] };
    const missing: string[] = [];
    const walk = (schema: Schema | undefined, where: string): void => {
      if (!schema || typeof schema !== 'object') return;
      if (schema.properties) {
        if (!(schema.required ?? []).length && !allOptional.has(where)) missing.push(where);
        for (const [name, property] of Object.entries(schema.properties)) walk(property, `${where}.${name}`);
      }
      walk(schema.items, `${where}[]`);
      for (const alternative of [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) walk(alternative, `${where}|`);
    };
    for (const { id, op } of operationsOf(await openApi())) {
      for (const [status, response] of Object.entries(op.responses)) {
        for (const [mediaType, content] of Object.entries(response.content ?? {})) {
          if (mediaType.includes('json')) walk(content.schema as Schema, `${id} ${status}`);
        }
      }
    }
    assert.deepEqual(missing, [], 'answer objects without required fields');
  });

  it('when an answer drifts from its declared schema, then the answer check reports it', async () => {
    const route: RouteDeclaration = {
      method: 'get',
      path: '/drift',
      auth: 'none',
      summary: 'drift',
      tags: [],
      errors: ['INVOICE_ALREADY_PAID'],
      response: { status: 200, schema: { type: 'object', additionalProperties: false, required: ['id', 'name'], properties: { id: { type: 'integer' }, name: { type: 'string' } } } },
      handler: (req, res) => {
        if (req.query.fail === 'conflict') throw new AppError('INVOICE_ALREADY_PAID');
        if (req.query.fail === 'undeclared') throw new AppError('FAQ_NOT_FOUND');
        res.json(req.query.extra ? { id: 1, name: 'a', leaked: true } : { id: 1 });
      },
    };
    const pass: express.RequestHandler = (_req, _res, next) => next();
    const check = createAnswerCheck();
    const app = express();
    app.set('query parser', 'simple');
    app.use(buildRouter([route], { none: pass, jwt: pass, basic: pass, local: pass, 'callback-token': pass, 'registration-token': pass }, pass, { observeJsonAnswers: check.observe }));
    app.use(createErrorHandler(createLogger('silent')));
    const api = supertest(app);

    await api.get('/drift').expect(200);
    const [missingField] = check.take();
    assert.match(missingField ?? '', /GET \/drift answered 200: .*must have required property 'name'/);
    await api.get('/drift?extra=1').expect(200);
    assert.match(check.take()[0] ?? '', /must NOT have additional properties/);
    await api.get('/drift?fail=conflict').expect(409);
    assert.deepEqual(check.take(), [], 'an error envelope with a declared code fits');
    await api.get('/drift?fail=undeclared').expect(404);
    assert.match(check.take()[0] ?? '', /GET \/drift answered 404: code FAQ_NOT_FOUND is not among the codes its docs list for 404/);
  });

  it('when GET /asyncapi.json is read, then it is an AsyncAPI 3.0 document of the payment-status channel with its events, payloads and auth', async () => {
    const res = await ctx.api.get('/asyncapi.json').expect(200);
    const doc = res.body as {
      asyncapi: string;
      servers: Record<string, { security: unknown[] }>;
      channels: Record<string, { messages: Record<string, unknown> }>;
      operations: Record<string, { action: string; title: string; reply?: unknown }>;
      components: { messages: Record<string, { name: string; payload: { required?: string[] } }>; securitySchemes: Record<string, { description: string }> };
    };
    assert.equal(doc.asyncapi, '3.0.0');
    assert.ok(Object.keys(doc.channels).length > 0);
    const events = Object.values(doc.operations).map((o) => `${o.action} ${o.title}`).sort();
    assert.deepEqual(events, ['receive subscribe:payment', 'receive unsubscribe:payment', 'send payment:error', 'send payment:status:update']);
    assert.ok(doc.operations.subscribePayment?.reply && doc.operations.unsubscribePayment?.reply, 'client events document their acknowledgements');
    assert.deepEqual(doc.components.messages.paymentStatusUpdate?.payload.required, ['invoice_id', 'status', 'amount', 'paid_at']);
    assert.deepEqual(doc.components.messages.subscribePayment?.payload.required, ['username']);
    const auth = Object.values(doc.components.securitySchemes).map((s) => s.description).join(' ');
    for (const kind of ['auth: { token }', '`token` query', 'Authorization: Bearer']) assert.ok(auth.includes(kind), `handshake auth documents ${kind}`);
    assert.equal(doc.servers.api?.security.length, 3);
  });

  it('when the collection generator runs, then it writes a Postman v2.1 collection holding every operation of the OpenAPI document', async () => {
    const output = join(tmpdir(), `userstate-collection-${process.pid}.json`);
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/build-postman-collection.ts', output]);
    try {
      const collection = JSON.parse(await readFile(output, 'utf8')) as { info: { schema: string }; item: unknown[] };
      assert.match(collection.info.schema, /collection\/v2\.1\.0/);
      type Item = { item?: Item[]; request?: { method: string; url: { path: string[] } } };
      const requests = (items: Item[]): string[] =>
        items.flatMap((i) => (i.item ? requests(i.item) : [`${i.request!.method} /${i.request!.url.path.join('/').replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`]));
      const inCollection = new Set(requests(collection.item as Item[]));
      for (const { id } of operationsOf(await openApi())) assert.ok(inCollection.has(id), `${id} is in the collection`);
    } finally {
      await rm(output, { force: true });
    }
  });
});
