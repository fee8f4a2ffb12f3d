import type { RequestHandler } from 'express';
import morgan from 'morgan';


// The URL is logged without its query string: tokens travel in ?token= links.
morgan.token('path-only', (req) => ((req as { originalUrl?: string }).originalUrl ?? req.url ?? '').split('?')[0] ?? '');
morgan.token('rid', (_req, res) => String((res as unknown as { locals?: { requestId?: string } }).locals?.requestId ?? ''));

/**
 * The seed's access log: method blue, url green, status yellow, response time cyan when `colours` (by default only
 * when stdout is a TTY, so no ANSI codes land in PM2's log files), plain text otherwise. Never bodies or headers.
 */
export function createAccessLog(
  write: (line: string) => void = (line) => process.stdout.write(line),
  colours: boolean = Boolean(process.stdout.isTTY),
): RequestHandler {
  const colour = colours ? (code: number, text: string) => `\x1b[${code}m${text}\x1b[0m` : (_code: number, text: string) => text;
  return morgan(
    (tokens, req, res) =>
      [
        colour(34, tokens.method?.(req, res) ?? ''),
        colour(32, tokens['path-only']?.(req, res) ?? ''),
        colour(33, tokens.status?.(req, res) ?? '-'),
        colour(36, `${tokens['response-time']?.(req, res) ?? '-'} ms`),
        tokens.rid?.(req, res) ?? '',
      ].join(' '),
    { stream: { write } },
  );
}
