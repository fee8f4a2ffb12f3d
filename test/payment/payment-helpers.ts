/** Shared steps for the payment tests: real HTTP calls, the fake Xendit, and real socket.io clients. */
import assert from 'node:assert/strict';
import { io as connect, type Socket } from 'socket.io-client';
import type { TestUser } from '../helpers/factories.js';
import type { TestContext } from '../helpers/server.js';

export function postCallback(ctx: TestContext, body: unknown, token: string | null = ctx.config.xendit.callbackToken) {
  const request = ctx.api.post('/payment-callback');
  if (token !== null) request.set('x-callback-token', token);
  return request.send(body as object);
}

export function postPayoutCallback(ctx: TestContext, body: unknown, token: string | null = ctx.config.xendit.callbackToken) {
  const request = ctx.api.post('/payout-callback');
  if (token !== null) request.set('x-callback-token', token);
  return request.send(body as object);
}

/** POST /payment-checkout; asserts 200 and returns the answer. */
export async function checkout(ctx: TestContext, user: TestUser, body: Record<string, unknown> = { amount: 100000 }) {
  const res = await ctx.api.post('/payment-checkout').set('Authorization', user.auth).send(body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as { invoice_id: string; external_id: string; invoice_url: string; amount: number; status: string; expiry_date: string };
}

/** Funds a wallet through the real path: checkout, Xendit marks it PAID, the callback arrives. */
export async function topUp(ctx: TestContext, user: TestUser, amount: number): Promise<string> {
  const invoice = await checkout(ctx, user, { amount });
  ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'PAID');
  const res = await postCallback(ctx, ctx.xendit.invoiceCallback(invoice.invoice_id));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.message, 'processed');
  return invoice.invoice_id;
}

/** The stored balance and SUM(balance_delta) of the user's ledger, as exact decimal strings. */
export function ledgerOf(ctx: TestContext, username: string) {
  return ctx.server.services.wallet.reconcile(username);
}

export async function transactionRow(ctx: TestContext, where: Record<string, unknown>) {
  return ctx.server.clients.db.models.UserTransaction.findOne({ where, raw: true });
}

/** A connected socket.io client authenticated with the user's JWT. */
export async function connectSocket(url: string, token?: string): Promise<Socket> {
  const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...(token ? { auth: { token } } : {}) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return socket;
}

export async function subscribe(socket: Socket, username: string): Promise<{ status: boolean; errorCode?: number; message?: string }> {
  return (await socket.timeout(3000).emitWithAck('subscribe:payment', { username })) as {
    status: boolean;
    errorCode?: number;
    message?: string;
  };
}

/** Collects every payment:status:update the socket receives. */
export function collectUpdates(socket: Socket): Array<{ invoice_id: string; status: string; amount: number; paid_at: string | null }> {
  const events: Array<{ invoice_id: string; status: string; amount: number; paid_at: string | null }> = [];
  socket.on('payment:status:update', (event: (typeof events)[number]) => events.push(event));
  return events;
}

/** Waits until `check` passes (polling), for effects that happen just after a response. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
