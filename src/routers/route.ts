import type { Request, RequestHandler, Response } from 'express';
import type { ErrorCode } from '../errors/error-codes.js';
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
   * Error codes this route can answer beyond those its auth, schemas, body and Idempotency-Key imply (see
   * `errorCodesOf` in openapi.ts); the statuses come from the table in src/errors/error-codes.ts.
   */
  errors?: ErrorCode[];
  /** Header parameters documented in OpenAPI (e.g. Idempotency-Key). */
  headers?: Array<{ name: string; required?: boolean; description: string }>;
  handler: RouteHandler;
}

/** A controller function: the typed input first, then Express's request and response for what input does not cover. */
export type TypedHandler<A extends AuthKind, S extends RouteSchemas> = (input: RequestInput<A, S>, req: Request, res: Response) => unknown;

/** A route declaration whose handler's input is typed by its own `auth` and `schemas`. */
export interface RouteDefinition<A extends AuthKind, S extends RouteSchemas> extends Omit<RouteDeclaration, 'auth' | 'schemas' | 'handler'> {
  auth: A;
  schemas?: S;
  handler: TypedHandler<NoInfer<A>, NoInfer<S>>;
}

/**
 * Declares a route whose handler receives `{ body, query, params, principal }` typed from the route's schemas
 * (json-schema-to-ts reads the `as const` literals) and its auth kind (jwt → the user principal).
 */
export function defineRoute<const A extends AuthKind, const S extends RouteSchemas = Record<never, never>>(definition: RouteDefinition<A, S>): RouteDeclaration {
  const { handler, ...declaration } = definition;
  return { ...declaration, handler: (req, res) => handler(readInput<A, S>(declaration.auth, res), req, res) };
}

function readInput<A extends AuthKind, S extends RouteSchemas>(auth: A, res: Response): RequestInput<A, S> {
  // createValidator, compiled from these same schemas, has checked and parked each part in res.locals.
  const { body, query, params } = res.locals as ValidatedParts<S>;
  return { body, query, params, principal: principalFor(auth, res) };
}
