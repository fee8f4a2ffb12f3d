import { createHash } from 'node:crypto';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { AppError, ValidationError, type FieldError } from '../errors/app-error.js';
import { ERROR_CODES, type ErrorCode } from '../errors/error-codes.js';
import type { Logger } from '../utilities/logger.js';

export interface IdempotentResult<T> {
  status: number;
  body: T;
  /** True when this answer is a replay of the first one (or, for a resource, its current state). */
  replayed: boolean;
}

export interface IdempotencyParams {
  username: string;
  scope: string;
  key: string | undefined;
  request: unknown;
}

export interface Answer<T> {
  status: number;
  body: T;
}

/** runWithResource's phases (see there). */
export interface ResourceSteps<T> {
  begin: (t: Transaction) => Promise<string>;
  finish: (resourceId: string) => Promise<Answer<T>>;
  resume: (resourceId: string) => Promise<Answer<T>>;
}

export type IdempotencyService = ReturnType<typeof createIdempotencyService>;

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,255}$/;

interface KeyRow {
  request_hash: string;
  response_status: number | null;
  response_body: unknown;
  resource_id: string | null;
  /** Whether the claim is older than the lease (a claim without an answer that nobody is working on any more). */
  stale: boolean;
}

/** What a refusal is stored as: enough to render it again through the one error handler. */
interface StoredError {
  code: string;
  message: string;
  errors?: FieldError[];
}

const isFieldErrors = (value: unknown): value is FieldError[] =>
  Array.isArray(value) && value.every((e) => typeof (e as FieldError)?.field === 'string' && typeof (e as FieldError)?.message === 'string');

/** A stored refusal, thrown again so the error middleware renders it (with this request's id) like any other error. */
function replayedError(status: number, body: unknown): AppError {
  const stored = (body ?? {}) as Partial<StoredError>;
  const code: ErrorCode = typeof stored.code === 'string' && stored.code in ERROR_CODES ? (stored.code as ErrorCode) : 'BAD_REQUEST';
  return new AppError(code, typeof stored.message === 'string' ? stored.message : undefined, {
    status,
    ...(isFieldErrors(stored.errors) && stored.errors.length ? { errors: stored.errors } : {}),
    headers: { 'Idempotent-Replayed': 'true' },
  });
}

const toStoredError = (error: AppError): StoredError => ({
  code: error.code,
  message: error.message,
  ...(error.errors?.length ? { errors: error.errors } : {}),
});

/**
 * Idempotency-Key support for money routes (Medusa/Stripe style): the first request with a key does the work, its
 * answer is replayed to retries, the same key with a different body is refused (422).
 *
 * The rule: money moved ⇒ its key's record exists. The key is claimed, the money is moved and the answer is written in
 * ONE transaction (`runInTransaction`), so a failure anywhere undoes all three and the retry starts afresh; a
 * concurrent retry waits on the claim and then replays. Work that must finish outside that transaction (a payout: the
 * debit, then Xendit) records in it which row it made (`runWithResource`); a retry whose first request never stored
 * its final answer is answered from that row, never by moving money again. A claim without an answer and without a
 * resource (a checkout in progress, or left by a crash) answers 409 until the lease expires, then may be taken over.
 */
/** A 4xx is the request's answer and is replayed; a 429 is "not now" and leaves the key free for the retry it invites. */
function isRememberedRefusal(error: AppError): boolean {
  return error.status < 500 && error.status !== 429;
}

