import type { Request, RequestHandler, Response } from 'express';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * How a route authenticates:
 * - none: public
 * - jwt: `Authorization: Bearer <token>` for a signed-in user
 * - basic: `Authorization: Basic base64(holder:apiKey)` for internal services
 * - local: username/email + password in the body (POST /auth only)
 * - callback-token: Xendit's `x-callback-token`
 * - registration-token: the token POST /signup answered (Bearer, body `token` or `?token=`)
 */
export type AuthKind = 'none' | 'jwt' | 'basic' | 'local' | 'callback-token' | 'registration-token';

export type JsonSchema = Record<string, unknown>;

export interface RouteSchemas {
  body?: JsonSchema;
  query?: JsonSchema;
  params?: JsonSchema;
}

export type RouteHandler = (req: Request, res: Response) => unknown;

/** One declaration per route: it drives the Express wiring, authentication, validation and the OpenAPI document. */
export interface RouteDeclaration {
  method: HttpMethod;
  /** Express path syntax, e.g. `/address/:id`. */
  path: string;
  auth: AuthKind;
  summary: string;
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
  response?: { status: number; description?: string; schema?: JsonSchema; contentType?: string };
  /** Error statuses this route is documented to answer (401/400/415/500 are implied by auth and schemas). */
  errors?: number[];
  /** Header parameters documented in OpenAPI (e.g. Idempotency-Key). */
  headers?: Array<{ name: string; required?: boolean; description: string }>;
  handler: RouteHandler;
}

/** Identity established by the auth layer, read by controllers with `principalOf(res)`. */
export type Principal =
  | { kind: 'user'; username: string; agent: boolean; jti: string; sid: string | null; exp: number; token: string }
  | { kind: 'service'; holder: string }
  | { kind: 'registration'; registrationId: string; token: string }
  | { kind: 'gateway' };

export interface ValidatedInput<B = unknown, Q = unknown, P = unknown> {
  body: B;
  query: Q;
  params: P;
}
