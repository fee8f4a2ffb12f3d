import type { PushMessage, PushSender } from '../../src/integrations/fcm.js';

export interface RecordingPushSender extends PushSender {
  readonly calls: Array<{ tokens: string[]; message: PushMessage }>;
  /** Tokens to report as invalid from now on (the list is replaced). */
  setInvalidTokens(tokens: string[]): void;
}

/** The injected FCM sender of the tests: records every call and answers like FCM, reporting the configured tokens as invalid. */
export function createRecordingPushSender(options: { invalidTokens?: string[] } = {}): RecordingPushSender {
  let invalid = new Set(options.invalidTokens ?? []);
  const calls: Array<{ tokens: string[]; message: PushMessage }> = [];
  return {
    enabled: true,
    calls,
    setInvalidTokens(tokens) {
      invalid = new Set(tokens);
    },
    async sendToTokens(tokens, message) {
      calls.push({ tokens: [...tokens], message: { ...message, ...(message.data ? { data: { ...message.data } } : {}) } });
      const invalidTokens = tokens.filter((t) => invalid.has(t));
      return { invalidTokens, successCount: tokens.length - invalidTokens.length, failureCount: invalidTokens.length };
    },
    async close() {},
  };
}
