/**
 * Long CLI jobs report progress. Run as an operator's cron or PM2 would (stdout and stderr are pipes, not a TTY):
 * periodic plain lines on stderr, one at least at every tenth of each phase, and a final summary on stdout.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createProgressReporter } from '../../src/utilities/progress.js';
import { createUser } from '../helpers/factories.js';
import { useTestServer } from '../helpers/server.js';
import { checkout } from '../payment/payment-helpers.js';
import { runCliProcess } from './run-cli.js';

const ANSI = /\x1b\[/;

/** The `done/total` progress lines of one phase, in order. */
function progressOf(stderr: string, label: string, phase: string): Array<{ done: number; total: number }> {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const line = new RegExp(`^${escape(label)} ${escape(phase)}: (\\d+)/(\\d+) \\(\\d+%\\)$`, 'gm');
  return [...stderr.matchAll(line)].map((m) => ({ done: Number(m[1]), total: Number(m[2]) }));
}

function assertPeriodicLines(lines: Array<{ done: number; total: number }>, minimum: number) {
  assert.ok(lines.length >= minimum, `at least ${minimum} progress lines, got ${JSON.stringify(lines)}`);
  assert.equal(lines[0]?.done, 0, 'the first line announces the phase');
  for (let i = 1; i < lines.length; i += 1) assert.ok(lines[i]!.done >= lines[i - 1]!.done, 'progress only goes forward');
  const last = lines[lines.length - 1]!;
  assert.equal(last.done, last.total, 'the last line says the phase is complete');
}

describe('progress of long CLI jobs (not a TTY)', () => {
  const ctx = useTestServer();

  it('when encryption:reencrypt works through batches, then a line per tenth of the rows goes to stderr and a summary ends stdout', async () => {
    const { models } = ctx.server.clients.db;
    const user = await createUser(ctx);
    const rows = await models.BankAccount.bulkCreate(
      Array.from({ length: 12 }, (_, i) => ({
        username: user.username,
        bank_code: 'BCA',
        account_number: `77001122${String(i).padStart(2, '0')}`,
        account_number_last4: `22${String(i).padStart(2, '0')}`,
        account_holder_name: 'Progress Holder',
      })),
    );
    try {
      const run = await runCliProcess(['encryption:reencrypt', '--batch-size=3'], { ENCRYPTION_KEYS: `P:${randomBytes(32).toString('base64')}` });
      // Rows other test files left under keys this run does not hold are reported as failures (exit 1); ours are plaintext.
      assert.ok(run.code === 0 || /left unchanged/.test(run.stderr), run.stderr);
      assertPeriodicLines(progressOf(run.stderr, 'encryption:reencrypt', 'bank_account.account_number'), 3);
      assert.match(run.stdout, /^encryption:reencrypt: \d+ value\(s\) changed, \d+ failed, done in \d+\.\ds$/m);
      assert.doesNotMatch(run.stdout + run.stderr, ANSI, 'no control codes when not on a TTY');
      assert.doesNotMatch(run.stdout + run.stderr, /77001122\d\d/, 'no account number in the output');
    } finally {
      await models.BankAccount.destroy({ where: { id: rows.map((r) => r.id) } });
    }
  });

  it('when balance:sync-init creates missing rows, then progress lines and a final summary are printed', async () => {
    const users = await Promise.all(Array.from({ length: 4 }, () => createUser(ctx)));
    await ctx.server.clients.db.sequelize.query('DELETE FROM user_balance WHERE username IN (:usernames)', {
      replacements: { usernames: users.map((u) => u.username) },
    });
    const run = await runCliProcess(['balance:sync-init']);
    assert.equal(run.code, 0, run.stderr);
    const lines = progressOf(run.stderr, 'balance:sync-init', 'user_balance');
    assertPeriodicLines(lines, 2);
    assert.ok(lines[lines.length - 1]!.total >= 4);
    const out = run.stdout.trimEnd().split('\n');
    assert.match(out[out.length - 1] ?? '', /^balance:sync-init: \d+ created, 0 left without a balance row, done in \d+\.\ds$/, 'the summary is the last line');
  });

  it('when xendit:sync checks pending invoices, payouts and referral bonuses, then each phase reports progress and a summary ends the run', async () => {
    const user = await createUser(ctx);
    const invoice = await checkout(ctx, user, { amount: 100000 });
    ctx.xendit.setInvoiceStatus(invoice.invoice_id, 'PAID');
    const run = await runCliProcess(['xendit:sync', user.username], { XENDIT_API_URL: ctx.xendit.url });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(progressOf(run.stderr, 'xendit:sync', 'invoices'), [
      { done: 0, total: 1 },
      { done: 1, total: 1 },
    ]);
    assert.deepEqual(progressOf(run.stderr, 'xendit:sync', 'payouts'), [{ done: 0, total: 0 }]);
    assert.ok(progressOf(run.stderr, 'xendit:sync', 'referral bonuses').length >= 1);
    assert.match(run.stdout, /invoices: checked 1, updated 1, failed 0/);
    assert.match(run.stdout, /^xendit:sync: checked \d+, updated \d+, failed \d+, done in \d+\.\ds$/m);
  });

  it('when a phase takes longer than the interval, then a line is written although no tenth was crossed', () => {
    let clock = 0;
    const lines: string[] = [];
    const summary: string[] = [];
    const progress = createProgressReporter('job', { tty: false, write: (l) => lines.push(l), writeSummary: (l) => summary.push(l), intervalMs: 1000, now: () => clock });
    progress.report({ phase: 'rows', done: 0, total: 1000 });
    progress.report({ phase: 'rows', done: 1, total: 1000 });
    clock = 1500;
    progress.report({ phase: 'rows', done: 2, total: 1000 });
    progress.report({ phase: 'rows', done: 3, total: 1000 });
    progress.report({ phase: 'rows', done: 100, total: 1000 });
    clock = 2000;
    progress.finish('3 rows');
    assert.deepEqual(lines, ['job rows: 0/1000 (0%)', 'job rows: 2/1000 (0%)', 'job rows: 100/1000 (10%)']);
    assert.deepEqual(summary, ['job: 3 rows, done in 2.0s']);
  });

  it('when on a TTY, then a bar is drawn on the stream and the summary is still written', () => {
    const drawn: string[] = [];
    const stream = Object.assign(
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          drawn.push(chunk.toString());
          callback();
        },
      }),
      { isTTY: true, columns: 100 },
    );
    const summary: string[] = [];
    const progress = createProgressReporter('job', { tty: true, write: () => assert.fail('no plain lines on a TTY'), writeSummary: (l) => summary.push(l), stream });
    progress.report({ phase: 'rows', done: 0, total: 4 });
    progress.report({ phase: 'rows', done: 4, total: 4 });
    progress.finish();
    assert.match(drawn.join(''), /job rows \[.*\] 4\/4 100%/);
    assert.match(summary[0] ?? '', /^job: done in \d+\.\ds$/);
  });
});
