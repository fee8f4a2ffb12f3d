import express, { type RequestHandler, type Router } from 'express';
import { AppError } from '../errors/app-error.js';
import { bindIdempotency } from '../middleware/idempotent.js';
import { createValidator } from '../middleware/validator.js';
import { userOf } from '../middleware/request-context.js';
import type { Authenticators } from '../middleware/passport.js';
import type { IdempotencyService } from '../services/idempotency.service.js';
import type { RouteDeclaration } from './route.js';

export type { Authenticators };

const METHODS_WITH_BODY = new Set(['post', 'put', 'patch', 'delete']);

function hasBody(req: express.Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';
/** Plain HTML form posts (bodyType 'json-or-form'): flat string fields only, small. */
const formParser = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20, type: FORM_MEDIA_TYPE });

/** 415 unless the body (if any) is of the declared media type. */
function requireMediaType(route: RouteDeclaration): RequestHandler {
  const expected = route.bodyType === 'multipart' ? 'multipart/form-data' : 'application/json';
  return (req, _res, next) => {
    if (!hasBody(req)) return next();
    if (route.bodyType === 'json-or-form' && (req.is('application/json') || req.is(FORM_MEDIA_TYPE))) return next();
    if (route.bodyType === 'json-or-form') {
      return next(new AppError('UNSUPPORTED_MEDIA_TYPE', `Content-Type must be application/json or ${FORM_MEDIA_TYPE}`));
    }
    if (route.bodyType === 'none' || !req.is(expected)) {
      return next(new AppError('UNSUPPORTED_MEDIA_TYPE', `Content-Type must be ${expected}`));
    }
    next();
  };
}

/** Called with every JSON answer a declared route sends (tests check it against the declared schema; unset in production). */
export type JsonAnswerObserver = (route: RouteDeclaration, status: number, body: unknown) => void;

/** Lets `observe` see each JSON answer (errors rendered later included) before it is sent. */
function observeJsonAnswers(route: RouteDeclaration, observe: JsonAnswerObserver): RequestHandler {
  return (_req, res, next) => {
    const send = res.json.bind(res);
    res.json = (body: unknown) => {
      observe(route, res.statusCode, body);
      return send(body);
    };
    next();
  };
}

/** The runners a route declaring `idempotency` hands its handler; only signed-in routes have a caller to key them by. */
function idempotencyFor(route: RouteDeclaration, idempotency: IdempotencyService | undefined): RequestHandler[] {
  if (!route.idempotency) return [];
  if (route.auth !== 'jwt') throw new Error(`${route.method.toUpperCase()} ${route.path}: idempotency needs auth 'jwt'`);
  // A router built without the service (a wiring test) binds nothing; its handler would fail on `idempotent` (idempotentOf).
  return idempotency ? [bindIdempotency(idempotency, route.idempotency.scope)] : [];
}

/** Marks a signed-in user's write as in flight (on this instance) from authentication until the answer has gone out. */
export type UserWriteTracker = (username: string) => () => void;

function trackUserWrite(begin: UserWriteTracker): RequestHandler {
  return (_req, res, next) => {
    const end = begin(userOf(res).username);
    res.once('finish', end);
    res.once('close', end);
    next();
  };
}

/** Wires each declaration into Express: auth and body parsing → extra middleware → validation → idempotency → controller. */
export function buildRouter(
  routes: RouteDeclaration[],
  authenticators: Authenticators,
  jsonParser: RequestHandler,
  options: { observeJsonAnswers?: JsonAnswerObserver; idempotency?: IdempotencyService; trackUserWrites?: UserWriteTracker } = {},
): Router {
  const router = express.Router();
  for (const route of routes) {
    const bodyHandling: RequestHandler[] = [];
    if (METHODS_WITH_BODY.has(route.method)) {
      bodyHandling.push(requireMediaType(route));
      if (route.bodyType !== 'multipart') bodyHandling.push(jsonParser);
      if (route.bodyType === 'json-or-form') bodyHandling.push(formParser);
    }
    // Header-authenticated routes reject strangers before reading their bodies; the others need the body to authenticate.
    const chain: RequestHandler[] =
      route.auth === 'jwt' || route.auth === 'basic'
        ? [authenticators[route.auth], ...bodyHandling]
        : [...bodyHandling, authenticators[route.auth]];
    if (route.auth === 'jwt' && route.method !== 'get' && options.trackUserWrites) chain.splice(1, 0, trackUserWrite(options.trackUserWrites));
    if (options.observeJsonAnswers) chain.unshift(observeJsonAnswers(route, options.observeJsonAnswers));
    chain.push(...(route.before ?? []));
    chain.push(createValidator(route.schemas, { ignoreUnknownQuery: route.method === 'get' }));
    chain.push(...idempotencyFor(route, options.idempotency));
    chain.push(async (req, res) => {
      // One microtask later: the requests whose token checks came back in one Redis reply are all authenticated
      // before any of them is answered, so their answers are written back to back (see README, Performance).
      await undefined;
      await route.handler(req, res);
    });
    router[route.method](route.path, ...chain);
  }
  return router;
}

/** Lists `METHOD path` for every route Express knows, so a test can prove each one has a declaration. */
export function listExpressRoutes(router: Router): string[] {
  const stack = (router as unknown as { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> }).stack;
  return stack
    .filter((layer) => layer.route)
    .flatMap((layer) => Object.keys(layer.route!.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path}`));
}
