import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/** The JSON Schema objects AJV validates with and the OpenAPI document is built from. */
export type JsonSchema = Record<string, unknown>;

/**
 * The type of a value a request schema accepts, read from the schema literal itself (declared `as const`), as AJV
 * leaves it: properties with a `default` are present, query and path values are already coerced.
 */
export type Infer<S> = S extends JSONSchema ? FromSchema<S> : never;

/** As Infer, with defaulted properties left optional: what a caller inside the server may pass to a service. */
export type InferWithOptionalDefaults<S> = S extends JSONSchema ? FromSchema<S, { keepDefaultedPropertiesOptional: true }> : never;

export interface RouteSchemas {
  body?: JsonSchema;
  query?: JsonSchema;
  params?: JsonSchema;
}

/** What the validator parks for a part the route declares no schema for. */
type Undeclared = Record<string, never>;

type PartOf<S, K extends keyof RouteSchemas> = S extends { [P in K]: infer Schema } ? Infer<Schema> : Undeclared;

/** The validated request parts, typed by the route's schemas. */
export interface ValidatedParts<S extends RouteSchemas> {
  body: PartOf<S, 'body'>;
  query: PartOf<S, 'query'>;
  params: PartOf<S, 'params'>;
}
