import assert from 'node:assert/strict';
import type { Response } from 'supertest';
import type { TestContext } from '../helpers/server.js';
import { createServiceCredentials, createUser } from '../helpers/factories.js';

type Method = 'get' | 'post' | 'put' | 'delete';

export { assertError } from '../helpers/assertions.js';

async function send(ctx: TestContext, method: Method, path: string, auth: string | undefined, body?: object): Promise<Response> {
  let req = ctx.api[method](path);
  if (auth !== undefined) req = req.set('Authorization', auth);
  return body === undefined ? req : req.send(body);
}

/**
 * The auth cases every route shares: no credentials, the other strategy (Basic on a JWT route, a user's JWT on a
 * Basic route) and forged credentials are all refused with 401, before anything else happens.
 */
export async function assertAuthRequired(
  ctx: TestContext,
  method: Method,
  path: string,
  kind: 'jwt' | 'basic',
  body?: object,
): Promise<void> {
  const user = await createUser(ctx);
  const service = await createServiceCredentials(ctx);
  const wrongStrategy = kind === 'jwt' ? service.auth : user.auth;
  const forged =
    kind === 'jwt' ? `Bearer ${user.token.slice(0, -4)}AAAA` : `Basic ${Buffer.from(`${service.holder}:not-the-key`).toString('base64')}`;
  for (const [label, auth] of [
    ['none', undefined],
    ['wrong strategy', wrongStrategy],
    ['forged', forged],
  ] as const) {
    const res = await send(ctx, method, path, auth, body);
    assert.equal(res.status, 401, `${method.toUpperCase()} ${path} with ${label} credentials: ${res.status} ${JSON.stringify(res.body)}`);
    assert.equal(res.body.status, false);
  }
}
