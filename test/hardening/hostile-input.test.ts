/**
 * A hostile-input corpus generated from the route declarations, run against every declared route with valid
 * credentials for its auth kind, so each request gets past authentication and meets validation.
 *
 * Cases the route's own schema refuses (or that are not JSON at all) must answer a 4xx envelope and change no row
 * in any table. Cases the schema accepts (e.g. an SQL-injection string in a free-text field) may legitimately
 * succeed; they must still never answer 5xx, and when they are refused, nothing may have changed either.
 * Money-like fields (amount, points) must refuse negative, zero and 1e308 values whatever the schema says.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Response } from 'supertest';
import type { RouteDeclaration } from '../../src/routers/route.js';
import { createServiceCredentials, createUser } from '../helpers/factories.js';
import { useTestServer, type TestContext } from '../helpers/server.js';
import {
  changedTables,
  declaredRoutes,
  fillPath,
  nextIp,
  passesSchema,
  propertiesOf,
  routeName,
  sampleFor,
  tableChecksums,
} from './hardening-helpers.js';

interface HostileCase {
  label: string;
  /** Path params (raw, already URL-encoded where needed). */
  params?: Record<string, string>;
  /** Raw query string without '?'. */
  query?: string;
  /** Raw body text; undefined = no body. */
  body?: string;
  contentType?: string;
  /** true: the input is refused by definition (schema, syntax, media type); false: the schema accepts it. */
  strict: boolean;
  /** Refused whatever the schema says (money-like values). */
  mustRefuse?: boolean;
}

const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);
const NOT_IDS = ['abc', '-1', '1e3', '99999999999999999999', '%00', '1.5', '%20', '0x10'];
const MONEY_FIELD = /^(amount|points|point|nominal|balance)$/i;

const HUGE = 'a'.repeat(60_000);
const STRING_VALUES: Array<[string, string]> = [
  ['empty string', ''],
  ['blank string', '   '],
  ['huge string', HUGE],
  ['NUL byte', 'abc\u0000def'],
  ['only NUL', '\u0000'],
  ['RTL override', 'abc\u202Egpj.exe'],
  ['zero-width', '\u200B\u200C\u200D\uFEFF'],
  ['emoji', '😀👨‍👩‍👧‍👦'],
  ['lone surrogate', '\uD800'],
  ['combining marks', 'e\u0301\u0301\u0301\u0301'],
  ['SQL injection quote', "' OR '1'='1"],
  ['SQL injection drop', "1; DROP TABLE user_login; --"],
  ['SQL injection comment', "admin'--"],
  ['SQL injection union', "' UNION SELECT pwd FROM user_login --"],
  ['NoSQL string', '{"$gt":""}'],
  ['path traversal', '../../../../etc/passwd'],
  ['html', '<script>alert(1)</script>'],
];
const WRONG_TYPES: Array<[string, unknown]> = [
  ['number instead', 12345],
  ['boolean instead', true],
  ['null instead', null],
  ['object instead', { a: 1 }],
  ['array instead', ['a']],
  ['NoSQL $gt', { $gt: '' }],
  ['NoSQL $ne', { $ne: null }],
];
const NUMBER_VALUES: Array<[string, unknown, boolean]> = [
  // [label, value, money fields must refuse it]
  ['negative', -1, true],
  ['zero', 0, true],
  ['fractional', 0.5, false],
  ['many decimals', 1.23456789, false],
  ['exponent', 1e3, false],
  ['1e308', 1e308, true],
  ['-1e308', -1e308, true],
  ['numeric string', '100', false],
  ['exponent string', '1e308', true],
  ['word string', 'abc', true],
  ['boolean', true, true],
  ['null', null, true],
  ['object', { $gt: 0 }, true],
  ['array', [1], true],
  ['big integer', 1e20, true],
];

