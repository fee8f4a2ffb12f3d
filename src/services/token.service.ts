import { createHash, createHmac, createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import type { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import { Op, QueryTypes, type Sequelize } from 'sequelize';
import type { Config } from '../../config/index.js';
import { AppError, ServiceUnavailableError } from '../errors/app-error.js';
import type { Models } from '../models/index.js';

export interface AccessTokenPayload {
  user: string;
  agent: boolean;
  jti: string;
  /** The session a password login started; /extend carries it on, logout revokes it with every token of it. */
  sid?: string;
  /** Issued-at in milliseconds: compared with the user's not-before mark, which has finer grain than `iat`. */
  ims: number;
  /** When the password login that started this session happened (seconds); /extend carries it on. */
  auth_time: number;
  iat: number;
  exp: number;
}

/** Live channels opened with a token (Socket.io), closed on every instance when the token or the user is revoked. */
export interface RevocationListener {
  /** The token stops working at `atMs` (now, or the end of the grace after /extend). */
  tokenRevoked(jti: string, atMs: number): void;
  sessionRevoked(sid: string): void;
  userRevoked(username: string): void;
}

/** Who a verified token speaks for, and until when it may be used (its expiry, or the end of an /extend grace). */
export interface TokenIdentity {
  jti: string;
  sid: string | null;
  /** Signed the original system's way (no jti); accepted only until LEGACY_TOKENS_UNTIL. */
  legacy: boolean;
  usableUntilMs: number;
}

export interface IssuedToken {
  token: string;
  exp: number;
  jti: string;
}

interface CachedUserKey {
  /** auth:ver:<user> as it was when this entry was loaded; any change means reload. */
  version: string | null;
  /** auth:epoch when loaded: a Redis that came back empty (new epoch) makes every instance reload every key. */
  epoch: string;
  key: KeyObject | null;
  /** The original system's key (the bare hash slice), for tokens it signed; null when those are refused. */
  legacyKey: KeyObject | null;
  disabled: boolean;
}

export const JWT_ALGORITHM = 'HS256';
const MAX_CACHED_KEYS = 50_000;
const REBUILD_BATCH = 1_000;

/**
 * Sets KEYS[1] to ARGV[1] (ms) until ARGV[2] (ms since the epoch) unless it already holds a smaller number: a
 * revocation only ever moves earlier (a logout during an /extend grace ends the grace).
 */
const SET_MIN_UNTIL_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '')
if current == nil or current > tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
end
return 1`;

/** Sets KEYS[1] to ARGV[1] (a number) for ARGV[2] ms unless it already holds a larger number: marks only move forward. */
const SET_MAX_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current == nil or current < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1`;

/**
 * The seed's per-user JWT key (a slice of the password hash, so a password change kills every token), hardened:
 * the slice is HMAC'd with SECRET_AUTH_CONFIG, so a leaked database alone cannot mint tokens.
 */
export function deriveUserKey(secret: string, passwordHash: string): KeyObject {
  return createSecretKey(createHmac('sha256', secret).update(originalKeyOf(passwordHash)).digest());
}

/** The original system's JWT key: `pwd.slice(32, 48) + pwd.slice(14, 30)`, used as is. */
function originalKeyOf(passwordHash: string): string {
  return passwordHash.slice(32, 48) + passwordHash.slice(14, 30);
}

/** A token of the original system has no jti: its revocation entries are keyed by a hash of the token itself. */
export function legacyTokenId(rawToken: string): string {
  return `legacy:${createHash('sha256').update(rawToken).digest('base64url')}`;
}

const sessionEntryId = (sid: string) => `sid:${sid}`;
/** A denylist value is the instant (ms) the entry starts refusing; entries written as '1' refuse at once. */
const refusesNow = (value: string | null, nowMs: number) => value !== null && Number(value) <= nowMs;

export type TokenService = ReturnType<typeof createTokenService>;

/**
 * Issues and checks access tokens. Derived keys are cached in-process (a KeyObject verifies ~50x faster than a
 * string secret); one Redis round trip per request checks the logout denylist and the user's key version, which
 * password changes, deactivation and logout-all bump so every instance reloads the key.
 *
 * Revocation state lives in PostgreSQL (token_denylist, token_not_before), written before its Redis copy. Redis holds
 * the copy the hot path reads, plus a sentinel `auth:epoch` written when the copy is complete. A Redis that restarted
 * without its data has no sentinel: the first request that sees it missing rebuilds the copy from PostgreSQL (one
 * rebuild per process at a time; rebuilds on several instances are harmless, marks only move forward), then writes
 * a new epoch, which also makes every instance reload its cached keys. A failover or a restart from an old snapshot
 * may keep the sentinel but lose the latest writes: after every reconnect the first check compares the server's
 * run_id with the one last seen and rebuilds when it changed (so also once per process start).
 */
export function createTokenService(deps: { auth: Config['auth']; redis: Redis; models: Models; sequelize: Sequelize; channels?: RevocationListener }) {
  const { auth, redis, models, sequelize } = deps;
  const cache = new Map<string, CachedUserKey>();
  const versionKey = (username: string) => `auth:ver:${username}`;
  const denyKey = (jti: string) => `auth:deny:${jti}`;
  const notBeforeKey = (username: string) => `auth:nbf:${username}`;
  const EPOCH_KEY = 'auth:epoch';
  const tokenLifetimeMs = auth.jwtExpiresInSeconds * 1000;
  let rebuilding: Promise<void> | undefined;
  // A failover or a restart from an old snapshot keeps the sentinel but may have lost the latest revocations. Both
  // mean a reconnect to a server with another run_id: after every (re)connection the first check asks for it once and
  // rebuilds the copy when it changed (or is not known yet: the copy is rebuilt once per process start).
  let connectionChecked = false;
  let knownRunId: string | undefined;
  let checkingConnection: Promise<void> | undefined;
  redis.on('ready', () => {
    connectionChecked = false;
  });

  const storeUnavailable = () => new ServiceUnavailableError('Session store is unavailable, please retry shortly', 5);

  async function loadUserKey(username: string, version: string | null, epoch: string): Promise<CachedUserKey> {
    const login = await models.UserLogin.findByPk(username, { attributes: ['pwd', 'disabled'], raw: true });
    const entry: CachedUserKey = {
      version,
      epoch,
      key: login ? deriveUserKey(auth.secret, login.pwd) : null,
      legacyKey: login && auth.legacyTokensUntilMs !== null ? createSecretKey(Buffer.from(originalKeyOf(login.pwd))) : null,
      disabled: login?.disabled ?? true,
    };
    if (cache.size >= MAX_CACHED_KEYS) cache.clear();
    cache.set(username, entry);
    return entry;
  }

  interface RevocationState {
    denied: boolean;
    /** When the token's own entry starts refusing (an /extend grace); Infinity without one. */
    deniedFromMs: number;
    version: string | null;
    notBeforeMs: number;
    epoch: string | null;
  }

  async function readRevocationState(jti: string, sid: string | null, username: string): Promise<RevocationState> {
    let values: Array<string | null>;
    try {
      values = await redis.mget(EPOCH_KEY, versionKey(username), notBeforeKey(username), denyKey(jti), denyKey(sessionEntryId(sid ?? '-')));
    } catch {
      throw storeUnavailable();
    }
    const [epoch, version, notBefore, tokenEntry, sessionEntry] = values;
    const nowMs = Date.now();
    return {
      denied: refusesNow(tokenEntry ?? null, nowMs) || (sid !== null && refusesNow(sessionEntry ?? null, nowMs)),
      deniedFromMs: tokenEntry ? Number(tokenEntry) : Infinity,
      version: version ?? null,
      notBeforeMs: Number(notBefore ?? 0),
      epoch: epoch ?? null,
    };
  }

  /**
   * Copies every revocation that can still matter from PostgreSQL into Redis, then writes the sentinel: a new epoch
   * when it is missing, or always (`renewEpoch`) after a server change, so every instance reloads its cached keys.
   */
  async function rebuildRedisCopy(renewEpoch: boolean): Promise<void> {
    const nowMs = Date.now();
    await models.TokenDenylist.destroy({ where: { expires_at: { [Op.lte]: new Date(nowMs) } } });
    const denied = await models.TokenDenylist.findAll({ attributes: ['jti', 'expires_at', 'denied_from'], raw: true });
    // A mark older than a token lifetime refuses nothing: every token issued before it has expired.
    const marks = await models.TokenNotBefore.findAll({
      attributes: ['username', 'not_before_ms'],
      where: { not_before_ms: { [Op.gt]: nowMs - tokenLifetimeMs } },
      raw: true,
    });
    for (let i = 0; i < Math.max(denied.length, marks.length); i += REBUILD_BATCH) {
      const batch = redis.pipeline();
      for (const row of denied.slice(i, i + REBUILD_BATCH)) {
        batch.eval(SET_MIN_UNTIL_SCRIPT, 1, denyKey(row.jti), String(new Date(row.denied_from).getTime()), String(new Date(row.expires_at).getTime()));
      }
      for (const row of marks.slice(i, i + REBUILD_BATCH)) {
        batch.eval(SET_MAX_SCRIPT, 1, notBeforeKey(row.username), String(row.not_before_ms), String(Math.max(1000, row.not_before_ms + tokenLifetimeMs - nowMs)));
      }
      const results = await batch.exec();
      const failed = results?.find(([error]) => error);
      if (failed) throw failed[0] as Error;
    }
    if (renewEpoch) await redis.set(EPOCH_KEY, randomUUID());
    else await redis.set(EPOCH_KEY, randomUUID(), 'NX');
  }

  function rebuildOnce(renewEpoch = false): Promise<void> {
    rebuilding ??= rebuildRedisCopy(renewEpoch).finally(() => {
      rebuilding = undefined;
    });
    return rebuilding;
  }

  async function checkConnection(): Promise<void> {
    const info = await redis.info('server');
    const runId = /^run_id:(\S+)/m.exec(info)?.[1] ?? 'unknown';
    if (runId !== knownRunId) {
      // Not on the first check of a process: its cache is empty, and other instances need no reload for it.
      await rebuildOnce(knownRunId !== undefined);
      knownRunId = runId;
    }
    connectionChecked = true;
  }

  /** The state, after making sure the Redis copy is complete (rebuilt after a server change or a missing sentinel). */
  async function readCompleteRevocationState(jti: string, sid: string | null, username: string): Promise<RevocationState & { epoch: string }> {
    if (!connectionChecked) {
      checkingConnection ??= checkConnection().finally(() => {
        checkingConnection = undefined;
      });
      await checkingConnection.catch(() => {
        throw storeUnavailable();
      });
    }
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const state = await readRevocationState(jti, sid, username);
      if (state.epoch !== null) return { ...state, epoch: state.epoch };
      try {
        await rebuildOnce();
      } catch (error) {
        if (error instanceof ServiceUnavailableError) throw error;
        throw storeUnavailable();
      }
    }
    throw storeUnavailable();
  }

  /** Identity claims of a decoded token, or null when it has none we accept (no exp; no jti outside the legacy window). */
  function identify(decoded: jwt.JwtPayload | null, rawToken: string): Omit<TokenIdentity, 'usableUntilMs'> | null {
    if (typeof decoded?.exp !== 'number') return null;
    const sid = typeof decoded.sid === 'string' ? decoded.sid : null;
    if (typeof decoded.jti === 'string') return { jti: decoded.jti, sid, legacy: false };
    const legacyAccepted = auth.legacyTokensUntilMs !== null && Date.now() < auth.legacyTokensUntilMs;
    return legacyAccepted ? { jti: legacyTokenId(rawToken), sid: null, legacy: true } : null;
  }

  /** The key a presented token must verify against and who it speaks for; throws 401 when it must be refused. */
  async function check(rawToken: string): Promise<{ key: KeyObject; identity: TokenIdentity }> {
    const decoded = jwt.decode(rawToken, { json: true });
    const username = typeof decoded?.user === 'string' ? decoded.user : undefined;
    // A token without `exp` would never expire: refused, whoever signed it.
    const identity = identify(decoded, rawToken);
    if (!username || !identity) throw new AppError('TOKEN_INVALID');
    const state = await readCompleteRevocationState(identity.jti, identity.sid, username);
    if (state.denied) throw new AppError('TOKEN_REVOKED');
    // Only ever used to refuse: a forged `ims` still has to pass the signature check that follows. Tokens of the
    // original system have none, so any not-before mark (a password change, a deactivation) refuses them.
    const issuedAtMs = typeof decoded?.ims === 'number' ? decoded.ims : 0;
    if (issuedAtMs < state.notBeforeMs) throw new AppError('TOKEN_REVOKED');
    let entry = cache.get(username);
    if (!entry || entry.version !== state.version || entry.epoch !== state.epoch) entry = await loadUserKey(username, state.version, state.epoch);
    const key = identity.legacy ? entry.legacyKey : entry.key;
    if (!key) throw new AppError('TOKEN_INVALID');
    if (entry.disabled) throw new AppError('TOKEN_ACCOUNT_DISABLED');
    const expiresAtMs = (decoded?.exp ?? 0) * 1000;
    return { key, identity: { ...identity, usableUntilMs: Math.min(expiresAtMs, state.deniedFromMs) } };
  }

  /** Writes a revocation entry (PostgreSQL first, then its Redis copy); answers whether this call created it. */
  async function writeRevocation(id: string, username: string, deniedFromMs: number, expiresAtMs: number): Promise<{ created: boolean; deniedFromMs: number }> {
    let rows: Array<{ created: boolean; denied_from: Date }>;
    try {
      rows = await sequelize.query(
        `WITH purged AS (
           DELETE FROM token_denylist WHERE jti IN (SELECT jti FROM token_denylist WHERE expires_at < now() LIMIT 100)
         )
         INSERT INTO token_denylist (jti, username, expires_at, denied_from) VALUES (:id, :username, :expiresAt, :deniedFrom)
         ON CONFLICT (jti) DO UPDATE SET denied_from = LEAST(token_denylist.denied_from, EXCLUDED.denied_from)
         RETURNING (xmax = 0) AS created, denied_from`,
        { replacements: { id, username, expiresAt: new Date(expiresAtMs), deniedFrom: new Date(deniedFromMs) }, type: QueryTypes.SELECT },
      );
    } catch {
      throw storeUnavailable();
    }
    const row = rows[0]!;
    const effectiveFromMs = new Date(row.denied_from).getTime();
    await redis.eval(SET_MIN_UNTIL_SCRIPT, 1, denyKey(id), String(effectiveFromMs), String(expiresAtMs));
    return { created: row.created, deniedFromMs: effectiveFromMs };
  }

  return {
    /**
     * Signs a token for the user whose current password hash is `passwordHash`. `authTime` (seconds) is when the
     * password login that started the session happened (default: now); no token outlives the absolute session
     * lifetime counted from it, and one past it is refused (401). `sessionId` continues a session (/extend); without
     * it a new session starts.
     */
    issue(username: string, passwordHash: string, agent: boolean, options: { authTime?: number; sessionId?: string | null } = {}): IssuedToken {
      const key = deriveUserKey(auth.secret, passwordHash);
      const nowMs = Date.now();
      const now = Math.floor(nowMs / 1000);
      const authTime = options.authTime ?? now;
      const exp = Math.min(now + auth.jwtExpiresInSeconds, authTime + auth.sessionAbsoluteLifetimeSeconds);
      if (exp <= now) throw new AppError('TOKEN_EXPIRED');
      const sid = options.sessionId ?? randomUUID();
      const payload: AccessTokenPayload = { user: username, agent, jti: randomUUID(), sid, ims: nowMs, auth_time: authTime, iat: now, exp };
      // No `noTimestamp`: jsonwebtoken would delete our iat; without it, it keeps the iat we set.
      return { token: jwt.sign(payload, key, { algorithm: JWT_ALGORITHM }), exp, jti: payload.jti };
    },

    /** The key a presented token must verify against; throws 401 for revoked, unknown or disabled users. */
    async keyForToken(rawToken: string): Promise<KeyObject> {
      return (await check(rawToken)).key;
    },

    /** Verifies signature, algorithm and expiry; used where Passport is not (Socket.io handshakes). */
    async verify(rawToken: string): Promise<{ payload: AccessTokenPayload; identity: TokenIdentity }> {
      const { key, identity } = await check(rawToken);
      try {
        return { payload: jwt.verify(rawToken, key, { algorithms: [JWT_ALGORITHM] }) as AccessTokenPayload, identity };
      } catch {
        throw new AppError('TOKEN_INVALID');
      }
    },

    /** The token id (jti, or a hash of an original-system token) and session of a verified token's payload. */
    identityOf(payload: Partial<AccessTokenPayload>, rawToken: string): { jti: string; sid: string | null } {
      return { jti: typeof payload.jti === 'string' ? payload.jti : legacyTokenId(rawToken), sid: typeof payload.sid === 'string' ? payload.sid : null };
    },

    /** When the session of a (verified) token started: its `auth_time`, or `iat` for tokens issued before it existed. */
    authTimeOf(rawToken: string): number {
      const decoded = jwt.decode(rawToken, { json: true });
      if (typeof decoded?.auth_time === 'number') return decoded.auth_time;
      return typeof decoded?.iat === 'number' ? decoded.iat : 0;
    },

    /**
     * This token is refused everywhere from now, or after `graceSeconds` (the token /extend replaced), until it would
     * have expired anyway; sockets opened with it close on every instance then. An earlier revocation always wins
     * (a logout during the grace ends it). Answers whether this call revoked it (false: it was revoked already, e.g.
     * by a concurrent /extend with the same token).
     */
    async revoke(jti: string, exp: number, username: string, options: { graceSeconds?: number } = {}): Promise<boolean> {
      const nowMs = Date.now();
      const expiresAtMs = Math.max(nowMs + 1000, exp * 1000);
      const { created, deniedFromMs } = await writeRevocation(jti, username, nowMs + (options.graceSeconds ?? 0) * 1000, expiresAtMs);
      deps.channels?.tokenRevoked(jti, deniedFromMs);
      return created;
    },

    /**
     * Logout: every token of the session (the one presented, the one /extend replaced in its grace, any it issued)
     * is refused from now until the session could have ended, and its sockets close on every instance.
     */
    async revokeSession(sid: string, username: string, authTime: number): Promise<void> {
      const nowMs = Date.now();
      const sessionEndMs = Math.max(nowMs + 1000, (authTime + auth.sessionAbsoluteLifetimeSeconds) * 1000);
      await writeRevocation(sessionEntryId(sid), username, nowMs, sessionEndMs);
      deps.channels?.sessionRevoked(sid);
    },

    /**
     * Password change, reset, deactivation, agent demotion: every token issued before now is refused on every
     * instance (a not-before mark kept for a token lifetime), every instance reloads the user's key, and every
     * session of the user is over.
     */
    async invalidateUser(username: string): Promise<void> {
      cache.delete(username);
      const nowMs = Date.now();
      try {
        await sequelize.query(
          `INSERT INTO token_not_before (username, not_before_ms) VALUES (:username, :nowMs)
           ON CONFLICT (username) DO UPDATE
             SET not_before_ms = GREATEST(token_not_before.not_before_ms, EXCLUDED.not_before_ms), updated_at = now()`,
          { replacements: { username, nowMs }, type: QueryTypes.INSERT },
        );
      } catch {
        throw storeUnavailable();
      }
      await redis
        .multi()
        .eval(SET_MAX_SCRIPT, 1, notBeforeKey(username), String(nowMs), String(tokenLifetimeMs))
        .incr(versionKey(username))
        .exec();
      // No session of the user has a live token any more: the session list says so.
      await models.UserSession.update({ revoked_at: new Date(nowMs) }, { where: { username, revoked_at: null } });
      deps.channels?.userRevoked(username);
    },
  };
}
