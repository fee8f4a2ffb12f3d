/**
 * Push notifications through Firebase Cloud Messaging: the only code that talks to FCM.
 *
 * - Without a readable service-account key at FIREBASE_KEY_PATH the server still starts: it logs once that push is
 *   off, and `sendToTokens` throws 503.
 * - firebase-admin is initialised as a NAMED app (never the default app), so the entry file and tests can build
 *   several senders side by side and delete them on close.
 * - Tokens FCM reports as unknown or malformed come back in `invalidTokens`, so the caller can delete them.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cert, deleteApp, initializeApp, type App, type ServiceAccount } from 'firebase-admin/app';
import { getMessaging } from 'firebase-admin/messaging';
import type { Config } from '../../config/index.js';
import { BadGatewayError, ServiceUnavailableError } from '../errors/app-error.js';
import type { Logger } from '../utilities/logger.js';

export interface PushMessage {
  title: string;
  body: string;
  /** FCM data payload: string values only. */
  data?: Record<string, string>;
}

export interface PushResult {
  /** Tokens FCM no longer accepts; delete them. */
  invalidTokens: string[];
  successCount: number;
  failureCount: number;
}

export interface PushSender {
  readonly enabled: boolean;
  sendToTokens(tokens: string[], message: PushMessage): Promise<PushResult>;
  /** Releases the Firebase app (call on shutdown). */
  close(): Promise<void>;
}

/** FCM error codes that mean "this token will never work again". */
export const INVALID_TOKEN_ERROR_CODES: ReadonlySet<string> = new Set([
  'messaging/registration-token-not-registered',
  'messaging/invalid-registration-token',
  'messaging/invalid-argument',
]);

/** sendEachForMulticast accepts at most 500 tokens per call. */
const MAX_TOKENS_PER_CALL = 500;
const NOT_CONFIGURED_MESSAGE = 'Push notifications are not configured';

export function createDisabledPushSender(): PushSender {
  return {
    enabled: false,
    async sendToTokens() {
      throw new ServiceUnavailableError(NOT_CONFIGURED_MESSAGE);
    },
    async close() {},
  };
}

export function createFirebasePushSender(config: Config['firebase'], logger: Logger): PushSender {
  let serviceAccount: ServiceAccount;
  try {
    serviceAccount = JSON.parse(readFileSync(config.keyPath, 'utf8')) as ServiceAccount;
  } catch {
    logger.warn(`push notifications are off: no Firebase key at ${config.keyPath}`);
    return createDisabledPushSender();
  }

  let app: App;
  try {
    app = initializeApp({ credential: cert(serviceAccount) }, `userstate-push-${randomUUID()}`);
  } catch (error) {
    // cert() rejects a file that is JSON but not a service account (no project_id, private_key or client_email).
    logger.warn(`push notifications are off: the Firebase key at ${config.keyPath} is not a usable service account`, {
      reason: error instanceof Error ? error.message : String(error),
    });
    return createDisabledPushSender();
  }
  const messaging = getMessaging(app);
  let closed = false;

  return {
    enabled: true,
    async sendToTokens(tokens, message) {
      const result: PushResult = { invalidTokens: [], successCount: 0, failureCount: 0 };
      const unique = [...new Set(tokens.filter((t) => t.length > 0))];
      for (let start = 0; start < unique.length; start += MAX_TOKENS_PER_CALL) {
        const chunk = unique.slice(start, start + MAX_TOKENS_PER_CALL);
        let batch;
        try {
          batch = await messaging.sendEachForMulticast({
            tokens: chunk,
            notification: { title: message.title, body: message.body },
            ...(message.data ? { data: message.data } : {}),
          });
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          logger.warn('FCM send failed', { code, reason: error instanceof Error ? error.message : String(error) });
          throw new BadGatewayError('Push notifications could not be sent, please try again', error);
        }
        result.successCount += batch.successCount;
        result.failureCount += batch.failureCount;
        batch.responses.forEach((response, i) => {
          const token = chunk[i];
          const code = response.error?.code;
          if (!response.success && token !== undefined && code !== undefined && INVALID_TOKEN_ERROR_CODES.has(code)) {
            result.invalidTokens.push(token);
          }
        });
      }
      if (result.failureCount > 0) {
        logger.debug('FCM send finished with failures', {
          successCount: result.successCount,
          failureCount: result.failureCount,
          invalidTokens: result.invalidTokens.length,
        });
      }
      return result;
    },
    async close() {
      if (closed) return;
      closed = true;
      await deleteApp(app);
    },
  };
}