/** Percent-encodes a value; a lone surrogate (not encodable as UTF-8) goes out as its raw CESU-8 bytes. */
function encodeQueryValue(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

function isNumericSchema(schema: Record<string, unknown>): boolean {
  const type = schema.type;
  return type === 'number' || type === 'integer' || (Array.isArray(type) && (type.includes('number') || type.includes('integer')));
}

/** Builds the whole corpus for one route from its declaration. */
function corpusFor(route: RouteDeclaration): HostileCase[] {
  const cases: HostileCase[] = [];
  const schemas = route.schemas ?? {};
  const paramNames = [...route.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]!);
  // Well-formed ids nobody owns, so a lenient input can never touch a real row through the path.
  const sampleParams = Object.fromEntries(
    paramNames.map((name) => {
      const schema = propertiesOf(schemas.params)[name];
      return [name, schema && isNumericSchema(schema) ? '2147483000' : 'zzz-no-such-id'];
    }),
  );
  const baseQuery = (sampleFor(schemas.query as Record<string, unknown> | undefined) ?? {}) as Record<string, unknown>;
  const queryString = (q: Record<string, unknown>) =>
    Object.entries(q)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&');

  // Ids that are not ids, in every path parameter.
  for (const name of paramNames) {
    for (const value of NOT_IDS) {
      const params = { ...sampleParams, [name]: value };
      const decoded = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, decodeURIComponent(v)]));
      cases.push({
        label: `path :${name} = ${value}`,
        params,
        query: queryString(baseQuery),
        strict: !passesSchema(schemas.params, decoded, 'params'),
        // Not one of the caller's objects in any case: never a success.
        mustRefuse: true,
      });
    }
  }

  // Query: unknown parameters, duplicates, hostile values in each declared parameter. GET routes ignore parameters
  // their schema does not declare (cache-busters, analytics tags); other methods refuse them.
  const declaredQuery = new Set(Object.keys(propertiesOf(schemas.query)));
  const seenQuery = (parsed: Record<string, unknown>) =>
    route.method === 'get' ? Object.fromEntries(Object.entries(parsed).filter(([name]) => declaredQuery.has(name))) : parsed;
  const queryCase = (label: string, raw: string, parsed: Record<string, unknown>, extra: Partial<HostileCase> = {}) =>
    cases.push({ label, params: sampleParams, query: raw, strict: !passesSchema(schemas.query, seenQuery(parsed), 'query'), ...extra });
  queryCase('unknown query parameter', `${queryString(baseQuery)}&zzz_unknown=1`.replace(/^&/, ''), { ...baseQuery, zzz_unknown: '1' });
  queryCase('duplicate unknown query parameter', 'a=1&a=2', { ...baseQuery, a: ['1', '2'] });
  queryCase('prototype key in query', `${queryString(baseQuery)}&__proto__=x&constructor=y`.replace(/^&/, ''), { ...baseQuery, constructor: 'y' });
  for (const name of Object.keys(propertiesOf(schemas.query))) {
    const others = { ...baseQuery };
    delete others[name];
    const prefix = queryString(others);
    const join = (s: string) => (prefix ? `${prefix}&${s}` : s);
    queryCase(`query ${name} duplicated`, join(`${name}=1&${name}=2`), { ...others, [name]: ['1', '2'] });
    for (const [label, value] of [...STRING_VALUES.filter(([l]) => l !== 'huge string'), ['huge string', 'a'.repeat(6000)] as [string, string]]) {
      queryCase(`query ${name}: ${label}`, join(`${name}=${encodeQueryValue(value)}`), { ...others, [name]: value }, { mustRefuse: value.includes('\u0000') });
    }
    for (const value of NOT_IDS) {
      queryCase(`query ${name} = ${value}`, join(`${name}=${value}`), { ...others, [name]: decodeURIComponent(value) });
    }
  }

  if (!BODY_METHODS.has(route.method)) return cases;

  // Bodies that are not (valid) JSON objects, or not JSON at all.
  const base = (schemas.body ? sampleFor(schemas.body as Record<string, unknown>) : {}) as Record<string, unknown>;
  const baseText = JSON.stringify(base);
  const rawCase = (label: string, body: string, contentType = 'application/json') =>
    cases.push({ label, params: sampleParams, body, contentType, strict: true });
  rawCase('malformed JSON', '{"a": ');
  rawCase('truncated JSON', baseText.length > 2 ? baseText.slice(0, -2) : '{');
  rawCase('single quotes JSON', "{'a': 1}");
  rawCase('trailing comma JSON', '{"a": 1,}');
  rawCase('JSON string top level', '"just a string"');
  rawCase('JSON number top level', '42');
  rawCase('JSON null top level', 'null');
  rawCase('JSON array top level', '[]');
  rawCase('JSON array of the body', `[${baseText}]`);
  rawCase('body past the limit', JSON.stringify({ ...base, padding: 'x'.repeat(200 * 1024) }));
  rawCase('deeply nested JSON', `${'['.repeat(5000)}${']'.repeat(5000)}`);
  rawCase('wrong Content-Type text/plain', baseText, 'text/plain');
  rawCase('wrong Content-Type xml', '<a>1</a>', 'application/xml');
  rawCase('wrong Content-Type form', 'a=1&b=2', route.bodyType === 'json-or-form' ? 'text/csv' : 'application/x-www-form-urlencoded');
  rawCase('multipart with a JSON route', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n', route.bodyType === 'multipart' ? 'application/json' : 'multipart/form-data; boundary=x');
  rawCase('JSON with an unsupported charset', baseText, 'application/json; charset=iso-8859-1');
  // Decoded with replacement characters: {"a": "\uFFFD\uFFFD"}, refused wherever the body declares its fields.
  cases.push({
    label: 'invalid UTF-8',
    params: sampleParams,
    body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]).toString('latin1'),
    contentType: 'application/json',
    strict: !passesSchema(schemas.body, { a: '\uFFFD\uFFFD' }, 'body'),
  });

  if (route.bodyType === 'multipart') return cases;

  // Schema-driven mutations of a plausible body, one field at a time.
  const bodyCase = (label: string, value: unknown, extra: Partial<HostileCase> = {}) =>
    cases.push({
      label,
      params: sampleParams,
      body: JSON.stringify(value),
      contentType: 'application/json',
      strict: !passesSchema(schemas.body, value, 'body'),
      ...extra,
    });
  bodyCase('empty object', {});
  bodyCase('extra field', { ...base, zzz_extra: 1 });
  // JSON.parse makes "__proto__" an own key: it must be refused, and must not reach Object.prototype.
  const protoBody = `{"__proto__": {"polluted": "yes"}, ${baseText.slice(1).replace(/^}$/, '"x": 1}')}`;
  // Refused wherever the body declares its fields; a webhook body that accepts unknown fields may take it as data.
  cases.push({ label: 'prototype pollution __proto__', params: sampleParams, body: protoBody, contentType: 'application/json', strict: !passesSchema(schemas.body, JSON.parse(protoBody), 'body') });
  bodyCase('prototype pollution constructor.prototype', { ...base, constructor: { prototype: { polluted: 'yes' } } });
  bodyCase('prototype pollution nested', { ...base, a: { __proto__: { polluted: 'yes' } } });
  const required = new Set(((schemas.body as Record<string, unknown> | undefined)?.required ?? []) as string[]);
  for (const [name, schema] of Object.entries(propertiesOf(schemas.body))) {
    const withValue = (value: unknown) => ({ ...base, [name]: value });
    if (required.has(name)) {
      const without = { ...base };
      delete without[name];
      bodyCase(`missing ${name}`, without);
    }
    if (isNumericSchema(schema)) {
      for (const [label, value, moneyRefuses] of NUMBER_VALUES) {
        // Webhooks acknowledge what they cannot match (Xendit would retry a 4xx for a day); the stored amount decides there.
        bodyCase(`${name}: ${label}`, withValue(value), { mustRefuse: moneyRefuses && MONEY_FIELD.test(name) && route.auth !== 'callback-token' });
      }
      // Literal numbers JSON.stringify cannot write.
      const infinite = JSON.stringify(withValue('__INFINITE__')).replace('"__INFINITE__"', '1e999');
      cases.push({ label: `${name}: 1e999 literal`, params: sampleParams, body: infinite, contentType: 'application/json', strict: true });
    } else {
      for (const [label, value] of WRONG_TYPES) bodyCase(`${name}: ${label}`, withValue(value));
      // PostgreSQL cannot store NUL in text: refused at the edge rather than silently altered.
      for (const [label, value] of STRING_VALUES) bodyCase(`${name}: ${label}`, withValue(value), { mustRefuse: value.includes('\u0000') });
    }
  }
  return cases;
}

