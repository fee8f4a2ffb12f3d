import { inspect } from 'node:util';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'silent';
const ORDER: Record<LogLevel, number> = { silent: -1, error: 0, warn: 1, info: 2, debug: 3 };

/** Keys whose values never reach a log line, wherever they sit in the logged object. */
const SECRET_KEY = /pass(word)?|pwd|token|secret|otp|authorization|api_?key|cookie|account_?number|^key$/i;

export interface Logger {
  error(message: string, meta?: unknown): void;
  warn(message: string, meta?: unknown): void;
  info(message: string, meta?: unknown): void;
  debug(message: string, meta?: unknown): void;
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack, ...(redact({ ...value }, depth + 1) as object) };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)]),
  );
}

/** The one app logger: one line per event, secrets redacted by key name. `sink` exists so tests can capture output. */
export function createLogger(
  level: LogLevel,
  sink: (line: string, isError: boolean) => void = (line, isError) => (isError ? process.stderr : process.stdout).write(`${line}\n`),
): Logger {
  const write = (lvl: Exclude<LogLevel, 'silent'>, message: string, meta?: unknown) => {
    if (ORDER[lvl] > ORDER[level]) return;
    const details = meta === undefined ? '' : ` ${inspect(redact(meta), { depth: 6, breakLength: Infinity, colors: false })}`;
    sink(`${new Date().toISOString()} ${lvl.toUpperCase()} ${message}${details}`, lvl === 'error' || lvl === 'warn');
  };
  return {
    error: (m, meta) => write('error', m, meta),
    warn: (m, meta) => write('warn', m, meta),
    info: (m, meta) => write('info', m, meta),
    debug: (m, meta) => write('debug', m, meta),
  };
}
