import { timingSafeEqual, createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import passport from 'passport';
import { BasicStrategy } from 'passport-http';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { AppError } from '../errors/app-error.js';
import type { ApiKeyService } from '../services/api-key.service.js';
import { JWT_ALGORITHM, type AccessTokenPayload, type TokenService } from '../services/token.service.js';
import { setPrincipal, type PRINCIPAL_KIND_BY_AUTH, type Principal } from './request-context.js';

/**
 * How a route authenticates:
 * - none: public
 * - jwt: `Authorization: Bearer <token>` for a signed-in user
 * - basic: `Authorization: Basic base64(holder:apiKey)` for internal services
 * - local: username/email + password in the body (POST /auth only); the route's controller checks them through the
 *   auth service, so this guard lets the request through to validation
 * - callback-token: Xendit's `x-callback-token`
 * - registration-token: the token POST /signup answered (Bearer, body `token` or `?token=`)
 */
export type AuthKind = keyof typeof PRINCIPAL_KIND_BY_AUTH;

export type Authenticators = Record<AuthKind, RequestHandler>;

export interface AuthDeps {
  tokens: TokenService;
  apiKeys: ApiKeyService;
  callbackToken: string;
  /** Resolves the registration token POST /signup answered; throws 401 for an unknown or expired one, 409 for a used one. */
  registrationToken: (token: string) => Promise<{ registrationId: string }>;
}

const BEARER = /^Bearer [A-Za-z0-9._~+/-]+=*$/;

/** Runs a Passport strategy without sessions and turns its outcome into a Principal or an AppError. */
function authenticateWith(instance: passport.Authenticator, strategy: string, failure: () => AppError): RequestHandler {
  return (req, res, next) => {
    instance.authenticate(strategy, { session: false }, (error: unknown, principal: Principal | false, info: unknown) => {
      if (error) return next(error);
      if (!principal) return next(info instanceof AppError ? info : failure());
      setPrincipal(res, principal);
      next();
    })(req, res, next);
  };
}

function sameSecret(presented: string, expected: string): boolean {
  // Hash both so lengths match and the comparison time says nothing about the expected value.
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The 'registration-token' guard: the token POST /signup answered (or the mailed link token), taken from
 * `Authorization: Bearer`, the body's `token` or `?token=` (the seed's verifyToken). `resolve` throws 401 for an
 * unknown or expired token and 409 for one already used.
 */
function createRegistrationTokenAuth(resolve: AuthDeps['registrationToken']): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization;
    const body: unknown = req.body;
    const fromBody = body && typeof body === 'object' ? (body as Record<string, unknown>).token : undefined;
    const fromQuery = (req.query as Record<string, unknown>).token;
    let token: string | undefined;
    if (header !== undefined) {
      if (!BEARER.test(header)) return next(new AppError('REGISTRATION_TOKEN_MISSING'));
      token = header.slice('Bearer '.length);
    } else if (typeof fromBody === 'string') {
      token = fromBody;
    } else if (typeof fromQuery === 'string') {
      token = fromQuery;
    }
    if (!token) return next(new AppError('REGISTRATION_TOKEN_MISSING'));
    const presented = token;
    resolve(presented).then(
      ({ registrationId }) => {
        setPrincipal(res, { kind: 'registration', registrationId, token: presented });
        next();
      },
      (error: unknown) => next(error),
    );
  };
}

/** Builds one authenticator per AuthKind: Passport's jwt and basic strategies, Xendit's callback token, the registration token. */
export function createAuthenticators(deps: AuthDeps): Authenticators {
  const instance = new passport.Passport();

  instance.use(
    'jwt',
    new JwtStrategy(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        algorithms: [JWT_ALGORITHM],
        passReqToCallback: true,
        secretOrKeyProvider: (_req: Request, rawToken: string, done: (err: unknown, key?: string | Buffer) => void) => {
          deps.tokens.keyForToken(rawToken).then(
            // jsonwebtoken accepts a KeyObject; the typings only list string | Buffer.
            (key) => done(null, key as unknown as Buffer),
            (error: unknown) => done(error),
          );
        },
      },
      (req: Request, payload: AccessTokenPayload, done: (err: unknown, user?: Principal | false) => void) => {
        const token = (req.headers.authorization ?? '').slice('Bearer '.length);
        // The verified payload already holds the claims; a token of the original system has no jti (named by its hash).
        const { jti, sid } = deps.tokens.identityOf(payload, token);
        done(null, { kind: 'user', username: payload.user, agent: Boolean(payload.agent), jti, sid, exp: payload.exp, token });
      },
    ),
  );

  instance.use(
    'basic',
    new BasicStrategy({ passReqToCallback: true }, (req: Request, holder: string, key: string, done: (err: unknown, user?: Principal | false) => void) => {
      deps.apiKeys.verify(holder, key, req.ip ?? 'unknown').then(
        (ok) => done(null, ok ? { kind: 'service', holder } : false),
        (error: unknown) => done(error),
      );
    }),
  );

  const jwtAuth = authenticateWith(instance, 'jwt', () => new AppError('BEARER_TOKEN_INVALID'));
  const basicAuth = authenticateWith(instance, 'basic', () => new AppError('API_CREDENTIAL_INVALID'));

  return {
    none: (_req, _res, next) => next(),
    jwt: (req, res, next) => {
      const header = req.headers.authorization;
      // passport-jwt answers a key-provider failure with the provider's message; malformed headers stop here.
      if (!header || !BEARER.test(header)) return next(new AppError('BEARER_TOKEN_INVALID'));
      jwtAuth(req, res, (error?: unknown) => {
        if (error instanceof AppError) return next(error);
        if (error) return next(error);
        next();
      });
    },
    basic: (req, res, next) => {
      if (!/^Basic [A-Za-z0-9+/]+=*$/.test(req.headers.authorization ?? '')) {
        res.setHeader('WWW-Authenticate', 'Basic realm="userstate"');
        return next(new AppError('API_CREDENTIAL_INVALID'));
      }
      basicAuth(req, res, next);
    },
    'callback-token': (req, res, next) => {
      const presented = req.get('x-callback-token');
      if (!presented) return next(new AppError('CALLBACK_TOKEN_MISSING'));
      if (!sameSecret(presented, deps.callbackToken)) return next(new AppError('CALLBACK_TOKEN_INVALID'));
      setPrincipal(res, { kind: 'gateway' });
      next();
    },
    local: (_req, _res, next) => next(),
    'registration-token': createRegistrationTokenAuth(deps.registrationToken),
  };
}
