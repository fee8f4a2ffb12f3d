import { createHmac, createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import type { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import type { Config } from '../../config/index.js';
import { ServiceUnavailableError, UnauthorizedError } from '../errors/app-error.js';
import type { Models } from '../models/index.js';

export interface AccessTokenPayload {
  user: string;
  agent: boolean;
  jti: string;
  /** Issued-at in milliseconds: compared with the user's not-before mark, which has finer grain than `iat`. */
  ims: number;
  iat: number;
  exp: number;
}

export interface IssuedToken {
  token: string;
  exp: number;
}

interface CachedUserKey {
  /** auth:ver:<user> as it was when this entry was loaded; any change means reload. */
  version: string | null;
  key: KeyObject | null;
  disabled: boolean;
}

export const JWT_ALGORITHM = 'HS256';
const MAX_CACHED_KEYS = 50_000;

/**
 * The seed's per-user JWT key (a slice of the password hash, so a password change kills every token), hardened:
 * the slice is HMAC'd with SECRET_AUTH_CONFIG, so a leaked database alone cannot mint tokens.
 */
export function deriveUserKey(secret: string, passwordHash: string): KeyObject {
  const slice = passwordHash.slice(32, 48) + passwordHash.slice(14, 30);
  return createSecretKey(createHmac('sha256', secret).update(slice).digest());
}

export type TokenService = ReturnType<typeof createTokenService>;

/**
 * Issues and checks access tokens. Derived keys are cached in-process (a KeyObject verifies ~50x faster than a
 * string secret); one Redis round trip per request checks the logout denylist and the user's key version, which
 * password changes, deactivation and logout-all bump so every instance reloads the key.
 */
export function createTokenService(deps: { auth: Config['auth']; redis: Redis; models: Models }) {
  const { auth, redis, models } = deps;
  const cache = new Map<string, CachedUserKey>();
  const versionKey = (username: string) => `auth:ver:${username}`;
  const denyKey = (jti: string) => `auth:deny:${jti}`;
  const notBeforeKey = (username: string) => `auth:nbf:${username}`;

  async function loadUserKey(username: string, version: string | null): Promise<CachedUserKey> {
    const login = await models.UserLogin.findByPk(username, { attributes: ['pwd', 'disabled'], raw: true });
    const entry: CachedUserKey = {
      version,
      key: login ? deriveUserKey(auth.secret, login.pwd) : null,
      disabled: login?.disabled ?? true,
    };
    if (cache.size >= MAX_CACHED_KEYS) cache.clear();
    cache.set(username, entry);
    return entry;
  }

  async function readRevocationState(
    jti: string,
    username: string,
  ): Promise<{ denied: boolean; version: string | null; notBeforeMs: number }> {
    try {
      const [denied, version, notBefore] = await redis.mget(denyKey(jti), versionKey(username), notBeforeKey(username));
      return { denied: denied !== null, version: version ?? null, notBeforeMs: Number(notBefore ?? 0) };
    } catch (error) {
      throw new ServiceUnavailableError('Session store is unavailable, please retry shortly', 5);
    }
  }

  return {
    /** Signs a token for the user whose current password hash is `passwordHash`. */
    issue(username: string, passwordHash: string, agent: boolean): IssuedToken {
      const key = deriveUserKey(auth.secret, passwordHash);
      const nowMs = Date.now();
      const now = Math.floor(nowMs / 1000);
      const exp = now + auth.jwtExpiresInSeconds;
      const payload: AccessTokenPayload = { user: username, agent, jti: randomUUID(), ims: nowMs, iat: now, exp };
      // No `noTimestamp`: jsonwebtoken would delete our iat; without it, it keeps the iat we set.
      return { token: jwt.sign(payload, key, { algorithm: JWT_ALGORITHM }), exp };
    },

    /** The key a presented token must verify against; throws 401 for revoked, unknown or disabled users. */
    async keyForToken(rawToken: string): Promise<KeyObject> {
      const decoded = jwt.decode(rawToken, { json: true });
      const username = typeof decoded?.user === 'string' ? decoded.user : undefined;
      const jti = typeof decoded?.jti === 'string' ? decoded.jti : undefined;
      if (!username || !jti) throw new UnauthorizedError('Invalid token');
      const state = await readRevocationState(jti, username);
      if (state.denied) throw new UnauthorizedError('Token has been revoked');
      // Only ever used to refuse: a forged `ims` still has to pass the signature check that follows.
      const issuedAtMs = typeof decoded?.ims === 'number' ? decoded.ims : 0;
      if (issuedAtMs < state.notBeforeMs) throw new UnauthorizedError('Token has been revoked');
      let entry = cache.get(username);
      if (!entry || entry.version !== state.version) entry = await loadUserKey(username, state.version);
      if (!entry.key) throw new UnauthorizedError('Invalid token');
      if (entry.disabled) throw new UnauthorizedError('Account is Disabled');
      return entry.key;
    },

    /** Verifies signature, algorithm and expiry; used where Passport is not (Socket.io handshakes). */
    async verify(rawToken: string): Promise<AccessTokenPayload> {
      const key = await this.keyForToken(rawToken);
      try {
        return jwt.verify(rawToken, key, { algorithms: [JWT_ALGORITHM] }) as AccessTokenPayload;
      } catch {
        throw new UnauthorizedError('Invalid token');
      }
    },

    /** Logout: this token is refused everywhere until it would have expired anyway. */
    async revoke(jti: string, exp: number): Promise<void> {
      const ttlMs = Math.max(1000, exp * 1000 - Date.now());
      await redis.set(denyKey(jti), '1', 'PX', ttlMs);
    },

    /**
     * Password change, reset, deactivation, agent demotion: every token issued before now is refused on every
     * instance (a not-before mark kept for a token lifetime), and every instance reloads the user's key.
     */
    async invalidateUser(username: string): Promise<void> {
      cache.delete(username);
      await redis
        .multi()
        .set(notBeforeKey(username), String(Date.now()), 'EX', auth.jwtExpiresInSeconds)
        .incr(versionKey(username))
        .exec();
    },
  };
}
