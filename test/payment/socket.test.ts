import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { io as connect, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { createUser } from '../helpers/factories.js';
import { useTestServer, useSecondInstance } from '../helpers/server.js';
import { collectUpdates, connectSocket, eventually, sleep, subscribe, topUp } from './payment-helpers.js';

describe('payment status over Socket.io', () => {
  const ctx = useTestServer();

  it('when the handshake has no token or a bad one, then the connection is refused', async () => {
    await assert.rejects(connectSocket(ctx.server.url), /Unauthorized/);
    await assert.rejects(connectSocket(ctx.server.url, 'not.a.jwt'), /Unauthorized/);
  });

  /** Older socket.io clients cannot send `auth`: they put the token in the query or an Authorization header. */
  const handshakes: Array<[string, (token: string) => Partial<ManagerOptions & SocketOptions>]> = [
    ['auth.token', (token) => ({ auth: { token } })],
    ['a token query parameter', (token) => ({ query: { token } })],
    ['an Authorization: Bearer header', (token) => ({ extraHeaders: { Authorization: `Bearer ${token}` } })],
  ];
  for (const [source, options] of handshakes) {
    for (const transports of [['polling', 'websocket'], ['websocket']]) {
      it(`when the handshake carries the token in ${source} (${transports.join(' then ')}), then the client connects and hears its payment`, async () => {
        const user = await createUser(ctx);
        const socket = connect(ctx.server.url, { transports, forceNew: true, reconnection: false, ...options(user.token) });
        try {
          await new Promise<void>((resolve, reject) => {
            socket.once('connect', () => resolve());
            socket.once('connect_error', reject);
          });
          assert.equal((await subscribe(socket, user.username)).status, true);
          const updates = collectUpdates(socket);
          await topUp(ctx, user, 25000);
          await eventually(() => assert.equal(updates.length, 1));
        } finally {
          socket.disconnect();
        }
      });
    }
    it(`when ${source} carries a bad token, then the connection is refused`, async () => {
      const socket = connect(ctx.server.url, { transports: ['polling', 'websocket'], forceNew: true, reconnection: false, ...options('not.a.jwt') });
      try {
        await assert.rejects(
          new Promise<void>((resolve, reject) => {
            socket.once('connect', () => resolve());
            socket.once('connect_error', reject);
          }),
          /Unauthorized/,
        );
      } finally {
        socket.disconnect();
      }
    });
  }

  it("when a user subscribes to another user's payments, then an error event and nothing is joined", async () => {
    const alice = await createUser(ctx);
    const mallory = await createUser(ctx);
    const socket = await connectSocket(ctx.server.url, mallory.token);
    try {
      const errors: unknown[] = [];
      socket.on('payment:error', (e) => errors.push(e));
      const updates = collectUpdates(socket);
      const answer = await subscribe(socket, alice.username);
      assert.equal(answer.status, false);
      assert.equal(answer.errorCode, 403);
      await eventually(() => assert.equal(errors.length, 1));
      await topUp(ctx, alice, 20000);
      await sleep(150);
      assert.deepEqual(updates, []);
    } finally {
      socket.disconnect();
    }
  });

  it('when a user unsubscribes, then later updates no longer arrive', async () => {
    const user = await createUser(ctx);
    const socket = await connectSocket(ctx.server.url, user.token);
    try {
      await subscribe(socket, user.username);
      const updates = collectUpdates(socket);
      await topUp(ctx, user, 10000);
      await eventually(() => assert.equal(updates.length, 1));
      await socket.timeout(3000).emitWithAck('unsubscribe:payment', { username: user.username });
      await topUp(ctx, user, 10000);
      await sleep(150);
      assert.equal(updates.length, 1);
    } finally {
      socket.disconnect();
    }
  });

  describe('with two instances sharing Redis (PM2 cluster)', () => {
    const second = useSecondInstance(ctx);

    it('when a payment is applied on instance A, then a client connected to instance B receives the update', async () => {
      const user = await createUser(ctx);
      const socket = await connectSocket(second.url, user.token);
      try {
        await subscribe(socket, user.username);
        const updates = collectUpdates(socket);
        const invoiceId = await topUp(ctx, user, 15000); // checkout and callback both on instance A (ctx.server)
        await eventually(() => assert.equal(updates.length, 1));
        assert.equal(updates[0]?.invoice_id, invoiceId);
        assert.equal(updates[0]?.status, 'PAID');
        assert.equal(updates[0]?.amount, 15000);
      } finally {
        socket.disconnect();
      }
    });
  });
});
