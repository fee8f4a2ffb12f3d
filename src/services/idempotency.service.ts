import { createHash } from 'node:crypto';
import type { Sequelize } from 'sequelize';
import { AppError, ConflictError, ValidationError } from '../errors/app-error.js';
import type { Models } from '../models/index.js';

export interface IdempotentResult<T> {
  status: number;
  body: T;
  /** True when this answer is a replay of the first one. */
  replayed: boolean;
}

export type IdempotencyService = ReturnType<typeof createIdempotencyService>;

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,255}$/;

/**
 * Idempotency-Key support for money routes (Medusa/Stripe style). The first request with a key claims it in
 * PostgreSQL; its answer is stored and replayed to retries. The same key with a different body is refused (422);
 * a retry while the first is still running gets 409 and should retry shortly.
 */
export function createIdempotencyService(deps: { sequelize: Sequelize; models: Models }) {
  const { models } = deps;

  const hashRequest = (payload: unknown) => createHash('sha256').update(JSON.stringify(payload ?? null)).digest('hex');

  return {
    /**
     * Runs `work` once per (username, scope, key). Without a key it simply runs. `work` must do its own writes in
     * its own transaction; only 2xx and 4xx answers are remembered (a 5xx or a 429 frees the key for a retry).
     */
    async run<T>(
      params: { username: string; scope: string; key: string | undefined; request: unknown },
      work: () => Promise<{ status: number; body: T }>,
    ): Promise<IdempotentResult<T>> {
      if (params.key === undefined) return { ...(await work()), replayed: false };
      if (!KEY_PATTERN.test(params.key)) {
        throw new ValidationError([{ field: 'Idempotency-Key', message: 'must be 1-255 letters, digits or . _ : -' }]);
      }
      const requestHash = hashRequest(params.request);
      const where = { username: params.username, scope: params.scope, key: params.key };
      const [row, created] = await models.IdempotencyKey.findOrCreate({
        where,
        defaults: { ...where, request_hash: requestHash, response_status: null, response_body: null },
      });
      if (!created) {
        if (row.request_hash !== requestHash) {
          throw new AppError('UNPROCESSABLE', 'Idempotency-Key was already used with a different request');
        }
        if (row.response_status === null) {
          throw new ConflictError('A request with this Idempotency-Key is still in progress; retry shortly');
        }
        return { status: row.response_status, body: row.response_body as T, replayed: true };
      }
      try {
        const result = await work();
        await models.IdempotencyKey.update({ response_status: result.status, response_body: result.body as object }, { where });
        return { ...result, replayed: false };
      } catch (error) {
        // A 429 is "not now", not an answer: the key stays free for the retry its Retry-After invites.
        if (error instanceof AppError && error.status < 500 && error.status !== 429) {
          const body = { status: false, message: error.message, errorCode: error.status, code: error.code };
          await models.IdempotencyKey.update({ response_status: error.status, response_body: body }, { where });
        } else {
          await models.IdempotencyKey.destroy({ where });
        }
        throw error;
      }
    },
  };
}
