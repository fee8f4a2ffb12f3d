/**
 * SMS through SMSViro (Infobip SMS v1 shape, see /work/shared/reference/smsviro.md): the only code that talks to it.
 *
 * - `POST {apiUrl}/restapi/sms/1/text/advanced` with `Authorization: App <token>`, bounded by `timeoutMs`.
 * - Numbers go out as 62…: a leading 0 or +62 is rewritten.
 * - A 200 answer can still carry `status.groupName: "REJECTED"`; that is a failure too.
 * - Without API_URL_SMSVIRO outside production, messages go to `resources/dev-outbox/sms.log` (the text holds an OTP,
 *   so it never reaches the log); in production a missing URL makes every send fail with 503.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT, type Config } from '../../config/index.js';
import { AppError, BadGatewayError, ServiceUnavailableError } from '../errors/app-error.js';
import type { Logger } from '../utilities/logger.js';

export interface SmsSender {
  send(phone: string, text: string): Promise<void>;
}

export interface SmsSenderOptions {
  isProduction: boolean;
  /** Where the dev outbox lives (default resources/dev-outbox). */
  outboxDir?: string;
}

const UNAVAILABLE_MESSAGE = 'SMS gateway is unavailable, please try again';

/** Thrown when SMSViro answers but refuses the message (status group REJECTED or UNDELIVERABLE). */
export class SmsRejectedError extends BadGatewayError {
  readonly statusName?: string;
  constructor(statusName?: string) {
    super('The SMS could not be sent to this number, please check it or try again later');
    this.name = 'SmsRejectedError';
    if (statusName !== undefined) this.statusName = statusName;
  }
}

/** 0812…, +62 812-…, 62812… → 62812…; throws a 400 when what is left is not 8–15 digits starting with 62. */
export function normalizePhoneNumber(phone: string): string {
  let digits = phone.trim().replace(/[\s\-().]/g, '');
  if (digits.startsWith('+')) digits = digits.slice(1);
  if (digits.startsWith('0')) digits = `62${digits.slice(1)}`;
  if (!/^62\d{6,13}$/.test(digits)) throw new AppError('PHONE_NUMBER_INVALID');
  return digits;
}

/** 6281234567890 → 6281******890 (for logs). */
export function maskPhoneNumber(phone: string): string {
  if (phone.length <= 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 4)}${'*'.repeat(phone.length - 7)}${phone.slice(-3)}`;
}

export function createSmsSender(config: Config['sms'], logger: Logger, options: SmsSenderOptions): SmsSender {
  if (!config.apiUrl) {
    if (options.isProduction) {
      logger.error('API_URL_SMSVIRO is not set: SMS sending is off');
      return {
        async send() {
          throw new ServiceUnavailableError(UNAVAILABLE_MESSAGE);
        },
      };
    }
    return createDevOutboxSmsSender(options.outboxDir ?? path.join(PROJECT_ROOT, 'resources', 'dev-outbox'), logger);
  }

  const url = `${config.apiUrl.replace(/\/+$/, '')}/restapi/sms/1/text/advanced`;
  if (!config.token) logger.warn('SMSVIROTOKEN is not set: SMSViro will likely refuse every message');

  return {
    async send(phone, text) {
      const to = normalizePhoneNumber(phone);
      const masked = maskPhoneNumber(to);
      let response: Response;
      let body: unknown;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { Authorization: `App ${config.token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ messages: [{ from: config.sender, destinations: [{ to }], text }] }),
          signal: AbortSignal.timeout(config.timeoutMs),
        });
        const raw = await response.text();
        try {
          body = raw ? JSON.parse(raw) : undefined;
        } catch {
          body = undefined;
        }
      } catch (error) {
        const reason = error instanceof Error && error.name === 'TimeoutError' ? `timeout after ${config.timeoutMs} ms` : 'network error';
        logger.warn(`SMS to ${masked} failed: ${reason}`, { cause: error instanceof Error ? error.message : String(error) });
        throw new ServiceUnavailableError(UNAVAILABLE_MESSAGE);
      }

      if (!response.ok) {
        logger.warn(`SMS to ${masked} failed: HTTP ${response.status}`, { requestError: describeRequestError(body) });
        throw new ServiceUnavailableError(UNAVAILABLE_MESSAGE);
      }

      const status = readFirstStatus(body);
      if (!status) {
        logger.warn(`SMS to ${masked}: unexpected answer from the SMS gateway (HTTP ${response.status})`);
        throw new BadGatewayError(UNAVAILABLE_MESSAGE);
      }
      if (status.groupName === 'REJECTED' || status.groupName === 'UNDELIVERABLE') {
        logger.warn(`SMS to ${masked} was rejected`, { groupName: status.groupName, name: status.name, description: status.description });
        throw new SmsRejectedError(status.name);
      }
      logger.debug(`SMS to ${masked} accepted`, { groupName: status.groupName, messageId: status.messageId });
    },
  };
}

function createDevOutboxSmsSender(outboxDir: string, logger: Logger): SmsSender {
  const file = path.join(outboxDir, 'sms.log');
  logger.info(`API_URL_SMSVIRO is not set: SMS go to the dev outbox ${path.relative(PROJECT_ROOT, file) || file}`);
  return {
    async send(phone, text) {
      const to = normalizePhoneNumber(phone);
      await mkdir(outboxDir, { recursive: true });
      await appendFile(file, `${JSON.stringify({ at: new Date().toISOString(), to, text })}\n`, { mode: 0o600 });
      logger.info(`SMS (dev outbox) to ${maskPhoneNumber(to)}`);
    },
  };
}

interface InfobipStatus {
  groupName?: string;
  name?: string;
  description?: string;
  messageId?: string;
}

function readFirstStatus(body: unknown): InfobipStatus | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const messages = (body as { messages?: unknown }).messages;
  if (!Array.isArray(messages)) return undefined;
  const first: unknown = messages[0];
  if (!first || typeof first !== 'object') return undefined;
  const status = (first as { status?: unknown }).status;
  if (!status || typeof status !== 'object') return undefined;
  const s = status as Record<string, unknown>;
  const pick = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    groupName: pick(s.groupName),
    name: pick(s.name),
    description: pick(s.description),
    messageId: pick((first as Record<string, unknown>).messageId),
  };
}

/** Infobip error bodies: {requestError: {serviceException: {messageId, text}}}. */
function describeRequestError(body: unknown): string | undefined {
  const exception = (body as { requestError?: { serviceException?: { messageId?: unknown; text?: unknown } } } | undefined)?.requestError
    ?.serviceException;
  if (!exception) return undefined;
  return [exception.messageId, exception.text].filter((v) => typeof v === 'string').join(': ') || undefined;
}
