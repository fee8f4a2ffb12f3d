/**
 * B5 contended wallet. 1,000 POST /balance/decrease fired at once on ONE wallet (row-lock contention) against
 * 1,000 fired at once over 1,000 different wallets, interleaved; the contended wallet must end at the exact balance
 * and its ledger must sum to it.
 */
import http from 'node:http';
import { median } from '../lib/measure.js';
import { WALLET_BALANCE, queryBench, type BenchUser } from '../lib/seed.js';
import { perSecond, ratio, type BenchContext, type Row } from '../lib/context.js';

const REQUESTS = 1000;
const AMOUNT = 100;

function request(agent: http.Agent, url: URL, method: string, path: string, auth: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: url.hostname, port: url.port, method, path, headers: { authorization: auth, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function runWallet(ctx: BenchContext): Promise<{ rows: Row[]; raw: unknown }> {
  const url = new URL(ctx.api.url);
  // Connections are opened once (1,000 at once would overflow the listen backlog and measure SYN retries instead).
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: REQUESTS * 2, scheduling: 'lifo' });
  const spread = ctx.seeded.users.slice(0, REQUESTS);
  const wallet = ctx.seeded.wallet;
  try {
    for (let wave = 100; wave <= REQUESTS; wave += 100) {
      await Promise.all(Array.from({ length: wave }, (_, i) => request(agent, url, 'GET', '/verify', spread[i]!.auth)));
    }
    const body = JSON.stringify({ amount: AMOUNT, description: 'bench purchase' });
    const fire = async (payers: BenchUser[]) => {
      const started = performance.now();
      const statuses = await Promise.all(payers.map((p) => request(agent, url, 'POST', '/balance/decrease', p.auth, body)));
      const seconds = (performance.now() - started) / 1000;
      return { rate: payers.length / seconds, ok: statuses.filter((s) => s === 200).length, other: statuses.filter((s) => s !== 200) };
    };
    const contended: number[] = [];
    const distributed: number[] = [];
    let contendedOk = 0;
    let spreadOk = 0;
    for (let round = 0; round < ctx.rounds; round += 1) {
      const c = await fire(Array.from({ length: REQUESTS }, () => wallet));
      const s = await fire(spread);
      contended.push(c.rate);
      distributed.push(s.rate);
      contendedOk += c.ok;
      spreadOk += s.ok;
      ctx.log(
        `  B5 round ${round + 1}: one wallet ${c.rate.toFixed(0)}/s (${c.ok} ok${c.other.length ? `, others: ${[...new Set(c.other)].join(',')}` : ''}), 1,000 wallets ${s.rate.toFixed(0)}/s (${s.ok} ok)`,
      );
    }
    const expected = WALLET_BALANCE - contendedOk * AMOUNT;
    const [row] = await queryBench<{ balance: string; ledger: string; debits: string }>(
      ctx.config,
      `SELECT b.balance, (SELECT SUM(balance_delta) FROM user_transaction t WHERE t.username = b.username) AS ledger,
              (SELECT count(*) FROM user_transaction t WHERE t.username = b.username AND t.type = 'DEBIT') AS debits
         FROM user_balance b WHERE b.username = $1`,
      [wallet.username],
    );
    const exact = row !== undefined && Number(row.balance) === expected && Number(row.ledger) === expected && Number(row.debits) === contendedOk;
    const allOk = contendedOk === REQUESTS * ctx.rounds && spreadOk === REQUESTS * ctx.rounds;
    const r = median(contended.map((c, i) => c / distributed[i]!));
    const rows: Row[] = [
      {
        id: 'B5',
        what: '1,000 decreases on one wallet vs over 1,000 wallets',
        value: ratio(r),
        target: '≥ 0.70×',
        pass: r >= 0.7,
        detail: `${perSecond(median(contended))} vs ${perSecond(median(distributed))}`,
      },
      {
        id: 'B5',
        what: 'contended wallet ends at the exact balance',
        value: exact && allOk ? 'exact' : `balance ${row?.balance}, ledger ${row?.ledger}, expected ${expected}`,
        target: 'exact',
        pass: exact && allOk,
        detail: `${contendedOk} debits of ${AMOUNT}; balance = ledger sum = ${row?.balance ?? '?'}`,
      },
    ];
    return { rows, raw: { contended, distributed, contendedOk, spreadOk, balance: row } };
  } finally {
    agent.destroy();
  }
}
