/**
 * The cost ladder's server (run by bench/ladder/run.ts): a bare Express app with the first STEP pieces of the
 * production GET /verify pipeline added in order, the same packages and settings as src/app.ts and
 * src/middleware/passport.ts, nothing of ours. Every step answers the same small JSON.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createSecretKey, randomUUID } from 'node:crypto';
import cors from 'cors';
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import { Redis } from 'ioredis';
import morgan from 'morgan';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { Histogram, Registry } from 'prom-client';
import { LADDER_KEY } from './steps.js';


const step = Number(process.env.LADDER_STEP ?? 0);
const app = express();
app.disable('x-powered-by');
app.set('trust proxy', 'loopback');
const use = (from: number, handler: RequestHandler) => {
  if (step >= from) app.use(handler);
};
const scope = new AsyncLocalStorage<{ requestId: string }>();
const duration = new Histogram({ name: 'ladder_http_seconds', help: 'ladder', labelNames: ['method', 'route', 'status'], registers: [new Registry()] });

use(1, helmet({ contentSecurityPolicy: false }));
const csp = helmet.contentSecurityPolicy({ directives: { 'upgrade-insecure-requests': null } });
use(1, (req, res, next) => csp(req, res, next));
use(2, cors({ origin: ['http://localhost:3000'], credentials: true, exposedHeaders: ['X-Request-Id', 'Retry-After'] }));
use(3, morgan((t, req, res) => [t.method?.(req, res), t.url?.(req, res), t.status?.(req, res), `${t['response-time']?.(req, res)} ms`].join(' '), { stream: { write: (line: string) => process.stdout.write(line) } }));
use(4, (_req, res, next) => {
  const requestId = randomUUID();
  res.setHeader('X-Request-Id', requestId);
  scope.run({ requestId }, next);
});
use(5, (req, res, next) => {
  const end = duration.startTimer();
  res.once('finish', () => end({ method: req.method, route: '/ladder', status: String(res.statusCode) }));
  next();
});

const key = createSecretKey(LADDER_KEY);
const redis = step >= 7 ? new Redis({ enableAutoPipelining: true, db: 13, host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) }) : null;
const authenticator = new passport.Passport();
authenticator.use(
  'jwt',
  new JwtStrategy(
    {
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      algorithms: ['HS256'],
      secretOrKeyProvider: (_req: unknown, _raw: string, done: (error: unknown, key?: Buffer) => void) => {
        const answer = () => done(null, key as unknown as Buffer);
        if (redis) redis.mget('ladder:a', 'ladder:b', 'ladder:c', 'ladder:d', 'ladder:e').then(answer, done);
        else setImmediate(answer);
      },
    },
    (payload: { user: string }, done: (error: unknown, user?: { user: string }) => void) => done(null, { user: payload.user }),
  ),
);
const authenticate: RequestHandler =
  step >= 6
    ? (req, res, next) =>
        authenticator.authenticate('jwt', { session: false }, (error: unknown, user: { user: string } | false) => {
          if (error || !user) return void res.status(401).json({ status: false });
          res.locals.user = user.user;
          next();
        })(req, res, next)
    : (_req, _res, next) => setImmediate(next);

app.get('/ladder', authenticate, async (_req, res) => {
  await undefined;
  res.json({ status: true, user: (res.locals.user as string | undefined) ?? 'someone', agent: false });
});

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.(typeof address === 'object' && address ? address.port : 0);
});
