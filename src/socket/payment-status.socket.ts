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
}

export const PAYMENT_STATUS_EVENT = 'payment:status:update';
const roomOf = (username: string) => `payment:${username}`;

interface SocketUser {
  username: string;
}

/**
 * The seed's payment-status channel on the default namespace. The handshake must carry a valid JWT
 * (`auth.token`); a client may subscribe only to its own username.
 */
export function attachPaymentStatusSocket(io: Server, deps: { tokens: TokenService; logger: Logger }): PaymentStatusPublisher {
  io.use((socket, next) => {
    const token: unknown = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      return next(Object.assign(new Error('Unauthorized'), { data: { errorCode: 401, message: 'A valid token is required' } }));
    }
    deps.tokens.verify(token).then(
      (payload) => {
        (socket.data as SocketUser).username = payload.user;
        next();
      },
      (error: unknown) => {
        const status = error instanceof AppError ? error.status : 500;
        if (status >= 500) deps.logger.error('socket handshake failed', error);
        next(Object.assign(new Error(status === 401 ? 'Unauthorized' : 'Unavailable'), { data: { errorCode: status, message: status === 401 ? 'A valid token is required' : 'Try again later' } }));
      },
    );
  });

  io.on('connection', (socket: Socket) => {
    const { username } = socket.data as SocketUser;
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
      await socket.join(roomOf(username));
      reply?.({ status: true, room: roomOf(username) });
    });

    socket.on('unsubscribe:payment', async (payload: unknown, ack?: unknown) => {
      const requested = requestedUsername(payload);
      if (requested === username) await socket.leave(roomOf(username));
      if (typeof ack === 'function') (ack as (r: unknown) => void)({ status: requested === username });
    });
  });

  return {
    publish(username, update) {
      io.to(roomOf(username)).emit(PAYMENT_STATUS_EVENT, update);
    },
  };
}
