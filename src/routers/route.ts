import type { Request, RequestHandler, Response } from 'express';
import type { ErrorCode } from '../errors/error-codes.js';
import { idempotentOf, type IdempotentRunner } from '../middleware/idempotent.js';
import type { AuthKind } from '../middleware/passport.js';
import { principalFor, type RequestInput } from '../middleware/request-context.js';
import type { JsonSchema, RouteSchemas, ValidatedParts } from '../schemas/json-schema.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type RouteHandler = (req: Request, res: Response) => unknown;

/** One declaration per route: it drives the Express wiring, authentication, validation and the OpenAPI document. */
export interface RouteDeclaration {
  method: HttpMethod;
  /** Express path syntax, e.g. `/address/:id`. */
  path: string;
  auth: AuthKind;
  summary: string;
  /** A sentence or two for the docs: what it does, who may call it, what it changes. */
  description?: string;
  tags: string[];
  schemas?: RouteSchemas;
  /**
   * Request body media type; json is the default for POST/PUT/PATCH with a body schema. 'json-or-form' also accepts
   * application/x-www-form-urlencoded (for plain HTML forms, e.g. the mailed-link pages; values arrive as strings).
   */
  bodyType?: 'json' | 'multipart' | 'none' | 'json-or-form';
  /**
   * The one exception to "bodies have additionalProperties: false": why this body must accept fields it does not
   * declare (e.g. a third party's webhook that adds fields over time, where a 400 only triggers retries). Required
   * (a sentence) whenever the body schema is not `additionalProperties: false`; the foundation test checks it.
   */
  bodyAllowsUnknown?: string;
  /** Extra middleware run after auth and before validation (e.g. multer for uploads, rate limits). */
  before?: RequestHandler[];
  /** Main success status and a JSON schema of the answer, for the OpenAPI document. */
  response?: {
    status: number;
    description?: string;
    schema?: JsonSchema;
    contentType?: string;
    /** Other statuses answered with this same schema instead of the error envelope (e.g. /health's 503 DEGRADED). */
    alsoAt?: Array<{ status: number; description: string; example?: unknown }>;
  };
  /**
   * Error codes this route can answer beyond those its auth, schemas, body and idempotency imply (see
   * `errorCodesOf` in openapi.ts); the statuses come from the table in src/errors/error-codes.ts.
   */
  errors?: ErrorCode[];
  /** Header parameters documented in OpenAPI (e.g. Idempotency-Key). */
  headers?: Array<{ name: string; required?: boolean; description: string }>;
  /**
   * Honours Idempotency-Key (jwt routes): the router binds the idempotency runners to the key, this scope, the caller
   * and the body, and hands them to the handler as `idempotent`; the runner answers, marking a replay.
   */
  idempotency?: IdempotencyDeclaration;
  handler: RouteHandler;
}

export interface IdempotencyDeclaration {
  /** The key's namespace in idempotency_key (e.g. 'points:redeem'). */
  scope: string;
}

/** The extra input of a route that declares `idempotency`. */
type IdempotentInput<I> = I extends IdempotencyDeclaration ? { idempotent: IdempotentRunner } : unknown;

/** A controller function: the typed input first, then Express's request and response for what input does not cover. */
export type TypedHandler<A extends AuthKind, S extends RouteSchemas, I = undefined> = (
  input: RequestInput<A, S> & IdempotentInput<I>,
  req: Request,
  res: Response,
) => unknown;

/** A route declaration whose handler's input is typed by its own `auth`, `schemas` and `idempotency`. */
export interface RouteDefinition<A extends AuthKind, S extends RouteSchemas, I extends IdempotencyDeclaration | undefined>
  extends Omit<RouteDeclaration, 'auth' | 'schemas' | 'idempotency' | 'handler'> {
  auth: A;
  schemas?: S;
  idempotency?: I;
  handler: TypedHandler<NoInfer<A>, NoInfer<S>, NoInfer<I>>;
}

/**
 * Declares a route whose handler receives `{ body, query, params, principal }` typed from the route's schemas
 * (json-schema-to-ts reads the `as const` literals) and its auth kind (jwt → the user principal).
 */
export function defineRoute<
  const A extends AuthKind,
  const S extends RouteSchemas = Record<never, never>,
  const I extends IdempotencyDeclaration | undefined = undefined,
>(definition: RouteDefinition<A, S, I>): RouteDeclaration {
  const { handler, ...declaration } = definition;
  return { ...declaration, handler: (req, res) => handler(readInput<A, S, I>(declaration, res), req, res) };
}

function readInput<A extends AuthKind, S extends RouteSchemas, I>(
  declaration: { auth: A; idempotency?: IdempotencyDeclaration | undefined },
  res: Response,
): RequestInput<A, S> & IdempotentInput<I> {
  // createValidator, compiled from these same schemas, has checked and parked each part in res.locals.
  const { body, query, params } = res.locals as ValidatedParts<S>;
  const input = { body, query, params, principal: principalFor(declaration.auth, res) };
  // TypeScript cannot narrow the conditional IdempotentInput<I> on the check; `idempotency` is what decides it.
  return (declaration.idempotency ? { ...input, idempotent: idempotentOf(res) } : input) as RequestInput<A, S> & IdempotentInput<I>;
}
