import { ERROR_CODES, type ErrorCode } from './error-codes.js';

export interface FieldError {
  field: string;
  message: string;
  /** The message in other languages when it is not a catalogue text (AJV's messages); never rendered as is. */
  translations?: Partial<Record<'id', string>>;
}

/**
 * The one error type the app throws on purpose; rendered by the error middleware as the seed's envelope.
 * `new AppError('INVOICE_ALREADY_PAID')` answers the table's status and default message; pass a message only when
 * it carries data (a limit, a date, the steps to take).
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly errors?: FieldError[];
  /** Extra response headers (e.g. Retry-After on 429). */
  readonly headers?: Record<string, string>;
  /** Extra envelope fields a client of the original system reads (e.g. `registered` on POST /check/email's 409). */
  readonly fields?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message?: string,
    options: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      /** Sets Retry-After (whole seconds, at least 1): for 429s and 503s the client may retry. */
      retryAfterSeconds?: number;
      cause?: unknown;
      status?: number;
      fields?: Record<string, unknown>;
    } = {},
  ) {
    super(message ?? ERROR_CODES[code].message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code].status;
    if (options.errors) this.errors = options.errors;
    if (options.headers) this.headers = options.headers;
    if (options.retryAfterSeconds !== undefined) {
      this.headers = { ...this.headers, 'Retry-After': String(Math.max(1, Math.ceil(options.retryAfterSeconds))) };
    }
    if (options.fields) this.fields = options.fields;
  }
}

export class ValidationError extends AppError {
  constructor(errors: FieldError[], message = 'Validation failed') {
    super('VALIDATION_FAILED', message, { errors });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message = 'Service unavailable', retryAfterSeconds?: number) {
    super('SERVICE_UNAVAILABLE', message, retryAfterSeconds ? { retryAfterSeconds } : {});
  }
}

export class BadGatewayError extends AppError {
  constructor(message = 'Upstream service failed', cause?: unknown) {
    super('BAD_GATEWAY', message, { cause });
  }
}
