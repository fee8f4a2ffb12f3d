import cors from 'cors';
import express, { type Express } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { Config } from '../config/index.js';
import { AppError } from './errors/app-error.js';
import { createAccessLog } from './middleware/access-log.js';
import { createErrorHandler, notFoundHandler } from './middleware/error-handler.js';
import { createHttpMetrics } from './middleware/http-metrics.js';
import { localeMiddleware } from './middleware/locale.js';
import { requestId } from './middleware/request-id.js';
import { contentSecurityPolicy, securityHeaders } from './middleware/security-headers.js';
import { buildOpenApiDocument } from './routers/openapi.js';
import { buildRouter, type Authenticators, type JsonAnswerObserver, type UserWriteTracker } from './routers/router-builder.js';
import type { RouteDeclaration } from './routers/route.js';
import type { Logger } from './utilities/logger.js';
import { trustProxySetting } from './utilities/trust-proxy.js';
import type { Metrics } from './services/metrics.service.js';
import type { IdempotencyService } from './services/idempotency.service.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  routes: RouteDeclaration[];
  authenticators: Authenticators;
  version: string;
  /** The HTTP duration histogram (absent in apps built without the service graph). */
  metrics?: Pick<Metrics, 'httpDuration'>;
  /** Where morgan writes; defaults to stdout. */
  accessLogWrite?: (line: string) => void;
  /** Colour the access log; defaults to whether stdout is a TTY. */
  accessLogColours?: boolean;
  /** Binds the Idempotency-Key runners of routes that declare `idempotency` (absent in apps built without the service graph). */
  idempotency?: IdempotencyService;
  /** Sees every JSON answer of a declared route (tests validate it against the route's schemas). */
  observeJsonAnswers?: JsonAnswerObserver;
  /** Told when a signed-in user's write starts and ends here (the profile cache reads through meanwhile). */
  trackUserWrites?: UserWriteTracker;
}

/** The Express app: no listen, no globals. Everything it needs arrives in `deps`. */
export function createApp(deps: AppDeps): Express {
  const { config, logger, routes } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(config.server.trustProxy));
  app.set('query parser', 'simple');

  app.use(requestId);
  app.use(localeMiddleware);
  if (deps.metrics) app.use(createHttpMetrics(deps.metrics));
  if (config.server.accessLog) app.use(createAccessLog(deps.accessLogWrite, deps.accessLogColours));
  app.use(securityHeaders());
  app.use(
    cors({
      origin: config.server.corsOrigins,
      credentials: true,
      exposedHeaders: ['X-Request-Id', 'Retry-After'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
    }),
  );

  const openApiDocument = buildOpenApiDocument(routes, { version: deps.version, publicUrl: config.server.publicUrl });
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  // Swagger UI needs inline styles and its own scripts; relax the CSP for /docs only. "Try it out" calls the origin the
  // page was loaded from ('self', the document's first server "/") or PUBLIC_URL (its second server).
  app.use(
    '/docs',
    contentSecurityPolicy({
      'script-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      'connect-src': ["'self'", new URL(config.server.publicUrl).origin],
    }),
    swaggerUi.serve,
    swaggerUi.setup(openApiDocument, { customSiteTitle: 'UserState API docs' }),
  );
  app.use(
    '/resources/user_profile_img',
    express.static(config.upload.profileImageDir, { dotfiles: 'deny', index: false, fallthrough: true, maxAge: '1h' }),
  );

  const jsonParser = express.json({ limit: config.server.jsonBodyLimit, strict: true, type: 'application/json' });
  app.use(
    buildRouter(routes, deps.authenticators, jsonParser, {
      observeJsonAnswers: deps.observeJsonAnswers,
      idempotency: deps.idempotency,
      trackUserWrites: deps.trackUserWrites,
    }),
  );

  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));
  return app;
}

export { AppError };
