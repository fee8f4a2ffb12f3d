import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { PROJECT_ROOT } from '../../config/index.js';
import { TEST_ENV } from '../helpers/test-config.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** 60 s on an idle machine, longer in proportion when the machine is busier than its cores (a loaded CI box). */
function cliTimeoutMs(): number {
  const busy = loadavg()[0]! / availableParallelism();
  return Math.round(60_000 * Math.max(1, Math.min(busy, 5)));
}

/**
 * Runs `node --import tsx src/cli.ts <args>` as an operator would, against the test database and Redis db
 * (the machine's PS_ and REDIS_ connection settings, the test defaults, then `env`).
 */
export function runCliProcess(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const machine: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && /^(PS_|REDIS_)/.test(key)) machine[key] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', ...machine, ...TEST_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), cliTimeoutMs());
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
