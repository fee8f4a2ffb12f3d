import type { Server, Socket } from 'socket.io';
import { AppError } from '../errors/app-error.js';
import type { PaymentStatusPublisher } from '../services/realtime.js';
import type { TokenService } from '../services/token.service.js';
import type { Logger } from '../utilities/logger.js';

export const PAYMENT_STATUS_EVENT = 'payment:status:update';
const roomOf = (username: string) => `payment:${username}`;
const tokenRoomOf = (jti: string) => `auth:token:${jti}`;
const sessionRoomOf = (sid: string) => `auth:session:${sid}`;
/** Server-side event (through the adapter, to every other instance): sockets of a token must close at a later time. */
const TOKEN_ENDS_EVENT = 'auth:token-ends';
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;
const userRoomOf = (username: string) => `auth:user:${username}`;
/** setTimeout's ceiling (~24.8 days); a socket of a longer-lived token is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface SocketUser {
  username: string;
  token: string;
  jti: string;
  sid: string | null;
  usableUntilMs: number;
}

/**
 * The handshake's token: `auth.token` (socket.io v3+ clients), else a `token` query parameter or an
 * `Authorization: Bearer` header (what older clients can send).
 */
function handshakeToken(handshake: Socket['handshake']): string | undefined {
  const fromAuth: unknown = (handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof fromAuth === 'string' && fromAuth.length > 0) return fromAuth;
  const fromQuery: unknown = handshake.query.token;
  if (typeof fromQuery === 'string' && fromQuery.length > 0) return fromQuery;
  return BEARER.exec(handshake.headers.authorization ?? '')?.[1];
}

/** The live channel's publishing side, which services receive; `trackTokenEnd` lets this instance's sockets follow a token's end. */
export interface PaymentStatusChannel extends Required<PaymentStatusPublisher> {
  /** Registers how a socket of `jti` on this instance is closed earlier; returns the unregistration. */
  trackTokenEnd(jti: string, rearm: (atMs: number) => void): () => void;
}

/**
 * Publishes payment updates and closes revoked sockets (on every instance, through the Redis adapter). It needs only
 * the io instance, so it exists before the services that publish; `attachPaymentStatusSocket` adds the handshake.
 */
export function createPaymentStatusPublisher(io: Server, logger: Logger): PaymentStatusChannel {
  // Per instance: re-arm the expiry of this instance's sockets of a token (its /extend grace ends earlier).
  const rearmers = new Map<string, Set<(atMs: number) => void>>();
  const endTokenLocally = (jti: string, atMs: number) => {
    for (const rearm of rearmers.get(jti) ?? []) rearm(atMs);
  };
  io.on(TOKEN_ENDS_EVENT, (jti: unknown, atMs: unknown) => {
    if (typeof jti === 'string' && typeof atMs === 'number') endTokenLocally(jti, atMs);
  });

  // The Redis adapter forwards these to every instance; a failure to reach Redis must not fail the revocation itself
  // (the revocation is already recorded, and every subscribe re-checks the token).
  const disconnectRoom = (room: string) => {
    try {
      io.in(room).disconnectSockets(true);
    } catch (error) {
      logger.warn('could not close revoked sockets on every instance', { reason: (error as Error).message });
    }
  };

  return {
    publish(username, update) {
      io.to(roomOf(username)).emit(PAYMENT_STATUS_EVENT, update);
    },
    disconnectToken: (jti, atMs) => {
      if (atMs <= Date.now()) return disconnectRoom(tokenRoomOf(jti));
      endTokenLocally(jti, atMs);
      try {
        io.serverSideEmit(TOKEN_ENDS_EVENT, jti, atMs);
      } catch (error) {
        logger.warn('could not tell other instances when a replaced token ends', { reason: (error as Error).message });
      }
    },
    disconnectSession: (sid) => disconnectRoom(sessionRoomOf(sid)),
    disconnectUser: (username) => disconnectRoom(userRoomOf(username)),
    trackTokenEnd(jti, rearm) {
      rearmers.set(jti, (rearmers.get(jti) ?? new Set()).add(rearm));
      return () => {
        const own = rearmers.get(jti);
        own?.delete(rearm);
        if (own?.size === 0) rearmers.delete(jti);
      };
    },
  };
}

