import type { RequestHandler } from 'express';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import localizeIdModule from 'ajv-i18n/localize/id/index.js';
import { ValidationError, type FieldError } from '../errors/app-error.js';
import type { JsonSchema, RouteSchemas } from '../schemas/json-schema.js';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
// ajv-i18n is CommonJS too: each locale rewrites the `message` of the errors it is given.
const localizeId = localizeIdModule as unknown as (errors: ErrorObject[]) => void;

/** AJV's own message for `error` in Bahasa Indonesia (ajv-i18n), from a copy so the English one stays. */
function ajvMessageInIndonesian(error: ErrorObject): string | undefined {
  const copy = { ...error };
  localizeId([copy]);
  return copy.message;
}

/** Bodies are taken as sent (no coercion); query strings and path params are strings, so those coerce. */
const bodyAjv = addFormats(new Ajv({ allErrors: true, useDefaults: true, strict: true, coerceTypes: false }));
const stringPartsAjv = addFormats(new Ajv({ allErrors: true, useDefaults: true, strict: true, coerceTypes: true }));
for (const ajv of [bodyAjv, stringPartsAjv]) {
  ajv.addKeyword({ keyword: 'example' });
  ajv.addKeyword({ keyword: 'x-sensitive' });
}

export function toFieldErrors(errors: ErrorObject[] | null | undefined, part: 'body' | 'query' | 'params'): FieldError[] {
  return (errors ?? []).map((error) => {
    const base = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
    let field = base;
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'required') field = [base, (error.params as { missingProperty: string }).missingProperty].filter(Boolean).join('.');
    if (error.keyword === 'additionalProperties') {
      field = [base, (error.params as { additionalProperty: string }).additionalProperty].filter(Boolean).join('.');
      message = 'is not allowed';
    }
    if (error.keyword === 'enum') message = `must be one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    // Our own wordings are catalogue texts; AJV's come with their ajv-i18n translation.
    const own = error.keyword === 'additionalProperties' || error.keyword === 'enum' || !error.message;
    const id = own ? undefined : ajvMessageInIndonesian(error);
    return id ? { field: field || part, message, translations: { id } } : { field: field || part, message };
  });
}

/** Deepest nesting any request part may have; JSON far deeper than a real body is refused before it is walked. */
export const MAX_NESTING_DEPTH = 32;

/**
 * What makes a request part unacceptable before any schema looks at it (iterative, so hostile input cannot blow
 * the stack): nesting deeper than `limit`, or a NUL character in any string or key (PostgreSQL cannot store it in
 * text, and the driver would silently store it as a literal "\\0" instead).
 */
export function findStructuralProblem(value: unknown, limit: number): 'too-deep' | 'nul' | undefined {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return 'nul';
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return 'too-deep';
    for (const [key, child] of Object.entries(current)) {
      if (key.includes('\u0000')) return 'nul';
      stack.push([child, depth + 1]);
    }
  }
  return undefined;
}

function compile(ajv: Ajv, schema: JsonSchema): ValidateFunction {
  return ajv.compile(schema);
}

/** The parameters a query schema declares (none without a schema). */
function declaredQueryNames(schema: JsonSchema | undefined): Set<string> {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  return new Set(Object.keys(properties));
}

/** Only the declared parameters of a query string, as own keys of a plain object. */
function pickDeclared(query: object, names: Set<string>): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) if (names.has(name)) picked[name] = value;
  return picked;
}

export interface ValidatorOptions {
  /**
   * Drop query parameters the schema does not declare before validating (GET routes: cache-busters and analytics
   * tags that clients and proxies add). Declared ones are still validated; bodies keep refusing unknown fields.
   */
  ignoreUnknownQuery?: boolean;
}

/** Compiles the route's schemas once and returns middleware that validates and parks the results in res.locals. */
export function createValidator(schemas: RouteSchemas = {}, options: ValidatorOptions = {}): RequestHandler {
  const body = schemas.body ? compile(bodyAjv, schemas.body) : undefined;
  const query = schemas.query ? compile(stringPartsAjv, schemas.query) : undefined;
  const params = schemas.params ? compile(stringPartsAjv, schemas.params) : undefined;
  const queryNames = options.ignoreUnknownQuery ? declaredQueryNames(schemas.query) : undefined;

  return (req, res, next) => {
    const errors: FieldError[] = [];
    const check = (validate: ValidateFunction | undefined, value: unknown, part: 'body' | 'query' | 'params') => {
      const problem = findStructuralProblem(value, MAX_NESTING_DEPTH);
      if (problem) {
        errors.push({ field: part, message: problem === 'nul' ? 'must not contain NUL characters' : `must not be nested deeper than ${MAX_NESTING_DEPTH} levels` });
        return {};
      }
      const copy: unknown = value === undefined ? {} : structuredClone(value);
      if (validate && !validate(copy)) errors.push(...toFieldErrors(validate.errors, part));
      return copy;
    };
    // A body we don't expect must still be an object; arrays or scalars where an object belongs are refused.
    const parsedBody: unknown = req.body ?? {};
    if (!body && (typeof parsedBody !== 'object' || parsedBody === null || Array.isArray(parsedBody))) {
      errors.push({ field: 'body', message: 'must be an object' });
    }
    res.locals.body = body ? check(body, parsedBody, 'body') : {};
    const rawQuery = req.query as object;
    const queryValue = queryNames ? pickDeclared(rawQuery, queryNames) : { ...rawQuery };
    // Nothing to check or copy when a part without a schema is empty (most GETs).
    res.locals.query = !query && isEmpty(queryValue) ? {} : check(query ?? EMPTY_OBJECT_VALIDATOR, queryValue, 'query');
    res.locals.params = !params && isEmpty(req.params) ? {} : check(params, { ...req.params }, 'params');
    if (errors.length > 0) return next(new ValidationError(errors));
    next();
  };
}

function isEmpty(value: object): boolean {
  return Object.keys(value).length === 0;
}

/** Routes without a query schema accept no query parameters (GET routes ignore them), so typos and injection attempts are visible. */
const EMPTY_OBJECT_VALIDATOR = compile(stringPartsAjv, { type: 'object', additionalProperties: false });
