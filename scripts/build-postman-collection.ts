/**
 * Writes dist/userstate-api.postman_collection.json, a Postman collection (v2.1) generated from the OpenAPI
 * document the server answers at /openapi.json. Run by `npm run build` and `npm run docs:collection`.
 * `node --import tsx scripts/build-postman-collection.ts [output path]`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { buildPostmanCollection, buildStaticOpenApiDocument } from './postman-collection.js';

const output = resolve(process.argv[2] ?? 'dist/userstate-api.postman_collection.json');
const collection = await buildPostmanCollection(buildStaticOpenApiDocument());
await mkdir(dirname(output), { recursive: true });
await writeFile(output, `${JSON.stringify(collection, null, 2)}\n`);
console.log(`wrote ${output}`);
