/** Shared tools of the hardening suites: table checksums, schema-driven corpora and credentials per auth kind. */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { QueryTypes } from 'sequelize';
import { buildRoutes } from '../../src/routers/index.js';
import type { RouteDeclaration } from '../../src/routers/route.js';
import type { JsonSchema } from '../../src/schemas/json-schema.js';
import type { TestContext } from '../helpers/server.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Every declared route, read from the same declarations the app is built from. */
export function declaredRoutes(ctx: TestContext): RouteDeclaration[] {
  return buildRoutes(ctx.server.services);
}

/** `METHOD /path` of a declaration. */
export function routeName(route: RouteDeclaration): string {
  return `${route.method.toUpperCase()} ${route.path}`;
}

/** One md5 per public table (SequelizeMeta aside): any changed, added or removed row changes its table's sum. */
export async function tableChecksums(ctx: TestContext): Promise<Record<string, string>> {
  const { sequelize } = ctx.server.clients.db;
  const tables = await sequelize.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'SequelizeMeta' ORDER BY tablename`,
    { type: QueryTypes.SELECT },
  );
  const union = tables
    .map(({ tablename }) => `SELECT '${tablename}' AS name, COALESCE(md5(string_agg(t::text, '' ORDER BY t::text)), 'empty') AS sum FROM "${tablename}" t`)
    .join(' UNION ALL ');
  const rows = await sequelize.query<{ name: string; sum: string }>(union, { type: QueryTypes.SELECT });
  return Object.fromEntries(rows.map((r) => [r.name, r.sum]));
}

/** Names of the tables whose checksum differs between two snapshots. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]);
}

/** The validator's own AJV settings, so the corpus can tell which hostile inputs the schema itself refuses. */
function makeAjv(coerceTypes: boolean): Ajv {
  const ajv = addFormats(new Ajv({ allErrors: true, useDefaults: true, strict: true, coerceTypes }));
  ajv.addKeyword({ keyword: 'example' });
  ajv.addKeyword({ keyword: 'x-sensitive' });
  return ajv;
}
const bodyAjv = makeAjv(false);
const stringPartsAjv = makeAjv(true);
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/** Whether `value` passes the schema the way the app validates it (bodies as sent, query/params coerced). */
export function passesSchema(schema: JsonSchema | undefined, value: unknown, part: 'body' | 'query' | 'params'): boolean {
  const effective = schema ?? (part === 'query' ? { type: 'object', additionalProperties: false } : undefined);
  if (!effective) return part !== 'body' || value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value));
  let validate = compiled.get(effective);
  if (!validate) {
    validate = (part === 'body' ? bodyAjv : stringPartsAjv).compile(effective);
    compiled.set(effective, validate);
  }
  return validate(structuredClone(value));
}

type Schema = Record<string, unknown>;

/** A plausible value for a schema (examples and defaults first); not guaranteed valid, which only makes cases stricter. */
export function sampleFor(schema: Schema | undefined): unknown {
  if (!schema) return 'x';
  if (schema.example !== undefined) return structuredClone(schema.example);
  if (schema.default !== undefined) return structuredClone(schema.default);
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length) return sampleFor(options[0] as Schema);
  }
  const type = Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== 'null') : (schema.type as string | undefined);
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set((schema.required ?? []) as string[]);
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(properties)) if (required.has(name) || property.example !== undefined) out[name] = sampleFor(property);
      return out;
    }
    case 'array':
      return [sampleFor(schema.items as Schema | undefined)];
    case 'integer':
    case 'number': {
      const minimum = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : 1;
      return Math.max(minimum, 1);
    }
    case 'boolean':
      return true;
    case 'string': {
      if (schema.format === 'email') return 'someone@example.test';
      if (schema.format === 'date-time') return '2030-01-01T00:00:00Z';
      if (schema.format === 'date') return '2030-01-01';
      if (schema.format === 'uri') return 'https://example.test/x';
      const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
      return 'a'.repeat(Math.max(min, 1));
    }
    default:
      return 'x';
  }
}

/** Property schemas of an object schema. */
export function propertiesOf(schema: JsonSchema | undefined): Record<string, Schema> {
  return ((schema as Schema | undefined)?.properties ?? {}) as Record<string, Schema>;
}

/** Fills `:params` of an Express path. */
export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => params[name] ?? '1');
}

/** A distinct client address per request, so per-IP limits do not hide what a request would do. */
let ipCounter = 0;
export function nextIp(): string {
  ipCounter += 1;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}
