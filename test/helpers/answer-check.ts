import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ERROR_ENVELOPE, errorCodesByStatus } from '../../src/routers/openapi.js';
import type { RouteDeclaration } from '../../src/routers/route.js';
import type { JsonAnswerObserver } from '../../src/routers/router-builder.js';
import type { JsonSchema } from '../../src/schemas/json-schema.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
// strict: false only lets the docs' keywords (example, x-sensitive) through; required and additionalProperties hold.
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

function validatorOf(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** The schema the route declares for a JSON answer with `status`, or why it declares none. */
function declaredSchema(route: RouteDeclaration, status: number): JsonSchema | string {
  const success = route.response ?? { status: 200 };
  if (status === success.status || success.alsoAt?.some((other) => other.status === status)) {
    return success.schema ?? 'no JSON schema is declared for it';
  }
  if (status >= 400) return ERROR_ENVELOPE;
  return `${status} is not a documented status`;
}

/** What is wrong with this answer against the route's declaration, or undefined when it fits. */
export function answerViolation(route: RouteDeclaration, status: number, body: unknown): string | undefined {
  const schema = declaredSchema(route, status);
  if (typeof schema === 'string') return schema;
  const validate = validatorOf(schema);
  // As the client receives it: Dates become strings, undefined fields disappear.
  const sent = JSON.parse(JSON.stringify(body ?? null)) as unknown;
  if (!validate(sent)) return ajv.errorsText(validate.errors, { dataVar: 'answer' });
  if (schema === ERROR_ENVELOPE) return undocumentedCode(route, status, (sent as { code: string }).code);
  return undefined;
}

/** An error answer's code must be one the route's OpenAPI operation lists under that status. */
function undocumentedCode(route: RouteDeclaration, status: number, code: string): string | undefined {
  const listed = errorCodesByStatus(route).get(status) ?? [];
  if (listed.includes(code as (typeof listed)[number])) return undefined;
  return `code ${code} is not among the codes its docs list for ${status} (${listed.join(', ') || 'none'})`;
}

/**
 * Checks every JSON answer of a declared route against its declared schema (the success schema for the success status,
 * the error envelope for 4xx/5xx) and keeps what does not fit; `take()` returns and forgets the violations.
 */
export function createAnswerCheck(): { observe: JsonAnswerObserver; take(): string[] } {
  const violations: string[] = [];
  return {
    observe(route, status, body) {
      const problem = answerViolation(route, status, body);
      if (problem) violations.push(`${route.method.toUpperCase()} ${route.path} answered ${status}: ${problem} in ${JSON.stringify(body).slice(0, 400)}`);
    },
    take: () => violations.splice(0),
  };
}
