/** The API's version, shown in /health tooling and the OpenAPI and AsyncAPI documents. */
export const VERSION = '1.0.0';
