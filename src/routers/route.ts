import type { Request, RequestHandler, Response } from 'express';
import type { AuthKind } from '../middleware/passport.js';
import type { JsonSchema, RouteSchemas } from '../schemas/json-schema.js';

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
  /** Error statuses this route is documented to answer (401/400/415/500 are implied by auth and schemas). */
  errors?: number[];
  /** Header parameters documented in OpenAPI (e.g. Idempotency-Key). */
  headers?: Array<{ name: string; required?: boolean; description: string }>;
  handler: RouteHandler;
}
