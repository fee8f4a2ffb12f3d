import type { JsonSchema } from '../schemas/json-schema.js';
import { PAYMENT_STATUS_EVENT } from './payment-status.socket.js';

const username: JsonSchema = { type: 'string', minLength: 1, description: "The caller's own username (the token's user)", example: 'budi01' };

const errorPayload: JsonSchema = {
  type: 'object',
  required: ['status', 'errorCode', 'message'],
  properties: {
    status: { type: 'boolean', const: false },
    errorCode: { type: 'integer', enum: [401, 403, 503], description: '403: another user; 401: the token no longer works (the socket is closed); 503: try again later' },
    message: { type: 'string', example: 'You may only subscribe to your own payments' },
  },
};

const statusUpdate: JsonSchema = {
  type: 'object',
  required: ['invoice_id', 'status', 'amount', 'paid_at'],
  properties: {
    invoice_id: { type: 'string', example: '65a1f0c2e4b0a1b2c3d4e5f6' },
    status: { type: 'string', description: "The invoice's status: PENDING, PAID, SETTLED or EXPIRED", example: 'PAID' },
    amount: { type: 'number', example: 100000 },
    paid_at: { type: ['string', 'null'], format: 'date-time', example: '2026-01-15T08:30:00.000Z' },
  },
};

/**
 * The AsyncAPI 3.0 description of the Socket.io payment-status channel (src/socket/payment-status.socket.ts): how to
 * authenticate the handshake, what a client emits (with the acknowledgement it gets) and what the server pushes.
 */
