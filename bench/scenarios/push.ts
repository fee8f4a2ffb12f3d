/**
 * B4 paid → seen. 1,000 socket.io clients connect with their JWT and subscribe to their own payments; Xendit's
 * callbacks then arrive for some of them, and each latency is POST /payment-callback sent → payment:status:update
 * received by that user's client.
 *
 * Each round has two phases on fresh PENDING invoices:
 * - latency: callbacks arrive at a steady PACED_RATE per second, whether or not earlier ones are answered (open loop,
 *   so a slow answer cannot hide the requests that would have queued behind it); p99 of these is the target figure.
 * - throughput: callbacks sent as fast as the server answers, IN_FLIGHT at a time; callbacks/s is reported. Their
 *   latency is mostly queueing (in flight / rate), so it is reported beside, not held to the target.
 */
import { io, type Socket } from 'socket.io-client';
import { median, percentile } from '../lib/measure.js';
import { INVOICE_AMOUNT, OPENING_BALANCE, queryBench, type BenchUser } from '../lib/seed.js';
import { ms, perSecond, type BenchContext, type Row } from '../lib/context.js';

const CLIENTS = 1000;
const CONNECT_BATCH = 50;
const CALLBACKS_PER_PHASE = 300;
const PACED_RATE = Number(process.env.BENCH_B4_RATE ?? 200);
const IN_FLIGHT = Number(process.env.BENCH_B4_IN_FLIGHT ?? 10);

interface Update {
  invoice_id: string;
  status: string;
}