export function createIdempotencyService(deps: { sequelize: Sequelize; leaseSeconds: number; logger: Logger }) {
  const { sequelize, logger } = deps;

  const hashRequest = (payload: unknown) => createHash('sha256').update(JSON.stringify(payload ?? null)).digest('hex');

  function keyOf(params: IdempotencyParams & { key: string }) {
    if (!KEY_PATTERN.test(params.key)) {
      throw new ValidationError([{ field: 'Idempotency-Key', message: 'must be 1-255 letters, digits or . _ : -' }]);
    }
    return { username: params.username, scope: params.scope, key: params.key, hash: hashRequest(params.request) };
  }
  type Key = ReturnType<typeof keyOf>;

  /** Claims the key in `t` (waiting for a concurrent claim of it to commit or roll back); false when it exists. */
  async function claim(t: Transaction | undefined, key: Key): Promise<boolean> {
    const rows = await sequelize.query(
      `INSERT INTO idempotency_key (username, scope, key, request_hash, response_status, response_body, created_at)
       VALUES (:username, :scope, :key, :hash, NULL, NULL, now())
       ON CONFLICT (username, scope, key) DO NOTHING
       RETURNING 1 AS claimed`,
      { replacements: key, type: QueryTypes.SELECT, ...(t ? { transaction: t } : {}) },
    );
    return rows.length === 1;
  }

  async function read(t: Transaction | undefined, key: Key): Promise<KeyRow | undefined> {
    const [row] = await sequelize.query<KeyRow>(
      `SELECT request_hash, response_status, response_body, resource_id,
              created_at < now() - make_interval(secs => :lease) AS stale
         FROM idempotency_key WHERE username = :username AND scope = :scope AND key = :key`,
      { replacements: { ...key, lease: deps.leaseSeconds }, type: QueryTypes.SELECT, ...(t ? { transaction: t } : {}) },
    );
    return row;
  }

  /** Takes over a claim left without answer or resource for longer than the lease. */
  async function takeOver(t: Transaction | undefined, key: Key): Promise<boolean> {
    const rows = await sequelize.query(
      `UPDATE idempotency_key SET created_at = now()
        WHERE username = :username AND scope = :scope AND key = :key AND request_hash = :hash
          AND response_status IS NULL AND resource_id IS NULL AND created_at < now() - make_interval(secs => :lease)
        RETURNING 1 AS taken`,
      { replacements: { ...key, lease: deps.leaseSeconds }, type: QueryTypes.SELECT, ...(t ? { transaction: t } : {}) },
    );
    return rows.length === 1;
  }

  async function store(t: Transaction | undefined, key: Key, status: number, body: unknown): Promise<void> {
    await sequelize.query(
      `UPDATE idempotency_key SET response_status = :status, response_body = CAST(:body AS jsonb)
        WHERE username = :username AND scope = :scope AND key = :key AND response_status IS NULL`,
      { replacements: { ...key, status, body: JSON.stringify(body ?? null) }, ...(t ? { transaction: t } : {}) },
    );
  }

  async function link(t: Transaction, key: Key, resourceId: string): Promise<void> {
    await sequelize.query(`UPDATE idempotency_key SET resource_id = :resourceId WHERE username = :username AND scope = :scope AND key = :key`, {
      replacements: { ...key, resourceId },
      transaction: t,
    });
  }

  /**
   * Decides what an existing key answers: a replay (or the replayed refusal, thrown), 'resume' for a resource whose
   * final answer was never stored, 'retake' when a stale claim was taken over, or 409 while its first request runs.
   */
  async function existing<T>(t: Transaction | undefined, key: Key): Promise<{ answer: Answer<T> } | { resume: string } | 'retake'> {
    const row = await read(t, key);
    if (!row) throw new AppError('IDEMPOTENCY_KEY_IN_PROGRESS');
    if (row.request_hash !== key.hash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    if (row.response_status !== null) {
      if (row.response_status >= 400) throw replayedError(row.response_status, row.response_body);
      return { answer: { status: row.response_status, body: row.response_body as T } };
    }
    if (row.resource_id !== null) return { resume: row.resource_id };
    if (row.stale && (await takeOver(t, key))) return 'retake';
    throw new AppError('IDEMPOTENCY_KEY_IN_PROGRESS');
  }

  /**
   * Runs `work` with the key claimed in the same transaction, so it commits its money movement and the answer together.
   * A 4xx refusal is stored (its writes rolled back to a savepoint) and replayed; anything else rolls back the claim too.
   * Without a key, `work` runs with no transaction and uses its own.
   */
  async function runInTransaction<T>(params: IdempotencyParams, work: (t: Transaction | undefined) => Promise<Answer<T>>): Promise<IdempotentResult<T>> {
    if (params.key === undefined) return { ...(await work(undefined)), replayed: false };
    const key = keyOf({ ...params, key: params.key });
    const outcome = await sequelize.transaction(async (t): Promise<{ answer: Answer<T>; replayed: boolean } | { refusal: AppError }> => {
      if (!(await claim(t, key))) {
        const found = await existing<T>(t, key);
        if (found !== 'retake') {
          if ('answer' in found) return { answer: found.answer, replayed: true };
          // A resource without an answer is not something this kind of work leaves; never redo it.
          throw new AppError('IDEMPOTENCY_KEY_IN_PROGRESS');
        }
      }
      try {
        const answer = await sequelize.transaction({ transaction: t }, (savepoint) => work(savepoint));
        await store(t, key, answer.status, answer.body);
        return { answer, replayed: false };
      } catch (error) {
        if (!(error instanceof AppError) || !isRememberedRefusal(error)) throw error;
        await store(t, key, error.status, toStoredError(error));
        return { refusal: error };
      }
    });
    if ('refusal' in outcome) throw outcome.refusal;
    return { ...outcome.answer, replayed: outcome.replayed };
  }

  /**
   * For money movements that finish after their transaction (a payout): `begin` moves the money in the transaction
   * that claims the key and records the row it made; `finish` (after commit) completes the work and gives the answer,
   * which is then stored; `resume` answers a retry whose first request never stored a final answer (crashed, failed
   * to store, or is still running), from the current state of that row.
   */
  async function runWithResource<T>(
    params: IdempotencyParams,
    steps: ResourceSteps<T>,
  ): Promise<IdempotentResult<T>> {
    if (params.key === undefined) {
      const resourceId = await sequelize.transaction((t) => steps.begin(t));
      return { ...(await steps.finish(resourceId)), replayed: false };
    }
    const key = keyOf({ ...params, key: params.key });
    const outcome = await sequelize.transaction(
      async (t): Promise<{ answer: Answer<T> } | { resume: string } | { resourceId: string } | { refusal: AppError }> => {
        if (!(await claim(t, key))) {
          const found = await existing<T>(t, key);
          if (found !== 'retake') return found;
        }
        try {
          const resourceId = await sequelize.transaction({ transaction: t }, (savepoint) => steps.begin(savepoint));
          await link(t, key, resourceId);
          return { resourceId };
        } catch (error) {
          if (!(error instanceof AppError) || !isRememberedRefusal(error)) throw error;
          await store(t, key, error.status, toStoredError(error));
          return { refusal: error };
        }
      },
    );
    if ('refusal' in outcome) throw outcome.refusal;
    if ('answer' in outcome) return { ...outcome.answer, replayed: true };
    if ('resume' in outcome) return { ...(await steps.resume(outcome.resume)), replayed: true };

    // Committed: the money moved and the key points at it. Whatever happens now, a retry finds this resource.
    let answer: Answer<T>;
    try {
      answer = await steps.finish(outcome.resourceId);
    } catch (error) {
      // An AppError here is the request's definite answer (e.g. the gateway refused and the money is back): remember it.
      if (error instanceof AppError) await storeQuietly(key, error.status, toStoredError(error), outcome.resourceId);
      throw error;
    }
    await storeQuietly(key, answer.status, answer.body, outcome.resourceId);
    return { ...answer, replayed: false };
  }

  /** Stores a final answer; a failure only means retries are answered from the resource instead. */
  async function storeQuietly(key: Key, status: number, body: unknown, resourceId: string): Promise<void> {
    try {
      await store(undefined, key, status, body);
    } catch (error) {
      logger.warn('idempotency: the final answer could not be stored; retries are answered from the resource', {
        scope: key.scope,
        resourceId,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /**
   * For work that moves no money and talks to a third party before it can answer (checkout): the key is claimed
   * (committed) before `work`, and its answer stored after. A 5xx frees the key for a retry; a claim left by a crash
   * answers 409 until the lease expires.
   */
  async function run<T>(params: IdempotencyParams, work: () => Promise<Answer<T>>): Promise<IdempotentResult<T>> {
    if (params.key === undefined) return { ...(await work()), replayed: false };
    const key = keyOf({ ...params, key: params.key });
    if (!(await claim(undefined, key))) {
      const found = await existing<T>(undefined, key);
      if (found !== 'retake') {
        if ('answer' in found) return { ...found.answer, replayed: true };
        throw new AppError('IDEMPOTENCY_KEY_IN_PROGRESS');
      }
    }
    try {
      const result = await work();
      await store(undefined, key, result.status, result.body);
      return { ...result, replayed: false };
    } catch (error) {
      if (error instanceof AppError && isRememberedRefusal(error)) {
        await store(undefined, key, error.status, toStoredError(error));
      } else {
        await sequelize.query(
          `DELETE FROM idempotency_key WHERE username = :username AND scope = :scope AND key = :key AND response_status IS NULL`,
          { replacements: key },
        );
      }
      throw error;
    }
  }

  return { run, runInTransaction, runWithResource };
}
