/**
 * A local SMTP server that keeps every message it receives (smtp-server, no TLS, any or no login).
 *
 *   const smtp = await startSmtpCapture();
 *   const config = loadConfig({ ...process.env, EMAIL_HOST: '127.0.0.1', EMAIL_PORT: String(smtp.port), EMAIL_SECURE: 'false' });
 *   const mail = await smtp.waitForMail((m) => m.to.includes('jane@example.com'));
 *
 * Messages are parsed by hand (mailparser is not installed): headers, encoded-word subjects, nested multipart,
 * quoted-printable and base64 parts. Enough for what nodemailer sends; not a general MIME parser.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  /** The From header, e.g. "UserState <noreply@localhost>". */
  from: string;
  /** The To header, e.g. "jane@example.com". */
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The SMTP envelope (MAIL FROM / RCPT TO addresses). */
  envelope: { from: string; to: string[] };
  headers: Map<string, string>;
  raw: string;
}

export interface SmtpCapture {
  port: number;
  messages: CapturedMail[];
  /** Resolves with the first message (already received or still to come) that matches, or rejects after timeoutMs. */
  waitForMail(predicate?: (mail: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  close(): Promise<void>;
}

export async function startSmtpCapture(): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  const waiters = new Set<(mail: CapturedMail) => void>();

  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'test' });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mailFrom = session.envelope.mailFrom;
        const mail = parseMail(raw, {
          from: mailFrom ? mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        });
        messages.push(mail);
        for (const notify of waiters) notify(mail);
        callback();
      });
    },
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    messages,
    waitForMail(predicate = () => true, timeoutMs = 5000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const notify = (mail: CapturedMail) => {
          if (!predicate(mail)) return;
          clearTimeout(timer);
          waiters.delete(notify);
          resolve(mail);
        };
        const timer = setTimeout(() => {
          waiters.delete(notify);
          reject(new Error(`SMTP capture: no matching mail within ${timeoutMs} ms (${messages.length} received)`));
        }, timeoutMs);
        waiters.add(notify);
      });
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// A small MIME reader
// ---------------------------------------------------------------------------------------------------------------

interface Part {
  headers: Map<string, string>;
  body: string;
}

function splitPart(raw: string): Part {
  const match = /\r?\n\r?\n/.exec(raw);
  const head = match ? raw.slice(0, match.index) : raw;
  const body = match ? raw.slice(match.index + match[0].length) : '';
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function headerParam(value: string | undefined, name: string): string | undefined {
  const match = new RegExp(`${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value ?? '');
  return match ? (match[1] ?? match[2]) : undefined;
}

function decodeQuotedPrintable(text: string, charset = 'utf-8'): string {
  const softBreaksRemoved = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < softBreaksRemoved.length; i++) {
    const ch = softBreaksRemoved[i] ?? '';
    const hex = softBreaksRemoved.slice(i + 1, i + 3);
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(ch, 'utf8'));
    }
  }
  return new TextDecoder(charset).decode(Uint8Array.from(bytes));
}

function decodeBody(part: Part): string {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const charset = headerParam(part.headers.get('content-type'), 'charset') ?? 'utf-8';
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(part.body, charset);
  if (encoding === 'base64') return new TextDecoder(charset).decode(Buffer.from(part.body.replace(/\s+/g, ''), 'base64'));
  return part.body;
}

/** =?UTF-8?Q?...?= and =?UTF-8?B?...?= words in headers (RFC 2047). */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_all, charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? new TextDecoder(charset).decode(Buffer.from(data, 'base64'))
        : decodeQuotedPrintable(data.replace(/_/g, ' '), charset),
    );
}

/** Walks multipart trees and returns the first text/plain and text/html leaves. */
function collectBodies(part: Part, out: { text?: string; html?: string }): void {
  const contentType = part.headers.get('content-type') ?? 'text/plain';
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? 'text/plain';
  if (type.startsWith('multipart/')) {
    const boundary = headerParam(contentType, 'boundary');
    if (!boundary) return;
    const sections = part.body.split(new RegExp(`^--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*\\r?$`, 'm'));
    for (const section of sections.slice(1, -1)) collectBodies(splitPart(section.replace(/^\r?\n/, '')), out);
    return;
  }
  const disposition = part.headers.get('content-disposition') ?? '';
  if (/attachment/i.test(disposition)) return;
  if (type === 'text/plain' && out.text === undefined) out.text = decodeBody(part).replace(/\r?\n$/, '');
  if (type === 'text/html' && out.html === undefined) out.html = decodeBody(part).replace(/\r?\n$/, '');
}

export function parseMail(raw: string, envelope: { from: string; to: string[] } = { from: '', to: [] }): CapturedMail {
  const root = splitPart(raw);
  const bodies: { text?: string; html?: string } = {};
  collectBodies(root, bodies);
  return {
    from: decodeEncodedWords(root.headers.get('from') ?? ''),
    to: decodeEncodedWords(root.headers.get('to') ?? ''),
    subject: decodeEncodedWords(root.headers.get('subject') ?? ''),
    text: (bodies.text ?? '').replace(/\r\n/g, '\n'),
    html: (bodies.html ?? '').replace(/\r\n/g, '\n'),
    envelope,
    headers: root.headers,
    raw,
  };
}
