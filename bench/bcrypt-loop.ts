/**
 * The raw bcrypt.compare rate B3 compares POST /auth with: a tiny process that keeps `concurrency` compares of a
 * correct password in flight for `seconds` and prints {rate, completed} as JSON.
 *
 *   node --import tsx bench/bcrypt-loop.ts <cost> <concurrency> <seconds>
 */
import bcrypt from 'bcrypt';

const [cost = 10, concurrency = 10, seconds = 5] = process.argv.slice(2).map(Number);
const password = 'Bench-Password-1';
const hash = await bcrypt.hash(password, cost);

let completed = 0;
let running = true;
const started = performance.now();
const worker = async () => {
  while (running) {
    if (!(await bcrypt.compare(password, hash))) throw new Error('bcrypt.compare answered false for the right password');
    if (running) completed += 1;
  }
};
setTimeout(() => {
  running = false;
}, seconds * 1000);
const workers = Array.from({ length: concurrency }, worker);
await Promise.all(workers);
const elapsed = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ rate: completed / Math.min(elapsed, seconds), completed, cost, concurrency })}\n`);