/**
 * The seed's payment-status channel on the default namespace. The handshake must carry a valid JWT (`auth.token`,
 * a `token` query parameter or an `Authorization: Bearer` header); a client may subscribe only to its own username. A socket lives no longer than its token: it is
 * closed when the token expires, when it is revoked (on every instance, through the Redis adapter), and every
 * subscribe checks the token again.
 */
export function attachPaymentStatusSocket(io: Server, deps: { tokens: TokenService; logger: Logger; channel: PaymentStatusChannel }): void {
  const refusal = (error: unknown) => {
    const status = error instanceof AppError ? error.status : 500;
    if (status >= 500) deps.logger.error('socket token check failed', error);
    return { status, message: status === 401 ? 'A valid token is required' : 'Try again later' };
  };

  io.use((socket, next) => {
    const token = handshakeToken(socket.handshake);
    if (token === undefined || token.length > 4096) {
      return next(Object.assign(new Error('Unauthorized'), { data: { errorCode: 401, message: 'A valid token is required' } }));
    }
    deps.tokens.verify(token).then(
      ({ payload, identity }) => {
        const user: SocketUser = { username: payload.user, token, jti: identity.jti, sid: identity.sid, usableUntilMs: identity.usableUntilMs };
        Object.assign(socket.data as SocketUser, user);
        next();
      },
      (error: unknown) => {
        const { status, message } = refusal(error);
        next(Object.assign(new Error(status === 401 ? 'Unauthorized' : 'Unavailable'), { data: { errorCode: status, message } }));
      },
    );
  });

  io.on('connection', (socket: Socket) => {
    const { username, token, jti, sid } = socket.data as SocketUser;
    let { usableUntilMs } = socket.data as SocketUser;
    // Rooms the revocation broadcasts address; joined before any event is handled.
    void socket.join([tokenRoomOf(jti), userRoomOf(username), ...(sid ? [sessionRoomOf(sid)] : [])]);
    let expiry: NodeJS.Timeout | undefined;
    const armExpiry = () => {
      clearTimeout(expiry);
      const left = usableUntilMs - Date.now();
      if (left <= 0) return void socket.disconnect(true);
      expiry = setTimeout(armExpiry, Math.min(left, MAX_TIMER_MS));
      expiry.unref();
    };
    armExpiry();
    const rearm = (atMs: number) => {
      usableUntilMs = Math.min(usableUntilMs, atMs);
      armExpiry();
    };
    const untrack = deps.channel.trackTokenEnd(jti, rearm);
    socket.on('disconnect', () => {
      clearTimeout(expiry);
      untrack();
    });

    const requestedUsername = (payload: unknown) =>
      payload && typeof payload === 'object' && typeof (payload as { username?: unknown }).username === 'string'
        ? (payload as { username: string }).username
        : undefined;

    socket.on('subscribe:payment', async (payload: unknown, ack?: unknown) => {
      const requested = requestedUsername(payload);
      const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : undefined;
      if (requested !== username) {
        const error = { status: false, errorCode: 403, message: 'You may only subscribe to your own payments' };
        socket.emit('payment:error', error);
        reply?.(error);
        return;
      }
      try {
        await deps.tokens.verify(token);
      } catch (error) {
        const { status, message } = refusal(error);
        const answer = { status: false, errorCode: status, message };
        socket.emit('payment:error', answer);
        reply?.(answer);
        if (status === 401) socket.disconnect(true);
        return;
      }
      await socket.join(roomOf(username));
      reply?.({ status: true, room: roomOf(username) });
    });

    socket.on('unsubscribe:payment', async (payload: unknown, ack?: unknown) => {
      const requested = requestedUsername(payload);
      if (requested === username) await socket.leave(roomOf(username));
      if (typeof ack === 'function') (ack as (r: unknown) => void)({ status: requested === username });
    });
  });
}
