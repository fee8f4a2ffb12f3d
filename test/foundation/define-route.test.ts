import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestHandler } from 'express';
import supertest from 'supertest';
import { createApp } from '../../src/app.js';
import { setPrincipal, type RequestInput } from '../../src/middleware/request-context.js';
import type { Authenticators } from '../../src/routers/router-builder.js';
import { defineRoute, type RouteDeclaration } from '../../src/routers/route.js';
import { createLogger } from '../../src/utilities/logger.js';
import { testConfig } from '../helpers/test-config.js';

const renameBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1 } },
} as const;
const itemParams = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const verboseQuery = { type: 'object', additionalProperties: false, properties: { verbose: { type: 'boolean', default: false } } } as const;

type RenameInput = RequestInput<'jwt', { body: typeof renameBody; query: typeof verboseQuery; params: typeof itemParams }>;

/** What the handler saw, so the test can compare it with what was sent. */
function renameHandler(seen: RenameInput[]) {
  return (input: RenameInput, _req: unknown, res: { json: (body: unknown) => void }) => {
    seen.push(input);
    // Typed access: a number, a boolean with its default, a string, the user's name.
    const id: number = input.params.id;
    const verbose: boolean = input.query.verbose;
    res.json({ id, verbose, name: input.body.name, username: input.principal.username });
  };
}

function appWith(routes: RouteDeclaration[], authenticators: Partial<Authenticators>) {
  const pass: RequestHandler = (_req, _res, next) => next();
  const all = { none: pass, jwt: pass, basic: pass, local: pass, 'callback-token': pass, 'registration-token': pass, ...authenticators } satisfies Authenticators;
  const app = createApp({ config: testConfig(), logger: createLogger('silent', () => {}), routes, authenticators: all, version: 'test' });
  return supertest(app);
}

const signedInAsBudi: RequestHandler = (_req, res, next) => {
  setPrincipal(res, { kind: 'user', username: 'budi', agent: false, jti: 'j', sid: null, exp: 0, token: 't' });
  next();
};

describe('defineRoute: handlers get their input typed from the route', () => {
  it('when a declared route is called, then its handler receives the validated body, the coerced params and query with defaults, and the user', async () => {
    const seen: RenameInput[] = [];
    const api = appWith(
      [defineRoute({ method: 'post', path: '/items/:id', auth: 'jwt', summary: 'rename', tags: ['Test'], schemas: { body: renameBody, query: verboseQuery, params: itemParams }, handler: renameHandler(seen) })],
      { jwt: signedInAsBudi },
    );
    const res = await api.post('/items/7').send({ name: 'Lamp' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { id: 7, verbose: false, name: 'Lamp', username: 'budi' });
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.principal.kind, 'user');
  });

  it('when the auth layer leaves no principal of the route kind, then 401 and the handler is not called', async () => {
    const seen: unknown[] = [];
    const api = appWith(
      [
        defineRoute({
          method: 'get',
          path: '/holder',
          auth: 'basic',
          summary: 'holder',
          tags: ['Test'],
          handler: ({ principal }, _req, res) => {
            seen.push(principal);
            res.json({ holder: principal.holder });
          },
        }),
      ],
      { basic: signedInAsBudi },
    );
    const res = await api.get('/holder');
    assert.equal(res.status, 401);
    assert.equal(res.body.status, false);
    assert.equal(res.body.errorCode, 401);
    assert.deepEqual(seen, []);
  });

  it('when a handler expects other schemas or another auth kind than its route declares, then the typecheck refuses it', () => {
    const handler = renameHandler([]);
    const routes = [
      // @ts-expect-error the route declares no body, the handler reads one
      defineRoute({ method: 'post', path: '/a/:id', auth: 'jwt', summary: 'a', tags: ['Test'], schemas: { query: verboseQuery, params: itemParams }, handler }),
      // @ts-expect-error a public route has no user for the handler
      defineRoute({ method: 'post', path: '/b/:id', auth: 'none', summary: 'b', tags: ['Test'], schemas: { body: renameBody, query: verboseQuery, params: itemParams }, handler }),
    ];
    // The declarations themselves are still built: only their types are refused.
    assert.deepEqual(
      routes.map((route) => route.path),
      ['/a/:id', '/b/:id'],
    );
  });
});
