/**
 * B3 login. POST /auth at 10 connections against the raw bcrypt.compare rate (same cost, 10 in flight, a process of
 * its own) measured in the same rounds; then GET /verify at 50 connections alone and during a login flood.
 */
import { load, median, type LoadSpec } from '../lib/measure.js';
import { measureRawBcrypt } from '../lib/processes.js';
import { PASSWORD } from '../lib/seed.js';
import { ms, perSecond, ratio, type BenchContext, type Row } from '../lib/context.js';
import { readSpecs } from './reads.js';

const LOGIN_CONNECTIONS = 10;

export async function runLogin(ctx: BenchContext): Promise<{ rows: Row[]; raw: unknown }> {
  const bodies = ctx.seeded.users.slice(0, 500).map((u) => ({ body: JSON.stringify({ username: u.username, password: PASSWORD }) }));
  const login = (duration: number): LoadSpec => ({
    url: ctx.api.url,
    path: '/auth',
    method: 'POST',
    connections: LOGIN_CONNECTIONS,
    duration,
    body: bodies[0]!.body,
    rotate: bodies,
  });
  const cost = ctx.config.auth.bcryptCost;

  await load(login(2));
  const raw: number[] = [];
  const auth: Array<{ rps: number; p99: number; failed: number }> = [];
  for (let round = 0; round < ctx.rounds; round += 1) {
    const bcryptRate = await measureRawBcrypt(ctx.nodeBinary, cost, LOGIN_CONNECTIONS, ctx.duration);
    const r = await load(login(ctx.duration));
    raw.push(bcryptRate);
    auth.push(r);
    ctx.log(`  B3 round ${round + 1}: raw bcrypt.compare ${bcryptRate.toFixed(1)}/s, POST /auth ${r.rps.toFixed(1)}/s p99 ${r.p99} ms${r.failed ? ` (${r.failed} failed)` : ''}`);
  }
  const loginRatio = median(auth.map((a, i) => a.rps / raw[i]!));

  const verify = readSpecs(ctx).verify;
  const alone: number[] = [];
  const flooded: Array<{ rps: number; p99: number }> = [];
  const floodLogins: number[] = [];
  for (let round = 0; round < ctx.rounds; round += 1) {
    const a = await load(verify());
    // The flood starts first and outlasts the measurement by a second on each side.
    const flood = load(login(ctx.duration + 2));
    await new Promise((r) => setTimeout(r, 1000));
    const f = await load(verify());
    const fl = await flood;
    alone.push(a.rps);
    flooded.push(f);
    floodLogins.push(fl.rps);
    ctx.log(`  B3 flood round ${round + 1}: /verify alone ${a.rps.toFixed(0)}/s, during flood ${f.rps.toFixed(0)}/s p99 ${f.p99} ms (logins ${fl.rps.toFixed(1)}/s)`);
  }
  const floodRatio = median(flooded.map((f, i) => f.rps / alone[i]!));
  const floodP99 = median(flooded.map((f) => f.p99));
  const rows: Row[] = [
    {
      id: 'B3',
      what: 'POST /auth (10 conn) vs raw bcrypt.compare',
      value: ratio(loginRatio),
      target: '≥ 0.95×',
      pass: loginRatio >= 0.95,
      detail: `${perSecond(median(auth.map((a) => a.rps)))} vs ${perSecond(median(raw))} (cost ${cost}, HASH_CONCURRENCY ${ctx.config.auth.hashConcurrency}); p99 ${ms(median(auth.map((a) => a.p99)))}`,
    },
    {
      id: 'B3',
      what: 'GET /verify during login flood vs alone',
      value: ratio(floodRatio),
      target: '≥ 0.80×',
      pass: floodRatio >= 0.8,
      detail: `${perSecond(median(flooded.map((f) => f.rps)))} vs ${perSecond(median(alone))}; logins meanwhile ${perSecond(median(floodLogins))}`,
    },
    { id: 'B3', what: 'GET /verify p99 during login flood', value: ms(floodP99), target: '≤ 50 ms', pass: floodP99 <= 50 },
  ];
  return { rows, raw: { raw, auth, alone, flooded, floodLogins } };
}
