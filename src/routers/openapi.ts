import { sample } from 'openapi-sampler';
import { ERROR_CODES, errorCodeEntry, type ErrorCode } from '../errors/error-codes.js';
import type { JsonSchema } from '../schemas/json-schema.js';
import type { RouteDeclaration } from './route.js';

/** Every 4xx/5xx JSON answer (error-handler's renderError); extra fields of an error may come before these. */
export const ERROR_ENVELOPE: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'errorCode', 'code'],
  properties: {
    status: { type: 'boolean', const: false },
    message: { type: 'string' },
    errorCode: { type: 'integer' },
    code: { type: 'string', description: 'The stable machine name of the refusal: switch on this, not on the message', enum: Object.keys(ERROR_CODES) },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

const SECURITY: Record<RouteDeclaration['auth'], Array<Record<string, string[]>> | undefined> = {
  none: [],
  jwt: [{ bearerAuth: [] }],
  basic: [{ basicAuth: [] }],
  local: [], // username-or-email + password in the body
  'callback-token': [{ callbackToken: [] }],
  'registration-token': [{ registrationToken: [] }, {}],
};

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parametersOf(route: RouteDeclaration) {
  const fromSchema = (schema: JsonSchema | undefined, location: 'query' | 'path') => {
    const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema?.required as string[] | undefined) ?? []);
    return Object.entries(properties).map(([name, propertySchema]) => ({
      name,
      in: location,
      required: location === 'path' || required.has(name),
      schema: propertySchema,
    }));
  };
  const headers = (route.headers ?? []).map((h) => ({
    name: h.name,
    in: 'header',
    required: h.required ?? false,
    description: h.description,
    schema: { type: 'string', ...(h.name === 'Idempotency-Key' ? { minLength: 1, maxLength: 255 } : {}) },
    example: h.name === 'Idempotency-Key' ? '3f2b8c1e-7d4a-4e5b-9c6d-1a2b3c4d5e6f' : undefined,
  }));
  return [...fromSchema(route.schemas?.params, 'path'), ...fromSchema(route.schemas?.query, 'query'), ...headers];
}

const METHODS_WITH_BODY = new Set(['post', 'put', 'patch', 'delete']);

/** A sample value built from the schema's `example`s (then enums, formats and types), for the docs' examples. */
const exampleOf = (schema: JsonSchema): unknown => sample(structuredClone(schema) as Parameters<typeof sample>[0], { quiet: true, enablePatterns: true });

const HEADER_REF = (name: string) => ({ $ref: `#/components/headers/${name}` });

/** The codes a route's authentication can answer before its handler runs. */
const AUTH_ERROR_CODES: Record<RouteDeclaration['auth'], ErrorCode[]> = {
  none: [],
  jwt: ['BEARER_TOKEN_INVALID', 'TOKEN_INVALID', 'TOKEN_REVOKED', 'TOKEN_EXPIRED', 'TOKEN_ACCOUNT_DISABLED'],
  basic: ['API_CREDENTIAL_INVALID', 'API_KEY_LOCKED'],
  // Password logins lock the account and the IP after repeated failures.
  local: ['VALIDATION_FAILED', 'ACCOUNT_LOCKED'],
  'callback-token': ['CALLBACK_TOKEN_MISSING', 'CALLBACK_TOKEN_INVALID'],
  'registration-token': ['REGISTRATION_TOKEN_MISSING', 'REGISTRATION_TOKEN_INVALID'],
};

/** Every error code a route can answer: its declared ones plus those its auth, schemas, body, idempotency and the server imply. */
export function errorCodesOf(route: RouteDeclaration): ErrorCode[] {
  // Any route answers 503 while PostgreSQL or Redis is unreachable, and 500 on a fault of ours.
  const codes = new Set<ErrorCode>([...AUTH_ERROR_CODES[route.auth], ...(route.errors ?? []), 'SERVICE_UNAVAILABLE', 'INTERNAL']);
  if (route.schemas) codes.add('VALIDATION_FAILED');
  if (METHODS_WITH_BODY.has(route.method)) codes.add('VALIDATION_FAILED').add('MALFORMED_JSON').add('PAYLOAD_TOO_LARGE').add('UNSUPPORTED_MEDIA_TYPE');
  if (route.idempotency) codes.add('IDEMPOTENCY_KEY_IN_PROGRESS').add('IDEMPOTENCY_KEY_REUSED');
  return [...codes];
}

