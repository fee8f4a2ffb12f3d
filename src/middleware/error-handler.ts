import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../utilities/logger.js';

export interface ErrorEnvelope {
  status: false;
  message: string;
  errorCode: number;
  code: string;
  errors?: Array<{ field: string; message: string }>;
  requestId?: string;
}

/** Turns anything thrown into an AppError: body-parser and multer errors keep their 4xx meaning, the rest are 500s. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
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

export function renderError(error: AppError, requestId?: string): ErrorEnvelope {
  const envelope: ErrorEnvelope = { status: false, message: error.message, errorCode: error.status, code: error.code };
  if (error.errors?.length) envelope.errors = error.errors;
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
    res.status(appError.status).json(renderError(appError, requestId || undefined));
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('ROUTE_NOT_FOUND', `Route ${req.method} ${req.path} not found`));
};
