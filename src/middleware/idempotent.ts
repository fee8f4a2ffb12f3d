import type { RequestHandler, Response } from 'express';
import type { Transaction } from 'sequelize';
import type { Answer, IdempotencyParams, IdempotencyService, IdempotentResult, ResourceSteps } from '../services/idempotency.service.js';
import { userOf } from './request-context.js';

/**
 * What a route declaring `idempotency` hands its handler as `idempotent`: the idempotency service's runners bound to
 * this request's Idempotency-Key, the route's scope, the caller and the validated body. Each one answers the request.
 */
export interface IdempotentRunner {
  /** `run`: the key is claimed before `work` (no money moves; e.g. a checkout calling Xendit). */
  run<T>(work: () => Promise<Answer<T>>): Promise<void>;
  /** `runInTransaction`: `work` moves the money in the transaction that claims the key and stores the answer. */
  inTransaction<T>(work: (t: Transaction | undefined) => Promise<Answer<T>>): Promise<void>;
  /** `runWithResource`: begin/finish/resume, for money movements that finish after their transaction (a payout). */
  withResource<T>(steps: ResourceSteps<T>): Promise<void>;
}

/** Answers an Idempotency-Key-wrapped result; a replay is marked `Idempotent-Replayed: true` (here and nowhere else). */
function sendIdempotent(res: Response, result: IdempotentResult<unknown>): void {
  if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.status(result.status).json(result.body);
}

function bindRunner(idempotency: IdempotencyService, params: IdempotencyParams, res: Response): IdempotentRunner {
  return {
    run: async (work) => sendIdempotent(res, await idempotency.run(params, work)),
    inTransaction: async (work) => sendIdempotent(res, await idempotency.runInTransaction(params, work)),
    withResource: async (steps) => sendIdempotent(res, await idempotency.runWithResource(params, steps)),
  };
}

/** Runs after validation on a signed-in route: parks the bound runner for the handler's input. */
export function bindIdempotency(idempotency: IdempotencyService, scope: string): RequestHandler {
  return (req, res, next) => {
    const params = { username: userOf(res).username, scope, key: req.get('Idempotency-Key'), request: res.locals.body as unknown };
    res.locals.idempotent = bindRunner(idempotency, params, res);
    next();
  };
}

/** The runner bindIdempotency parked (the router binds one for every route that declares `idempotency`). */
export function idempotentOf(res: Response): IdempotentRunner {
  const runner = res.locals.idempotent as IdempotentRunner | undefined;
  if (!runner) throw new Error('idempotent: the router bound no runner for this route');
  return runner;
}
