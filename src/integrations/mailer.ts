/**
 * Outgoing mail: the only code that talks to the SMTP server (nodemailer, pooled SMTP).
 *
 * - Connection, greeting and socket timeouts are bounded (10 s each) so a dead server cannot hang a request.
 * - Without EMAIL_HOST (development and tests only; config refuses it in production) each mail is written as an
 *   .eml file under resources/dev-outbox/, and one log line names the file. The body (links, codes) never reaches the log.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { PROJECT_ROOT, type Config } from '../../config/index.js';
import { ServiceUnavailableError } from '../errors/app-error.js';
import type { Logger } from '../utilities/logger.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /** Closes pooled SMTP connections (call on shutdown). */
  close(): Promise<void>;
}

export interface MailerOptions {
  isProduction: boolean;
  /** Where the dev outbox lives (default resources/dev-outbox). */
  outboxDir?: string;
}

const SMTP_TIMEOUT_MS = 10_000;
const UNAVAILABLE_MESSAGE = 'Email could not be sent, please try again';

/** jane.doe@example.com → ja***@example.com (for logs). */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '***';
  return `${address.slice(0, Math.min(2, at))}***${address.slice(at)}`;
}

export function createMailer(config: Config['email'], options: MailerOptions, logger: Logger): Mailer {
  if (!config.host) {
    if (options.isProduction) throw new Error('EMAIL_HOST must be set in production');
    return createDevOutboxMailer(config.from, options.outboxDir ?? path.join(PROJECT_ROOT, 'resources', 'dev-outbox'), logger);
  }

  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 3,
    host: config.host,
    port: config.port,
    secure: config.secure,
    ...(config.user ? { auth: { user: config.user, pass: config.pass } } : {}),
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  });

  return {
    async send(message) {
      try {
        await transport.sendMail({ from: config.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
        logger.debug(`mail sent to ${maskEmail(message.to)}`);
      } catch (error) {
        const e = error as { code?: unknown; responseCode?: unknown; message?: unknown };
        logger.warn(`mail to ${maskEmail(message.to)} failed`, { code: e.code, responseCode: e.responseCode, reason: e.message });
        throw new ServiceUnavailableError(UNAVAILABLE_MESSAGE);
      }
    },
    async close() {
      transport.close();
    },
  };
}

function createDevOutboxMailer(from: string, outboxDir: string, logger: Logger): Mailer {
  // streamTransport renders the real RFC 822 message, so the .eml file opens in any mail client.
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  logger.info(`EMAIL_HOST is not set: mail goes to the dev outbox ${path.relative(PROJECT_ROOT, outboxDir) || outboxDir}`);
  return {
    async send(message) {
      const info = await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = path.join(outboxDir, `${stamp}-${randomBytes(3).toString('hex')}.eml`);
      await mkdir(outboxDir, { recursive: true });
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      logger.info(`mail (dev outbox) to ${maskEmail(message.to)}: ${path.relative(PROJECT_ROOT, file) || file}`);
    },
    async close() {
      transport.close();
    },
  };
}
