import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';
import { localeOf, type Locale } from '../i18n/locale.js';
import { translateMessage } from '../i18n/translate.js';
import type { Logger } from '../utilities/logger.js';

export interface ErrorEnvelope {
  status: false;
  message: string;
  errorCode: number;
  code: string;
  errors?: Array<{ field: string; message: string }>;
  requestId?: string;
}

/** Sequelize's connection-level errors (the database is unreachable, not the query wrong) and ioredis's retry give-up. */
const CONNECTION_ERROR_NAMES = new Set([
  'SequelizeConnectionError',
  'SequelizeConnectionRefusedError',
  'SequelizeConnectionAcquireTimeoutError',
  'SequelizeConnectionTimedOutError',
  'SequelizeHostNotFoundError',
  'SequelizeHostNotReachableError',
  'SequelizeInvalidConnectionError',
  'MaxRetriesPerRequestError',
]);
/** Driver messages of a connection lost or refused: pg ("Connection terminated…") and ioredis (offline, closed). */
const CONNECTION_MESSAGES =
  /^(Connection terminated|Connection is closed|Stream isn't writeable|Client has encountered a connection error|connect ECONNREFUSED|read ECONNRESET|write EPIPE|connect ETIMEDOUT|timeout exceeded when trying to connect)/;
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

/**
 * Whether `error` (or what it wraps: Sequelize's `parent`/`original`, a `cause`) says a dependency (PostgreSQL,
 * Redis) cannot be reached, as opposed to a bug: those answer 503 so clients retry, instead of a 500.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const e = current as { name?: unknown; message?: unknown; code?: unknown; parent?: unknown; original?: unknown; cause?: unknown };
    if (typeof e.name === 'string' && CONNECTION_ERROR_NAMES.has(e.name)) return true;
    if (typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message)) return true;
    if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
    current = e.parent ?? e.original ?? e.cause;
  }
  return false;
}

/**
 * Turns anything thrown into an AppError: body-parser and multer errors keep their 4xx meaning, an unreachable
 * database or Redis becomes a 503, the rest are 500s.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isDependencyUnavailable(error)) {
    return new AppError('SERVICE_UNAVAILABLE', 'Service temporarily unavailable, please retry shortly', { cause: error, headers: { 'Retry-After': '5' } });
  }
  const e = error as { type?: string; status?: number; statusCode?: number; code?: string; message?: string; name?: string; field?: string };
  const status = e.status ?? e.statusCode;
  if (e.type === 'entity.parse.failed') return new AppError('MALFORMED_JSON', 'Malformed JSON body');
  if (e.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', 'Request body too large');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding');
  if (e.name === 'MulterError') {
    if (e.code === 'LIMIT_FILE_SIZE') return new AppError('PAYLOAD_TOO_LARGE', 'File too large');
    return new AppError('VALIDATION_FAILED', e.message ?? 'Invalid upload', { errors: [{ field: e.field ?? 'file', message: e.message ?? 'invalid' }] });
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError('BAD_REQUEST', 'Bad request', { status });
  }
  return new AppError('INTERNAL', 'Internal server error', { cause: error });
}

/**
 * The envelope of `error` in `locale`: the message and each field error's message through the catalogue (AJV's own
 * messages carry their translation from the validator); `code` and `errorCode` never change with the language.
 */
export function renderError(error: AppError, requestId?: string, locale: Locale = 'en'): ErrorEnvelope {
  // Extra fields first: they never replace the envelope's own.
  const message = translateMessage(error.message, locale);
  const envelope: ErrorEnvelope = { ...error.fields, status: false, message, errorCode: error.status, code: error.code };
  if (error.errors?.length) {
    envelope.errors = error.errors.map((e) => ({ field: e.field, message: locale === 'en' ? e.message : (e.translations?.[locale] ?? translateMessage(e.message, locale)) }));
  }
  if (requestId) envelope.requestId = requestId;
  return envelope;
}

/** The one place errors become HTTP answers. 5xx details go to the log with the request id, never to the client. */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    const appError = toAppError(error);
    const requestId = String(res.locals.requestId ?? '');
    if (appError.status >= 500) {
      logger.error(`request ${requestId} failed: ${appError.message}`, appError.cause ?? appError);
    }
    for (const [name, value] of Object.entries(appError.headers ?? {})) res.setHeader(name, value);
    res.status(appError.status).json(renderError(appError, requestId || undefined, localeOf(res)));
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('ROUTE_NOT_FOUND', `Route ${req.method} ${req.path} not found`));
};
