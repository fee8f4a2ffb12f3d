/**
 * A local stand-in for SMSViro, answering in Infobip's SMS v1 form (see /work/shared/reference/smsviro.md).
 *
 *   const sms = await startFakeSmsViro();
 *   const config = loadConfig({ ...process.env, API_URL_SMSVIRO: sms.url, SMSVIROTOKEN: 'test-token' });
 */
import { randomUUID } from 'node:crypto';
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSms {
  to: string;
  from: string;
  text: string;
  /** The Authorization header as received (e.g. "App test-token"). */
  authorization: string;
}

export interface FakeSmsViro {
  url: string;
  /** Messages the fake accepted (status group PENDING), in order. */
  messages: FakeSms[];
  /** The next message is answered HTTP 200 with status group REJECTED (and not recorded in `messages`). */
  rejectNext(): void;
  /** The next request is answered with this HTTP status and an Infobip error body. */
  failNext(status: number): void;
  /** The next request waits `ms` before it is answered (for timeout tests). */
  delayNext(ms: number): void;
  /** Waits until `count` messages have been accepted, or fails after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs?: number): Promise<FakeSms[]>;
  close(): Promise<void>;
}

export async function startFakeSmsViro(): Promise<FakeSmsViro> {
  const messages: FakeSms[] = [];
  let rejectCount = 0;
  const failures: number[] = [];
  const delays: number[] = [];
  const waiters = new Set<() => void>();

  const send = (res: ServerResponse, status: number, body: unknown) => {
    if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const requestError = (res: ServerResponse, status: number, messageId: string, text: string) =>
    send(res, status, { requestError: { serviceException: { messageId, text } } });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const run = () => {
        const authorization = req.headers.authorization ?? '';
        if (!/^App \S+/.test(authorization)) return requestError(res, 401, 'UNAUTHORIZED', 'Invalid login details');
        const failure = failures.shift();
        if (failure) return requestError(res, failure, 'GENERAL_ERROR', 'Fake SMSViro failure');

        let body: {
          messages?: Array<{ from?: string; destinations?: Array<{ to?: string }>; text?: string }>;
          from?: string;
          to?: string;
          text?: string;
        };
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
        } catch {
          return requestError(res, 400, 'BAD_REQUEST', 'Invalid JSON');
        }
        // advanced: {messages:[{from, destinations:[{to}], text}]}; single: {from, to, text}
        let outgoing: Array<{ from: string; to: string; text: string }>;
        if (req.method === 'POST' && req.url === '/restapi/sms/1/text/advanced') {
          outgoing = (body.messages ?? []).flatMap((m) =>
            (m.destinations ?? []).map((d) => ({ from: m.from ?? '', to: d.to ?? '', text: m.text ?? '' })),
          );
        } else if (req.method === 'POST' && req.url === '/restapi/sms/1/text/single') {
          outgoing = [{ from: body.from ?? '', to: body.to ?? '', text: body.text ?? '' }];
        } else {
          return requestError(res, 404, 'NOT_FOUND', `No route ${req.method ?? ''} ${req.url ?? ''}`);
        }
        if (outgoing.length === 0) return requestError(res, 400, 'BAD_REQUEST', 'No destinations');

        const results = outgoing.map((m) => {
          const messageId = randomUUID();
          if (rejectCount > 0 || !/^62\d{6,13}$/.test(m.to)) {
            if (rejectCount > 0) rejectCount--;
            return {
              to: m.to,
              messageId,
              status: { groupId: 5, groupName: 'REJECTED', id: 6, name: 'REJECTED_DESTINATION', description: 'Destination rejected' },
            };
          }
          messages.push({ ...m, authorization });
          return {
            to: m.to,
            messageId,
            status: { groupId: 1, groupName: 'PENDING', id: 26, name: 'PENDING_ACCEPTED', description: 'Message sent to next instance' },
          };
        });
        for (const wake of waiters) wake();
        return send(res, 200, { bulkId: randomUUID(), messages: results });
      };
      const delay = delays.shift();
      if (delay) setTimeout(run, delay).unref();
      else run();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    messages,
    rejectNext() {
      rejectCount++;
    },
    failNext(status) {
      failures.push(status);
    },
    delayNext(ms) {
      delays.push(ms);
    },
    waitForMessages(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          cleanup();
          resolve(messages.slice(0, count));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`fake SMSViro: ${messages.length} of ${count} messages after ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
