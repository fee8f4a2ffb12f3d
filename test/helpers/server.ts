import { after, afterEach, before } from 'node:test';
import supertest from 'supertest';
import type { Config } from '../../config/index.js';
import { createAnswerCheck } from './answer-check.js';
import { createRecordingPushSender } from './recording-push.js';
import { startServer, type RunningServer, type StartOptions } from '../../src/server.js';
import { createLogger, type Logger } from '../../src/utilities/logger.js';
import { startFakeSmsViro } from './fake-smsviro.js';
import { startFakeXendit } from './fake-xendit.js';
import { startSmtpCapture } from './smtp-capture.js';
import { testConfig } from './test-config.js';

export interface TestContext {
  server: RunningServer;
  config: Readonly<Config>;
  api: ReturnType<typeof supertest>;
  xendit: Awaited<ReturnType<typeof startFakeXendit>>;
  sms: Awaited<ReturnType<typeof startFakeSmsViro>>;
  smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
  push: ReturnType<typeof createRecordingPushSender>;
  /** Every line the app logger and the access log wrote (for leak checks). */
  logs: string[];
  logger: Logger;
  /** Sees every JSON answer of a declared route; a test whose answer does not fit its declared schema fails. */
  answerCheck: ReturnType<typeof createAnswerCheck>;
}

/** Fails the running test (or hook) when an answer it caused does not fit the route's declared schema. */
function assertAnswersFit(check: ReturnType<typeof createAnswerCheck>): void {
  const violations = check.take();
  if (violations.length) throw new Error(`answers that do not fit their declared schema:\n${violations.join('\n')}`);
}

/**
 * Starts the real server (port 0) on the test database and Redis db, with Xendit, SMSViro and SMTP served by
 * local stand-ins and a recording push sender. Registers before/after hooks; read the context inside tests.
 * `options.host` binds elsewhere than 127.0.0.1 (e.g. 0.0.0.0 to be reached on a LAN address); `server.url` stays on
 * 127.0.0.1. Every JSON answer of a declared route is checked against the route's declared schema (see answer-check.ts).
 */
export function useTestServer(overrides: Record<string, string> = {}, options: Partial<StartOptions> = {}): TestContext {
  const ctx = { answerCheck: createAnswerCheck() } as TestContext;
  before(async () => {
    ctx.xendit = await startFakeXendit();
    ctx.sms = await startFakeSmsViro();
    ctx.smtp = await startSmtpCapture();
    ctx.logs = [];
    ctx.config = testConfig({
      XENDIT_API_URL: ctx.xendit.url,
      API_URL_SMSVIRO: ctx.sms.url,
      SMSVIROTOKEN: 'test-sms-token',
      EMAIL_HOST: '127.0.0.1',
      EMAIL_PORT: String(ctx.smtp.port),
      EMAIL_SECURE: 'false',
      EMAIL_FROM: 'UserState <noreply@userstate.test>',
      LOG_LEVEL: 'debug',
      ...overrides,
    });
    ctx.logger = createLogger('debug', (line) => ctx.logs.push(line));
    ctx.push = createRecordingPushSender();
    ctx.server = await startServer({
      config: ctx.config,
      logger: ctx.logger,
      port: 0,
      host: options.host ?? '127.0.0.1',
      overrides: { push: ctx.push, ...options.overrides },
      accessLogWrite: (line) => ctx.logs.push(line),
      observeJsonAnswers: ctx.answerCheck.observe,
    });
    ctx.api = supertest(ctx.server.url);
  });
  afterEach(() => assertAnswersFit(ctx.answerCheck));
  after(async () => {
    await ctx.server?.close();
    await Promise.allSettled([ctx.xendit?.close(), ctx.sms?.close(), ctx.smtp?.close()]);
    assertAnswersFit(ctx.answerCheck);
  });
  return ctx;
}

/**
 * A second instance of the server on the same database and Redis db (a PM2 sibling or another host), with `overrides`
 * on top of the test settings; started before the tests and closed after them. Read `url` inside tests.
 */
export function useSecondInstance(ctx: TestContext, overrides: Record<string, string> = {}): { readonly url: string } {
  let server: RunningServer | undefined;
  before(async () => {
    server = await startServer({
      config: testConfig({ XENDIT_API_URL: ctx.xendit.url, ...overrides }),
      logger: createLogger('silent'),
      port: 0,
      host: '127.0.0.1',
      overrides: { push: createRecordingPushSender() },
      observeJsonAnswers: ctx.answerCheck.observe,
    });
  });
  after(async () => {
    await server?.close();
  });
  return {
    get url() {
      if (!server) throw new Error('the second instance is not started yet (read it inside a test)');
      return server.url;
    },
  };
}

let counter = 0;
/** A username nobody else in this run uses. */
export function uniqueName(prefix = 'user'): string {
  counter += 1;
  return `${prefix}_${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}${counter}`.toLowerCase().slice(0, 40);
}