export function buildAsyncApiDocument(info: { version: string; host: string; protocol: string }): Record<string, unknown> {
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'UserState payment-status channel (Socket.io)',
      version: info.version,
      description:
        'Socket.io v4 on the default namespace, on the same origin as the HTTP API (path /socket.io/). The handshake must carry a valid JWT; ' +
        'a socket lives no longer than its token (closed on expiry, logout, revocation). After connecting, a client emits ' +
        '`subscribe:payment` with its own username and then receives `payment:status:update` for each status change of its invoices.',
    },
    defaultContentType: 'application/json',
    servers: {
      api: {
        host: info.host,
        protocol: info.protocol === 'https' ? 'wss' : 'ws',
        pathname: '/socket.io/',
        description: 'Socket.io (Engine.IO v4: WebSocket or HTTP long-polling)',
        security: [
          { $ref: '#/components/securitySchemes/handshakeAuthToken' },
          { $ref: '#/components/securitySchemes/tokenQuery' },
          { $ref: '#/components/securitySchemes/bearerHeader' },
        ],
      },
    },
    channels: {
      paymentStatus: {
        address: '/',
        title: 'Payment status',
        description:
          'The default namespace. A refused handshake answers connect_error with data {errorCode: 401, message: "A valid token is required"} (503 when the token cannot be checked now).',
        servers: [{ $ref: '#/servers/api' }],
        messages: {
          subscribePayment: { $ref: '#/components/messages/subscribePayment' },
          subscribePaymentAck: { $ref: '#/components/messages/subscribePaymentAck' },
          unsubscribePayment: { $ref: '#/components/messages/unsubscribePayment' },
          unsubscribePaymentAck: { $ref: '#/components/messages/unsubscribePaymentAck' },
          paymentStatusUpdate: { $ref: '#/components/messages/paymentStatusUpdate' },
          paymentError: { $ref: '#/components/messages/paymentError' },
        },
      },
    },
    operations: {
      subscribePayment: {
        action: 'receive',
        title: 'subscribe:payment',
        summary: 'The client subscribes to its own payment updates; the token is checked again.',
        channel: { $ref: '#/channels/paymentStatus' },
        messages: [{ $ref: '#/channels/paymentStatus/messages/subscribePayment' }],
        reply: { channel: { $ref: '#/channels/paymentStatus' }, messages: [{ $ref: '#/channels/paymentStatus/messages/subscribePaymentAck' }] },
      },
      unsubscribePayment: {
        action: 'receive',
        title: 'unsubscribe:payment',
        summary: 'The client stops receiving its payment updates.',
        channel: { $ref: '#/channels/paymentStatus' },
        messages: [{ $ref: '#/channels/paymentStatus/messages/unsubscribePayment' }],
        reply: { channel: { $ref: '#/channels/paymentStatus' }, messages: [{ $ref: '#/channels/paymentStatus/messages/unsubscribePaymentAck' }] },
      },
      paymentStatusUpdate: {
        action: 'send',
        title: PAYMENT_STATUS_EVENT,
        summary: "Pushed to a subscribed user's sockets whenever one of its invoices changes status (Xendit callback or sync).",
        channel: { $ref: '#/channels/paymentStatus' },
        messages: [{ $ref: '#/channels/paymentStatus/messages/paymentStatusUpdate' }],
      },
      paymentError: {
        action: 'send',
        title: 'payment:error',
        summary: 'Emitted when a subscribe is refused (another username, or the token no longer works).',
        channel: { $ref: '#/channels/paymentStatus' },
        messages: [{ $ref: '#/channels/paymentStatus/messages/paymentError' }],
      },
    },
    components: {
      securitySchemes: {
        handshakeAuthToken: {
          type: 'httpApiKey',
          name: 'token',
          in: 'query',
          description: 'Preferred: the JWT in the Socket.io handshake auth object, io(url, { auth: { token } }) (socket.io v3+ clients).',
        },
        tokenQuery: { type: 'httpApiKey', name: 'token', in: 'query', description: 'The JWT as a `token` query parameter (older clients).' },
        bearerHeader: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Authorization: Bearer <JWT> on the handshake request.' },
      },
      messages: {
        subscribePayment: {
          name: 'subscribe:payment',
          title: 'subscribe:payment (client → server)',
          payload: { type: 'object', required: ['username'], properties: { username } },
          examples: [{ name: 'own', payload: { username: 'budi01' } }],
        },
        subscribePaymentAck: {
          name: 'subscribe:payment ack',
          title: 'Acknowledgement of subscribe:payment',
          payload: {
            oneOf: [
              { type: 'object', required: ['status', 'room'], properties: { status: { type: 'boolean', const: true }, room: { type: 'string', example: 'payment:budi01' } } },
              errorPayload,
            ],
          },
          examples: [{ name: 'subscribed', payload: { status: true, room: 'payment:budi01' } }],
        },
        unsubscribePayment: {
          name: 'unsubscribe:payment',
          title: 'unsubscribe:payment (client → server)',
          payload: { type: 'object', required: ['username'], properties: { username } },
          examples: [{ name: 'own', payload: { username: 'budi01' } }],
        },
        unsubscribePaymentAck: {
          name: 'unsubscribe:payment ack',
          title: 'Acknowledgement of unsubscribe:payment',
          payload: {
            type: 'object',
            required: ['status'],
            properties: { status: { type: 'boolean', description: 'false when the username is not the caller' } },
          },
          examples: [{ name: 'left', payload: { status: true } }],
        },
        paymentStatusUpdate: {
          name: PAYMENT_STATUS_EVENT,
          title: `${PAYMENT_STATUS_EVENT} (server → client)`,
          payload: statusUpdate,
          examples: [{ name: 'paid', payload: { invoice_id: '65a1f0c2e4b0a1b2c3d4e5f6', status: 'PAID', amount: 100000, paid_at: '2026-01-15T08:30:00.000Z' } }],
        },
        paymentError: {
          name: 'payment:error',
          title: 'payment:error (server → client)',
          payload: errorPayload,
          examples: [{ name: 'another user', payload: { status: false, errorCode: 403, message: 'You may only subscribe to your own payments' } }],
        },
      },
    },
  };
}
