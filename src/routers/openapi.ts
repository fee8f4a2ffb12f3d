import type { JsonSchema } from '../schemas/json-schema.js';
import type { RouteDeclaration } from './route.js';

const ERROR_ENVELOPE: JsonSchema = {
  type: 'object',
  required: ['status', 'message', 'errorCode'],
  properties: {
    status: { type: 'boolean', const: false },
    message: { type: 'string' },
    errorCode: { type: 'integer' },
    code: { type: 'string' },
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
  local: [],
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
    schema: { type: 'string' },
  }));
  return [...fromSchema(route.schemas?.params, 'path'), ...fromSchema(route.schemas?.query, 'query'), ...headers];
}

function responsesOf(route: RouteDeclaration) {
  const main = route.response ?? { status: 200 };
  const responses: Record<string, unknown> = {
    [String(main.status)]: {
      description: main.description ?? 'Success',
      ...(main.schema || main.contentType
        ? { content: { [main.contentType ?? 'application/json']: { schema: main.schema ?? { type: 'string', format: 'binary' } } } }
        : {}),
    },
  };
  const errorStatuses = new Set<number>([...(route.errors ?? []), 500]);
  if (route.auth !== 'none') errorStatuses.add(401);
  if (route.schemas) errorStatuses.add(400);
  for (const status of [...errorStatuses].sort()) {
    responses[String(status)] = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  return responses;
}

function requestBodyOf(route: RouteDeclaration) {
  if (!route.schemas?.body) return undefined;
  if (route.bodyType === 'json-or-form') {
    const schema = route.schemas.body;
    return { required: true, content: { 'application/json': { schema }, 'application/x-www-form-urlencoded': { schema } } };
  }
  const mediaType = route.bodyType === 'multipart' ? 'multipart/form-data' : 'application/json';
  return { required: true, content: { [mediaType]: { schema: route.schemas.body } } };
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
      description: 'Accounts, profiles, wallet, referrals, vouchers, push notifications and Xendit payments. Errors use the envelope {status:false, message, errorCode, errors?}.',
    },
    servers: [
      { url: '/', description: 'this server, on the origin the document was loaded from' },
      { url: info.publicUrl, description: 'PUBLIC_URL' },
    ],
    paths,
    components: {
      schemas: { Error: ERROR_ENVELOPE },
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        basicAuth: { type: 'http', scheme: 'basic', description: 'holder:apiKey of an internal service' },
        callbackToken: { type: 'apiKey', in: 'header', name: 'x-callback-token' },
        registrationToken: { type: 'http', scheme: 'bearer', description: 'The registration token POST /signup answered' },
      },
    },
  };
}
