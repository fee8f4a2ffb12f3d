import { promisify } from 'node:util';
import { convert } from 'openapi-to-postmanv2';
import type { Services } from '../src/services/index.js';
import { VERSION } from '../src/version.js';
import { buildRoutes } from '../src/routers/index.js';
import { buildOpenApiDocument } from '../src/routers/openapi.js';

/**
 * Stands in for the services when only the route declarations are needed (docs at build time): every property is a
 * callable stand-in, and nothing is ever called because no request is served.
 */
function declarationOnlyServices(): Services {
  const stub: object = new Proxy(() => undefined, {
    get: (_target, property) => (property === 'then' ? undefined : property === 'uploadConfig' ? { maxBytes: 1 } : stub),
    apply: () => stub,
  });
  return stub as Services;
}

/** The OpenAPI document as the server answers it, built from the declarations alone (no database, no Redis). */
export function buildStaticOpenApiDocument(publicUrl = 'http://localhost:3000'): Record<string, unknown> {
  return buildOpenApiDocument(buildRoutes(declarationOnlyServices()), { version: VERSION, publicUrl });
}

/** A Postman collection (v2.1) of the OpenAPI document, by openapi-to-postmanv2: one folder per tag, named by summary. */
export async function buildPostmanCollection(document: Record<string, unknown>): Promise<Record<string, unknown>> {
  const run = promisify(convert) as (input: unknown, options: unknown) => Promise<{ result: boolean; reason?: string; output?: Array<{ type: string; data: Record<string, unknown> }> }>;
  const converted = await run(
    { type: 'json', data: document },
    { folderStrategy: 'Tags', requestNameSource: 'Fallback', parametersResolution: 'Example', includeAuthInfoInExample: true },
  );
  const collection = converted.output?.find((o) => o.type === 'collection')?.data;
  if (!converted.result || !collection) throw new Error(`the OpenAPI document could not be converted: ${converted.reason ?? 'no collection'}`);
  return collection;
}