function send(ctx: TestContext, route: RouteDeclaration, c: HostileCase, auth: Record<string, string>): Promise<Response> {
  const path = fillPath(route.path, c.params ?? {}) + (c.query ? `?${c.query}` : '');
  let request = ctx.api[route.method](path).set('X-Forwarded-For', nextIp());
  for (const [name, value] of Object.entries(auth)) request = request.set(name, value);
  if (c.body !== undefined) {
    request = request.set('Content-Type', c.contentType ?? 'application/json');
    return request.send(c.body.startsWith('{"a":"\u00ff') ? Buffer.from(c.body, 'latin1') : c.body);
  }
  return request;
}

function describeResponse(res: Response): string {
  return `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
}

function assertEnvelope(res: Response, where: string): void {
  assert.ok(res.status >= 400 && res.status < 500, `${where}: expected a 4xx, got ${describeResponse(res)}`);
  assert.equal(res.body?.status, false, `${where}: not an error envelope: ${describeResponse(res)}`);
  assert.equal(res.body?.errorCode, res.status, `${where}: errorCode ≠ HTTP status: ${describeResponse(res)}`);
  assert.equal(typeof res.body?.message, 'string', `${where}: no message`);
}

describe('hostile input against every declared route', () => {
  const ctx = useTestServer({ ACCESS_LOG: 'false' });

  async function credentialsFor(route: RouteDeclaration): Promise<Record<string, string>> {
    if (route.auth === 'jwt') return { Authorization: (await createUser(ctx, { balance: '1000', points: 100 })).auth };
    if (route.auth === 'basic') return { Authorization: (await createServiceCredentials(ctx)).auth };
    if (route.auth === 'callback-token') return { 'x-callback-token': ctx.config.xendit.callbackToken };
    return {};
  }

  it('when every route gets the corpus, then each answer is a 4xx envelope (or an accepted lenient input), never a 5xx, and refused input changes no row', async (t) => {
    const routes = declaredRoutes(ctx);
    assert.ok(routes.length > 20, 'routes are declared');
    const tablesBefore = Object.keys(await tableChecksums(ctx)).sort();
    const accepted: string[] = [];
    let total = 0;
    for (const route of routes) {
      await t.test(routeName(route), async () => {
        // Refused-by-definition cases first, checked together; then the ones the schema lets through, one by one.
        const corpus = corpusFor(route);
        const strict = corpus.filter((c) => c.strict);
        const lenient = corpus.filter((c) => !c.strict);
        let auth = await credentialsFor(route);
        const headerAuth = route.auth === 'jwt' || route.auth === 'basic' || route.auth === 'callback-token';
        let baseline = await tableChecksums(ctx);
        for (const c of [...strict, ...lenient]) {
          if (c === lenient[0]) {
            assert.deepEqual(changedTables(baseline, await tableChecksums(ctx)), [], `${routeName(route)}: schema-refused input changed rows`);
          }
          total += 1;
          const where = `${routeName(route)} [${c.label}]`;
          const res = await send(ctx, route, c, auth);
          assert.ok(res.status < 500, `${where}: answered ${describeResponse(res)}`);
          assert.equal(({} as Record<string, unknown>).polluted, undefined, `${where}: Object.prototype was polluted`);
          if (headerAuth) assert.notEqual(res.status, 401, `${where}: valid credentials were refused: ${describeResponse(res)}`);
          if (c.strict || c.mustRefuse || res.status >= 400) {
            assertEnvelope(res, where);
            // Refused input changes nothing. Checked per case where the schema let it through (the service decided);
            // schema-refused cases were checked together before the first of those.
            if (!c.strict) {
              const now = await tableChecksums(ctx);
              assert.deepEqual(changedTables(baseline, now), [], `${where}: a refused request changed rows`);
            }
          } else {
            // Lenient input the route accepted (e.g. an SQL-looking name): allowed to act; start a new baseline.
            accepted.push(`${where} → ${res.status}`);
            auth = await credentialsFor(route);
            baseline = await tableChecksums(ctx);
          }
        }
        const after = await tableChecksums(ctx);
        assert.deepEqual(changedTables(baseline, after), [], `${routeName(route)}: refused input changed rows`);
      });
    }
    assert.deepEqual(Object.keys(await tableChecksums(ctx)).sort(), tablesBefore, 'every table is still there');
    t.diagnostic(`${total} hostile requests; accepted lenient inputs: ${accepted.length}`);
    for (const line of accepted) t.diagnostic(`accepted: ${line}`);
  });
});
