import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, stdTimeFunctions } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'silent';
/** json: one JSON object per line (production); pretty: one readable line per event (development). */
export type LogFormat = 'json' | 'pretty';

/** Keys whose values never reach a log line, wherever they sit in the logged object. */
const SECRET_KEY = /pass(word)?|pwd|token|secret|otp|authorization|api_?key|cookie|account_?number|^key$/i;
/** Keys pino writes itself: meta keys of the same name are nested under `meta` instead of overwriting them. */
const RESERVED_KEYS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'requestId', 'err']);

export interface Logger {
  error(message: string, meta?: unknown): void;
  warn(message: string, meta?: unknown): void;
  info(message: string, meta?: unknown): void;
  debug(message: string, meta?: unknown): void;
}

export interface LoggerOptions {
  /** Default: json. */
  format?: LogFormat;
  /** ANSI colours in the pretty format; default: only when the default sink (stdout) is a TTY. */
  colours?: boolean;
}

/**
 * The request a piece of work serves. The request-id middleware enters it; every log line written inside (however
 * deep in services, integrations or their awaited callbacks) carries its id.
 */
const requestScope = new AsyncLocalStorage<{ requestId: string }>();

export function runWithRequestId<T>(requestId: string, work: () => T): T {
  return requestScope.run({ requestId }, work);
}

export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
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

/** The fields a call's `meta` adds to its line: an Error as `err`, an object's keys, anything else as `detail`. */
function fieldsOf(meta: unknown): Record<string, unknown> {
  if (meta === undefined) return {};
  if (meta instanceof Error) return { err: meta };
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return { detail: meta };
  const fields: Record<string, unknown> = {};
  const clashing: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta)) (RESERVED_KEYS.has(k) ? clashing : fields)[k] = v;
  if (Object.keys(clashing).length > 0) fields.meta = clashing;
  return fields;
}

/**
 * The one app logger, built on pino: one line per event with level, time, pid, the request id of the request being
 * served (if any) and the call's details, secrets redacted by key name at any depth. `sink` receives each line without
 * its newline (tests capture output with it); by default warn and error lines go to stderr, the others to stdout (so
 * PM2's error log holds what needs attention).
 */
export function createLogger(level: LogLevel, sink?: (line: string, isError: boolean) => void, options: LoggerOptions = {}): Logger {
  const format = options.format ?? 'json';
  const write = sink ?? ((line: string, isError: boolean) => (isError ? process.stderr : process.stdout).write(`${line}\n`));
  // pino writes synchronously inside the call, so the level of the line being written is known here.
  let writingError = false;
  const prettify =
    format === 'pretty'
      ? prettyFactory({
          colorize: options.colours ?? (sink === undefined && Boolean(process.stdout.isTTY)),
          translateTime: 'SYS:standard',
          ignore: 'pid,hostname',
          singleLine: true,
        })
      : undefined;
  const base = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redact(object) as Record<string, unknown>,
      },
      serializers: { err: (error: unknown) => redact(error) },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    {
      write(chunk: string) {
        const line = prettify ? prettify(chunk) : chunk;
        write(line.replace(/\n$/, ''), writingError);
      },
    },
  );
  const at =
    (lvl: Exclude<LogLevel, 'silent'>) =>
    (message: string, meta?: unknown): void => {
      writingError = lvl === 'error' || lvl === 'warn';
      base[lvl](fieldsOf(meta), message);
    };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