async function connect(url: string, user: BenchUser, waiters: Map<string, (at: number) => void>): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], auth: { token: user.token }, reconnection: false, forceNew: true, timeout: 20_000 });
  socket.on('payment:status:update', (update: Update) => {
    const at = performance.now();
    waiters.get(update.invoice_id)?.(at);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  const ack = (await socket.timeout(20_000).emitWithAck('subscribe:payment', { username: user.username })) as { status?: boolean };
  if (!ack?.status) throw new Error(`subscribe refused for ${user.username}`);
  return socket;
}

export async function runPush(ctx: BenchContext): Promise<{ rows: Row[]; raw: unknown }> {
  const users = ctx.seeded.users.slice(0, CLIENTS);
  if (users.length < CLIENTS) throw new Error(`B4 needs ${CLIENTS} seeded users`);
  const waiters = new Map<string, (at: number) => void>();
  const sockets: Socket[] = [];
  let failures = 0;

  /** Sends one callback and resolves with sent → seen in ms, or undefined when it was lost. */
  const payAndWatch = async (invoice: { id: string; externalId: string }): Promise<number | undefined> => {
    const seen = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no update for ${invoice.id} within 10 s`)), 10_000);
      waiters.set(invoice.id, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
    seen.catch(() => undefined);
    const sent = performance.now();
    try {
      const res = await fetch(`${ctx.api.url}/payment-callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-callback-token': ctx.config.xendit.callbackToken },
        body: JSON.stringify({
          id: invoice.id,
          external_id: invoice.externalId,
          status: 'PAID',
          amount: INVOICE_AMOUNT,
          paid_amount: INVOICE_AMOUNT,
          currency: 'IDR',
          paid_at: new Date().toISOString(),
          payment_method: 'BANK_TRANSFER',
          payment_channel: 'BCA',
        }),
      });
      const body = (await res.json()) as { outcome?: string };
      if (res.status !== 200 || body.outcome !== 'paid') throw new Error(`callback answered ${res.status} ${body.outcome}`);
      return (await seen) - sent;
    } catch {
      failures += 1;
      return undefined;
    } finally {
      waiters.delete(invoice.id);
    }
  };

  const connectStarted = performance.now();
  try {
    for (let i = 0; i < users.length; i += CONNECT_BATCH) {
      sockets.push(...(await Promise.all(users.slice(i, i + CONNECT_BATCH).map((u) => connect(ctx.api.url, u, waiters)))));
    }
    ctx.log(`  B4 ${sockets.length} clients connected and subscribed in ${((performance.now() - connectStarted) / 1000).toFixed(1)} s`);

    const paced: number[] = [];
    const pacedP99: number[] = [];
    const saturated: number[] = [];
    const rates: number[] = [];
    const rounds = Math.min(ctx.rounds, Math.floor(users.length / CALLBACKS_PER_PHASE));
    for (let round = 0; round < rounds; round += 1) {
      const batch = users.slice(round * CALLBACKS_PER_PHASE, (round + 1) * CALLBACKS_PER_PHASE);

      // Latency phase: one callback every 1000/PACED_RATE ms, open loop.
      const gap = 1000 / PACED_RATE;
      const start = performance.now();
      const pending: Array<Promise<number | undefined>> = [];
      for (let k = 0; k < batch.length; k += 1) {
        const due = start + k * gap;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        pending.push(payAndWatch(batch[k]!.invoices[0]!));
      }
      const roundPaced = (await Promise.all(pending)).filter((v): v is number => v !== undefined);
      paced.push(...roundPaced);
      pacedP99.push(percentile(roundPaced, 99));

      // Throughput phase: IN_FLIGHT at a time, as fast as answered.
      let next = 0;
      const roundSaturated: number[] = [];
      const started = performance.now();
      const worker = async () => {
        while (next < batch.length) {
          const latency = await payAndWatch(batch[next++]!.invoices[1]!);
          if (latency !== undefined) roundSaturated.push(latency);
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      const seconds = (performance.now() - started) / 1000;
      rates.push(batch.length / seconds);
      saturated.push(...roundSaturated);
      ctx.log(
        `  B4 round ${round + 1}: at ${PACED_RATE}/s paid→seen p50 ${percentile(roundPaced, 50).toFixed(1)} ms p99 ${percentile(roundPaced, 99).toFixed(1)} ms; ` +
          `flat out (${IN_FLIGHT} in flight) ${(batch.length / seconds).toFixed(0)}/s, p99 ${percentile(roundSaturated, 99).toFixed(1)} ms`,
      );
    }

    // Money check: each paid top-up credited exactly once.
    const paidUsers = users.slice(0, rounds * CALLBACKS_PER_PHASE).map((u) => u.username);
    const [check] = await queryBench<{ wrong: string }>(
      ctx.config,
      `SELECT count(*) AS wrong FROM user_balance WHERE username = ANY($1) AND balance <> $2::numeric`,
      [paidUsers, OPENING_BALANCE + 2 * INVOICE_AMOUNT],
    );
    // Like every other figure: the median over rounds (of each round's p99), so one disturbed round cannot decide it.
    const p99 = median(pacedP99);
    const rows: Row[] = [
      {
        id: 'B4',
        what: `paid → seen p99, ${CLIENTS} subscribed clients, callbacks at ${PACED_RATE}/s`,
        value: ms(p99),
        target: '≤ 20 ms',
        pass: p99 <= 20 && failures === 0 && Number(check?.wrong) === 0,
        detail: `median of round p99s; p50 ${ms(percentile(paced, 50))}, p99 of all ${paced.length} ${ms(percentile(paced, 99))}; ${failures} lost; ${check?.wrong ?? '?'} wallets credited wrongly`,
      },
      {
        id: 'B4',
        what: `callbacks/s flat out (${IN_FLIGHT} in flight)`,
        value: perSecond(median(rates)),
        target: 'reported',
        pass: null,
        detail: `paid → seen meanwhile p50 ${ms(percentile(saturated, 50))}, p99 ${ms(percentile(saturated, 99))} (queueing)`,
      },
    ];
    return {
      rows,
      raw: {
        paced: { rate: PACED_RATE, p50: percentile(paced, 50), p99PerRound: pacedP99, p99All: percentile(paced, 99), max: Math.max(...paced) },
        saturated: { inFlight: IN_FLIGHT, p50: percentile(saturated, 50), p99: percentile(saturated, 99) },
        rates,
        failures,
      },
    };
  } finally {
    for (const socket of sockets) socket.disconnect();
  }
}