/** A route's codes grouped by their status (from the table), statuses ascending, codes in table order. */
export function errorCodesByStatus(route: RouteDeclaration): Map<number, ErrorCode[]> {
  const mine = new Set(errorCodesOf(route));
  // A status the route answers with its own schema (e.g. /health's 503 report) is not an error envelope there.
  const ownSchema = new Set((route.response?.alsoAt ?? []).map((other) => other.status));
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    const status = ERROR_CODES[code].status;
    if (!mine.has(code) || ownSchema.has(status)) continue;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

function retryHeaders(status: number): Record<string, unknown> {
  const headers: Record<string, unknown> = { 'X-Request-Id': HEADER_REF('X-Request-Id') };
  if (status === 429 || status === 423 || status === 503) headers['Retry-After'] = HEADER_REF('Retry-After');
  return headers;
}

function errorResponse(status: number, codes: ErrorCode[]) {
  const entries = codes.map((code) => ({ code, message: errorCodeEntry(code).message }));
  const list = entries.map((c) => `\`${c.code}\` ("${c.message}")`).join(', ');
  const examples = Object.fromEntries(
    entries.map((c) => [
      c.code,
      { summary: c.message, value: { status: false, message: c.message, errorCode: status, code: c.code, requestId: '8f14e45f-ceea-467f-a0e6-2b5c4d0b1f3a' } },
    ]),
  );
  const headers = retryHeaders(status);
  return {
    description: `Error envelope; \`errorCode\` is ${status}, \`code\` one of ${list}. Switch on \`code\`; the message may be more specific than the default.`,
    headers,
    'x-error-codes': entries,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, examples } },
  };
}

function responsesOf(route: RouteDeclaration) {
  const main = route.response ?? { status: 200 };
  const headers: Record<string, unknown> = { 'X-Request-Id': HEADER_REF('X-Request-Id') };
  if (route.idempotency) headers['Idempotent-Replayed'] = HEADER_REF('Idempotent-Replayed');
  const mediaType = main.contentType ?? 'application/json';
  const schema = main.schema ?? { type: 'string', format: 'binary' };
  const content =
    main.schema || main.contentType
      ? { [mediaType]: { schema, ...(main.schema && mediaType.includes('json') ? { example: exampleOf(main.schema) } : {}) } }
      : undefined;
  const responses: Record<string, unknown> = {
    [String(main.status)]: { description: main.description ?? 'Success', headers, ...(content ? { content } : {}) },
  };
  for (const [status, codes] of errorCodesByStatus(route)) responses[String(status)] = errorResponse(status, codes);
  for (const other of main.alsoAt ?? []) {
    const example = other.example ?? (main.schema ? exampleOf(main.schema) : undefined);
    const otherContent = main.schema ? { [mediaType]: { schema: main.schema, example } } : undefined;
    responses[String(other.status)] = { description: other.description, headers: retryHeaders(other.status), ...(otherContent ? { content: otherContent } : {}) };
  }
  return responses;
}

function requestBodyOf(route: RouteDeclaration) {
  if (!route.schemas?.body) return undefined;
  const schema = route.schemas.body;
  const example = exampleOf(schema);
  if (route.bodyType === 'json-or-form') {
    return { required: true, content: { 'application/json': { schema, example }, 'application/x-www-form-urlencoded': { schema, example } } };
  }
  const mediaType = route.bodyType === 'multipart' ? 'multipart/form-data' : 'application/json';
  return { required: true, content: { [mediaType]: { schema, example } } };
}

/**
 * The OpenAPI 3.1 document, generated from the same declarations that wire Express. Its first server is "/", i.e. the
 * origin the document (and /docs) was loaded from, so "Try it out" works on whatever host and scheme the server is
 * reached by; PUBLIC_URL follows as the second.
 */
export function buildOpenApiDocument(routes: RouteDeclaration[], info: { version: string; publicUrl: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    const parameters = parametersOf(route);
    const requestBody = requestBodyOf(route);
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      description: route.description,
      tags: route.tags,
      operationId: `${route.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      security: SECURITY[route.auth],
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses: responsesOf(route),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'UserState API',
      version: info.version,
      description: 'Accounts, profiles, wallet, referrals, vouchers, push notifications and Xendit payments. Errors use the envelope {status:false, message, errorCode, code, requestId, errors?}; every answer carries X-Request-Id. The Socket.io payment-status channel is described by the AsyncAPI document at /asyncapi.json.',
    },
    servers: [
      { url: '/', description: 'this server, on the origin the document was loaded from' },
      { url: info.publicUrl, description: 'PUBLIC_URL' },
    ],
    paths,
    components: {
      schemas: { Error: ERROR_ENVELOPE },
      headers: {
        'X-Request-Id': {
          description: "This request's id (the caller's X-Request-Id when it is sane, a fresh UUID otherwise); logs carry it",
          schema: { type: 'string' },
          example: '8f14e45f-ceea-467f-a0e6-2b5c4d0b1f3a',
        },
        'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 }, example: 60 },
        'Idempotent-Replayed': {
          description: '"true" when this answer replays the first result of the same Idempotency-Key (nothing was done again)',
          schema: { type: 'string', enum: ['true'] },
        },
      },
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Authorization: Bearer <the JWT /login answered>' },
        basicAuth: { type: 'http', scheme: 'basic', description: 'Authorization: Basic base64(holder:apiKey) of an internal service' },
        callbackToken: { type: 'apiKey', in: 'header', name: 'x-callback-token', description: "Xendit's callback verification token" },
        registrationToken: { type: 'http', scheme: 'bearer', description: 'The registration token POST /signup answered' },
      },
    },
  };
}
