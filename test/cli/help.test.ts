import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../src/cli.js';
import { runCliProcess } from './run-cli.js';

describe('operator CLI: help and usage', () => {
  it('when asked for help, then every command is listed with its usage and one line of summary, exit 0', async () => {
    const run = await runCliProcess(['help']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.split('\n');
    for (const [name, command] of Object.entries(COMMANDS)) {
      const line = lines.find((l) => l.trimStart().startsWith(`${command.usage} `));
      assert.ok(line, `help lists ${name}`);
      assert.ok(line.includes(command.summary), `${name} has its summary on the same line`);
      assert.ok(!command.summary.includes('\n'), `${name}: one line`);
    }
    for (const name of ['balance:sync-init', 'user:agent', 'encryption:reencrypt', 'migrate', 'apikey:create']) {
      assert.ok(name in COMMANDS, `${name} is a command`);
    }
  });

  it('when no command is given, then usage is printed and the exit code is non-zero', async () => {
    const run = await runCliProcess([]);
    assert.notEqual(run.code, 0);
    assert.match(run.stdout + run.stderr, /Usage: npm run cli -- <command>/);
  });

  it('when the command is unknown, then usage goes to stderr and the exit code is 2', async () => {
    const run = await runCliProcess(['balance:sync-everything']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown command "balance:sync-everything"/);
    assert.match(run.stderr, /Usage: npm run cli -- <command>/);
  });

  it('when a command gets bad arguments, then it prints its usage and exits 2 without changing anything', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['user:agent'], /usage: npm run cli -- user:agent <username> on\|off/],
      [['user:agent', 'someone'], /usage: npm run cli -- user:agent <username> on\|off/],
      [['user:agent', 'someone', 'maybe'], /usage: npm run cli -- user:agent <username> on\|off/],
      [['user:agent', 'someone', 'on', 'extra'], /usage: npm run cli -- user:agent/],
      [['balance:sync-init', '--all'], /usage: npm run cli -- balance:sync-init/],
      [['encryption:reencrypt', '--batch-size=0'], /usage: npm run cli -- encryption:reencrypt/],
      [['encryption:reencrypt', 'now'], /usage: npm run cli -- encryption:reencrypt/],
    ];
    // Two processes at a time: seven at once outlive the 60 s per-process limit on a loaded 2-core machine.
    const runs: Awaited<ReturnType<typeof runCliProcess>>[] = [];
    for (let i = 0; i < cases.length; i += 2) {
      runs.push(...(await Promise.all(cases.slice(i, i + 2).map(([args]) => runCliProcess(args)))));
    }
    runs.forEach((run, i) => {
      const [args, usage] = cases[i]!;
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, usage, args.join(' '));
    });
  });

  it('when the configuration is bad, then the config message is printed and the exit code is 1', async () => {
    const run = await runCliProcess(['balance:sync-init'], { ENCRYPTION_KEYS: 'A:short' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Invalid configuration/);
    assert.match(run.stderr, /ENCRYPTION_KEYS/);
  });
});
