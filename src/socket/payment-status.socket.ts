import type { Server, Socket } from 'socket.io';
import { AppError } from '../errors/app-error.js';
import type { TokenService } from '../services/token.service.js';
import type { Logger } from '../utilities/logger.js';

export interface PaymentStatusUpdate {
  invoice_id: string;
  status: string;
  amount: number;
  paid_at: string | null;
}

export interface PaymentStatusPublisher {
  publish(username: string, update: PaymentStatusUpdate): void;
  /** Closes, on every instance, the sockets opened with the token `jti` (logout, /extend). */
  disconnectToken?(jti: string): void;
  /** Closes, on every instance, every socket of the user (password change, reset, deactivation, demotion). */
  disconnectUser?(username: string): void;
}

export const PAYMENT_STATUS_EVENT = 'payment:status:update';
const roomOf = (username: string) => `payment:${username}`;
const tokenRoomOf = (jti: string) => `auth:token:${jti}`;
const userRoomOf = (username: string) => `auth:user:${username}`;
/** setTimeout's ceiling (~24.8 days); a socket of a longer-lived token is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface SocketUser {
  username: string;
  token: string;
  jti: string;
  exp: number;
}

/**
 * The seed's payment-status channel on the default namespace. The handshake must carry a valid JWT
 * (`auth.token`); a client may subscribe only to its own username. A socket lives no longer than its token: it is
 * closed when the token expires, when it is revoked (on every instance, through the Redis adapter), and every
 * subscribe checks the token again.
 */
export function attachPaymentStatusSocket(io: Server, deps: { tokens: TokenService; logger: Logger }): PaymentStatusPublisher {
  const refusal = (error: unknown) => {
    const status = error instanceof AppError ? error.status : 500;
    if (status >= 500) deps.logger.error('socket token check failed', error);
    return { status, message: status === 401 ? 'A valid token is required' : 'Try again later' };
  };

  io.use((socket, next) => {
    const token: unknown = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      return next(Object.assign(new Error('Unauthorized'), { data: { errorCode: 401, message: 'A valid token is required' } }));
    }
    deps.tokens.verify(token).then(
      (payload) => {
        Object.assign(socket.data as SocketUser, { username: payload.user, token, jti: payload.jti, exp: payload.exp });
        next();
      },
      (error: unknown) => {
        const { status, message } = refusal(error);
        next(Object.assign(new Error(status === 401 ? 'Unauthorized' : 'Unavailable'), { data: { errorCode: status, message } }));
      },
    );
  });

  io.on('connection', (socket: Socket) => {
    const { username, token, jti, exp } = socket.data as SocketUser;
    // Rooms the revocation broadcasts address; joined before any event is handled.
    void socket.join([tokenRoomOf(jti), userRoomOf(username)]);
    let expiry: NodeJS.Timeout | undefined;
    const armExpiry = () => {
      const left = exp * 1000 - Date.now();
      if (left <= 0) return void socket.disconnect(true);
      expiry = setTimeout(armExpiry, Math.min(left, MAX_TIMER_MS));
      expiry.unref();
    };
    armExpiry();
    socket.on('disconnect', () => clearTimeout(expiry));

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

  // The Redis adapter forwards these to every instance; a failure to reach Redis must not fail the revocation itself
  // (the revocation is already recorded, and every subscribe re-checks the token).
  const disconnectRoom = (room: string) => {
    try {
      io.in(room).disconnectSockets(true);
    } catch (error) {
      deps.logger.warn('could not close revoked sockets on every instance', { reason: (error as Error).message });
    }
  };

  return {
    publish(username, update) {
      io.to(roomOf(username)).emit(PAYMENT_STATUS_EVENT, update);
    },
    disconnectToken: (jti) => disconnectRoom(tokenRoomOf(jti)),
    disconnectUser: (username) => disconnectRoom(userRoomOf(username)),
  };
}
