/**
 * Every error code the API can answer with, in one table.
 * `errorCode` in the envelope is the HTTP status (as the seed documents); `code` is the stable machine name.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, message: 'Validation failed' },
  MALFORMED_JSON: { status: 400, message: 'Malformed JSON body' },
  BAD_REQUEST: { status: 400, message: 'Bad request' },
  UNAUTHORIZED: { status: 401, message: 'Unauthorized' },
  FORBIDDEN: { status: 403, message: 'Forbidden' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, message: 'Route not found' },
  CONFLICT: { status: 409, message: 'Conflict' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported media type' },
  UNPROCESSABLE: { status: 422, message: 'Unprocessable entity' },
  MONEY_COOLING_OFF: { status: 423, message: 'Payouts and new bank accounts are paused after a recent security change' },
  TOO_MANY_REQUESTS: { status: 429, message: 'Too many requests' },
  INTERNAL: { status: 500, message: 'Internal server error' },
  BAD_GATEWAY: { status: 502, message: 'Upstream service failed' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'Service unavailable' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
