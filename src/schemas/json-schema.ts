/** The JSON Schema objects AJV validates with and the OpenAPI document is built from. */
export type JsonSchema = Record<string, unknown>;

export interface RouteSchemas {
  body?: JsonSchema;
  query?: JsonSchema;
  params?: JsonSchema;
}
