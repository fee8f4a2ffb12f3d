import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validate as validateOpenApi } from '@readme/openapi-parser';
import { listExpressRoutes } from '../../src/routers/router-builder.js';
import { buildRoutes } from '../../src/routers/index.js';
import { useTestServer } from '../helpers/server.js';
import express from 'express';
import { buildRouter } from '../../src/routers/router-builder.js';


describe('the running server', () => {
  const ctx = useTestServer();

  it('GET /health answers 200 with PostgreSQL and Redis up and Mongo off when MONGO_DB is unset', async () => {
    const res = await ctx.api.get('/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'OK');
    assert.equal(res.body.dependencies.postgres, 'up');
    assert.equal(res.body.dependencies.redis, 'up');
    assert.equal(res.body.dependencies.mongo, process.env.MONGO_DB ? 'up' : 'off');
  });

  it('GET /openapi.json is a valid OpenAPI 3.1 document listing every declared route', async () => {
    const res = await ctx.api.get('/openapi.json');
    assert.equal(res.status, 200);
    const result = await validateOpenApi(structuredClone(res.body));
    assert.equal(result.valid, true, JSON.stringify(result, null, 2).slice(0, 2000));
    const documented = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const declared = buildRoutes(ctx.server.services).map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    assert.deepEqual(documented.sort(), declared.sort());
  });

  it('GET /docs renders Swagger UI', async () => {
    const res = await ctx.api.get('/docs/');
    assert.equal(res.status, 200);
    assert.match(res.text, /swagger-ui/i);
  });

  it('every Express route comes from a declaration, and every declaration is wired exactly once', () => {
    const routes = buildRoutes(ctx.server.services);
    const pass: express.RequestHandler = (_q, _s, n) => n();
    const router = buildRouter(routes, { none: pass, jwt: pass, basic: pass, local: pass, 'callback-token': pass, 'registration-token': pass }, pass);
    const wired = listExpressRoutes(router);
    const declared = routes.map((r) => `${r.method.toUpperCase()} ${r.path}`);
    assert.deepEqual([...wired].sort(), [...declared].sort());
    assert.equal(new Set(declared).size, declared.length, 'no route is declared twice');
  });

  it('every JSON body schema refuses unknown properties (additionalProperties: false), unless the route says why it cannot', () => {
    const hasReason = (r: { bodyAllowsUnknown?: string }) => typeof r.bodyAllowsUnknown === 'string' && r.bodyAllowsUnknown.trim().length >= 20;
    const loose = buildRoutes(ctx.server.services)
      .filter((r) => r.schemas?.body && r.schemas.body.additionalProperties !== false && !hasReason(r))
      .map((r) => `${r.method.toUpperCase()} ${r.path}`);
    assert.deepEqual(loose, []);
    // An exception still declares the fields it reads.
    const excepted = buildRoutes(ctx.server.services).filter((r) => r.bodyAllowsUnknown !== undefined);
    for (const route of excepted) {
      assert.ok(hasReason(route), `${route.path}: bodyAllowsUnknown needs a reason (a sentence)`);
      assert.ok(Object.keys((route.schemas?.body?.properties as object | undefined) ?? {}).length > 0, `${route.path}: declares its fields`);
    }
  });

  it('every route has a summary and a tag for the docs', () => {
    for (const route of buildRoutes(ctx.server.services)) {
      assert.ok(route.summary.length > 3, `${route.path} has a summary`);
      assert.ok(route.tags.length > 0, `${route.path} has a tag`);
    }
  });
});
