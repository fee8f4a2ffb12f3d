/**
 * The operator CLI: `npm run cli -- <command> [args]`. Each command works against the configured database,
 * says what it changed, and exits non-zero on bad usage or failure.
 */
import { offlineChangeFeed } from './models/change-feed.js';
import { ConfigError, loadConfig, readEnvironment, type Config } from '../config/index.js';
import { createRedis } from './models/redis.js';
import { prepareDatabase } from './server.js';
import { createHashingCenter } from './utilities/hashing-center.js';
import { createLogger, type Logger } from './utilities/logger.js';
import { createProgressReporter, type ProgressReporter } from './utilities/progress.js';
import { createApiKeyService } from './services/api-key.service.js';
import { createRateLimitService } from './services/rate-limit.service.js';
import { createAgentService } from './services/agent.service.js';
import { createMaintenanceService } from './services/maintenance.service.js';
import { createTokenService } from './services/token.service.js';
import { createEncryptor } from './utilities/encrypt.js';
import { createDatabase, type Database } from './models/index.js';
import { createAdoptionService, ORIGINAL_SCHEMA, type AdoptionTreatments } from './services/adoption.service.js';
import { createXenditGateway } from './integrations/xendit.js';
import { createGatewayLog } from './models/gateway-log.js';
import { createDisabledPushSender } from './integrations/fcm.js';
import { createWalletService } from './services/wallet.service.js';
import { createPaymentService } from './services/payment.service.js';
import { createBankAccountService } from './services/bank-account.service.js';
import { createPayoutService } from './services/payout.service.js';
import { createFcmService } from './services/fcm.service.js';
import { createReferralService } from './services/referral.service.js';
import { createCheckoutBudgetService } from './services/checkout-budget.service.js';
import { createFingerprinter } from './utilities/fingerprint.js';
import { createPaymentAnomalyService } from './services/payment-anomaly.service.js';
import { createSyncLockService } from './services/sync-lock.service.js';
import { createServices } from './services/index.js';
import { createMetrics } from './services/metrics.service.js';
import { createMailer } from './integrations/mailer.js';
import { createSmsSender } from './integrations/sms.js';
import { createDemoService } from './services/demo.service.js';
import { createMarketingOfferService } from './services/marketing-offer.service.js';
import { createVoucherService } from './services/voucher.service.js';
import type { Redis } from 'ioredis';

export interface CliContext {
  config: Readonly<Config>;
  logger: Logger;
  db: Database;
  redis: Redis;
  out: (line: string) => void;
  /** Progress of a long job: a bar on a TTY (stderr), periodic lines on stderr otherwise, the summary on stdout. */
  progress: (label: string) => ProgressReporter;
}

export interface CliCommand {
  usage: string;
  summary: string;
  /** Whether the command needs Redis (most only need PostgreSQL). */
  needsRedis?: boolean;
  /** The command opens the database itself: it is not migrated first (db:adopt works on the original's schema). */
  ownDatabase?: boolean;
  /** Refused with NODE_ENV=production, before any connection is opened. */
  notInProduction?: boolean;
  run(args: string[], ctx: CliContext): Promise<void>;
}

export class UsageError extends Error {}

/** Every command, one line of help each. Features add theirs here. */
export const COMMANDS: Record<string, CliCommand> = {
  migrate: {
    usage: 'migrate',
    summary: 'apply pending database migrations (npm start does this too)',
    async run(_args, ctx) {
      ctx.out('database is migrated to the latest version');
    },
  },
  'apikey:create': {
    usage: 'apikey:create <holder> [description]',
    summary: 'create an API key for an internal service; prints the key once, on the last line',
    needsRedis: true,
    async run(args, ctx) {
      const [holder, ...description] = args;
      if (!holder) throw new UsageError('holder is required');
      const key = await apiKeysOf(ctx).create(holder, description.join(' ') || null);
      ctx.out(`created API key for "${holder}" (stored hashed; it cannot be shown again). Use Basic auth as ${holder}:<key>`);
      ctx.out(key);
    },
  },
  'apikey:list': {
    usage: 'apikey:list',
    summary: 'list API key holders (never the keys)',
    needsRedis: true,
    async run(_args, ctx) {
      const rows = await apiKeysOf(ctx).list();
      if (rows.length === 0) ctx.out('no API keys');
      for (const row of rows) ctx.out(`${row.holder}\t${row.created_at.toISOString()}\t${row.description ?? ''}`);
    },
  },
  'apikey:revoke': {
    usage: 'apikey:revoke <holder>',
    summary: 'revoke a holder\'s API key at once on every instance',
    needsRedis: true,
    async run(args, ctx) {
      const [holder] = args;
      if (!holder) throw new UsageError('holder is required');
      await apiKeysOf(ctx).revoke(holder);
      ctx.out(`revoked the API key of "${holder}"`);
    },
  },
  'balance:sync-init': {
    usage: 'balance:sync-init',
    summary: 'create the missing user_balance rows of existing users (data from the old system); idempotent',
    async run(args, ctx) {
      if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}"`);
      const progress = ctx.progress('balance:sync-init');
      const result = await maintenanceOf(ctx).syncInitBalance({ onProgress: progress.report }).finally(() => progress.stop());
      ctx.out(
        `created ${result.created} missing user_balance row${result.created === 1 ? '' : 's'}${result.fromLedger ? ` (${result.fromLedger} seeded from existing ledger rows)` : ''}`,
      );
      progress.finish(`${result.created} created, ${result.skipped.length} left without a balance row`);
      if (result.skipped.length > 0) {
        throw new Error(
          `${result.skipped.length} user(s) left without a balance row because their ledger nets negative: ${result.skipped.join(', ')}`,
        );
      }
    },
  },
  'demo:seed': {
    usage: 'demo:seed',
    summary: 'create demo data (3 users with printed passwords, offers, a paid top-up, a referral, a voucher redemption) to click through /docs; refused in production',
    notInProduction: true,
    async run(args, ctx) {
      if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}"`);
      const result = await demoOf(ctx).seed();
      if (!result.created) {
        ctx.out(`demo users already exist (${result.existing.join(', ')}): nothing changed. Their passwords were printed when they were created; delete the users to seed again.`);
        return;
      }
      ctx.out('demo data created. Sign in with POST /auth (or /docs → POST /auth → Try it out, then Authorize with the token):');
      const width = Math.max(...result.users.map((u) => u.username.length));
      for (const u of result.users) {
        const notes = [
          u.username === result.referral?.referrer ? `referred ${result.referral.referred}` : '',
          u.username === result.topUp?.username ? `balance ${Number(result.topUp.amount)} from paid top-up ${result.topUp.transactionId}` : '',
          u.username === result.voucher?.username ? `redeemed voucher ${result.voucher.code}` : '',
          u.agent ? 'agent' : '',
        ].filter(Boolean);
        ctx.out(`  ${u.username.padEnd(width)}  password: ${u.password}  email: ${u.email}${notes.length ? `  (${notes.join('; ')})` : ''}`);
      }
      ctx.out(`offers: ${result.offers.join(' | ')}`);
      if (result.referral) {
        ctx.out(
          `referral: ${result.referral.referrer} referred ${result.referral.referred}; ` +
            (result.referral.completed ? 'the bonus is credited' : `the bonus is credited after the payout hold (REFERRAL_PAYOUT_HOLD_DAYS=${ctx.config.referral.payoutHoldDays}) by the sync job`),
        );
      }
      ctx.out(`vouchers to try (POST /redeem-voucher): ${result.vouchersAvailable.join(', ')}`);
      ctx.out('these passwords are shown only now');
    },
  },
  'user:agent': {
    usage: 'user:agent <username> on|off',
    summary: "make a user an agent or not; shows in the user's next token (off also revokes the user's current tokens)",
    needsRedis: true,
    async run(args, ctx) {
      const [username, state, ...rest] = args;
      if (!username || (state !== 'on' && state !== 'off') || rest.length > 0) throw new UsageError('give a username and on or off');
      const tokens = createTokenService({ auth: ctx.config.auth, redis: ctx.redis, models: ctx.db.models, sequelize: ctx.db.sequelize });
      const agents = createAgentService({ sequelize: ctx.db.sequelize, models: ctx.db.models, tokens });
      const result = await agents.setAgent(username, state === 'on');
      ctx.out(
        result.changed
          ? `"${username}" is ${result.agent ? 'now' : 'no longer'} an agent (from the next token)`
          : `"${username}" is already ${result.agent ? 'an agent' : 'not an agent'}; the agent flag is unchanged`,
      );
      if (result.tokensRevoked) ctx.out(`revoked the current tokens of "${username}"; the next sign-in carries agent: false`);
    },
  },
  'xendit:sync': {
    usage: 'xendit:sync [username...]',
    summary: 'run the Xendit sync job now (pending invoices and payouts, then due referral bonuses), optionally for some users only; skips if another runner holds the lock',
    needsRedis: true,
    async run(args, ctx) {
      for (const arg of args) if (!/^[A-Za-z0-9_.-]{1,64}$/.test(arg)) throw new UsageError(`"${arg}" is not a username`);
      const usernames = args.length ? args : undefined;
      const { payments, payouts, referrals, bankAccounts, close } = paymentsOf(ctx);
      try {
        const syncLock = createSyncLockService({ redis: ctx.redis, logger: ctx.logger, leaseMs: ctx.config.xendit.syncLockSeconds * 1000 });
        const progress = ctx.progress('xendit:sync');
        const onProgress = progress.report;
        const summary = await syncLock.runExclusively(async () => {
          const invoices = await payments.expireStatusUpdater({ ...(usernames ? { usernames } : {}), onProgress });
          const payoutSummary = await payouts.syncPendingPayouts({ ...(usernames ? { usernames } : {}), onProgress });
          ctx.out(`invoices: checked ${invoices.checked}, updated ${invoices.updated}, failed ${invoices.failed}`);
          ctx.out(`payouts: checked ${payoutSummary.checked}, updated ${payoutSummary.updated}, failed ${payoutSummary.failed}`);
          await bankAccounts.fillMissingFingerprints();
          const due = await referrals.completeDueReferrals({ onProgress });
          ctx.out(`referral bonuses: checked ${due.checked}, completed ${due.completed}, withheld ${due.rejected}, failed ${due.failed}`);
          return {
            checked: invoices.checked + payoutSummary.checked + due.checked,
            updated: invoices.updated + payoutSummary.updated + due.completed + due.rejected,
            failed: invoices.failed + payoutSummary.failed + due.failed,
          };
        }).finally(() => progress.stop());
        if (!summary) throw new Error('sync already running on another instance; try again later');
        progress.finish(`checked ${summary.checked}, updated ${summary.updated}, failed ${summary.failed}`);
      } finally {
        await close();
      }
    },
  },
  'accounts:erase-due': {
    usage: 'accounts:erase-due',
    summary: 'run the account erasure job now: erases every account whose deletion grace period has passed; skips if another runner holds the lock',
    needsRedis: true,
    async run(args, ctx) {
      if (args.length > 0) throw new UsageError('takes no arguments');
      const { services, close } = servicesOf(ctx);
      try {
        const summary = await services.runAccountErasureNow();
        if (!summary) throw new Error('account erasure already running on another instance; try again later');
        ctx.out(`accounts due: ${summary.checked}, erased ${summary.updated}, failed ${summary.failed}`);
      } finally {
        await close();
      }
    },
  },
  'payments:anomalies': {
    usage: 'payments:anomalies [--kind=KIND] [--limit=N]',
    summary: 'list payment anomalies (Xendit statuses contradicting a final local one, unresolvable payouts) with their counts',
    async run(args, ctx) {
      let kind: string | undefined;
      let limit: number | undefined;
      for (const arg of args) {
        const kindMatch = /^--kind=([A-Z_]{1,64})$/.exec(arg);
        const limitMatch = /^--limit=([1-9]\d{0,4})$/.exec(arg);
        if (kindMatch) kind = kindMatch[1];
        else if (limitMatch) limit = Number(limitMatch[1]);
        else throw new UsageError(`unexpected argument "${arg}"`);
      }
      const anomalies = createPaymentAnomalyService({ sequelize: ctx.db.sequelize, logger: ctx.logger });
      const { rows, totals } = await anomalies.list({ ...(kind ? { kind } : {}), ...(limit ? { limit } : {}) });
      if (totals.length === 0) {
        ctx.out('no payment anomalies');
        return;
      }
      ctx.out(`payment anomalies: ${totals.map((t) => `${t.kind}: ${t.anomalies} (${t.reports} reports)`).join(', ')}`);
      for (const row of rows) {
        ctx.out(
          [
            `#${row.id}`,
            row.kind,
            row.transaction_id,
            row.username,
            `local ${row.local_status}`,
            `reported ${row.reported_status}`,
            `seen ${row.occurrences}x`,
            `first ${new Date(row.first_seen_at).toISOString()}`,
            `last ${new Date(row.last_seen_at).toISOString()}`,
            `via ${row.source}`,
            row.detail ? JSON.stringify(row.detail) : '',
          ].join('\t'),
        );
      }
    },
  },
  'encryption:reencrypt': {
    usage: 'encryption:reencrypt [--batch-size=N]',
    summary: 're-encrypt data at rest (bank account numbers) under ENCRYPTION_CURRENT_KEY, in batches; run after a key rotation',
    async run(args, ctx) {
      let batchSize: number | undefined;
      for (const arg of args) {
        const match = /^--batch-size=([1-9]\d{0,5})$/.exec(arg);
        if (!match) throw new UsageError(`unexpected argument "${arg}"`);
        batchSize = Number(match[1]);
      }
      const progress = ctx.progress('encryption:reencrypt');
      const results = await maintenanceOf(ctx)
        .reencryptAll({ ...(batchSize === undefined ? {} : { batchSize }), onProgress: progress.report })
        .finally(() => progress.stop());
      const failures: string[] = [];
      for (const r of results) {
        ctx.out(
          `${r.table}.${r.column}: re-encrypted ${r.reencrypted} under key "${ctx.config.encryption.currentKeyId}"` +
            `, encrypted ${r.encryptedPlaintext} legacy plaintext, ${r.alreadyCurrent} already current, ${r.failed.length} failed`,
        );
        for (const f of r.failed) failures.push(`${r.table} id ${f.id}: ${f.reason}`);
      }
      const changed = results.reduce((sum, r) => sum + r.reencrypted + r.encryptedPlaintext, 0);
      progress.finish(`${changed} value(s) changed, ${failures.length} failed`);
      if (failures.length > 0) throw new Error(`${failures.length} value(s) left unchanged:\n  ${failures.join('\n  ')}`);
    },
  },
  'db:adopt': {
    usage: 'db:adopt [--apply] [--negative=zero] [--phones=normalize] [--orphans=skip] [--invalid=skip]',
    summary: "bring a database of the original system to our schema without losing a row; a dry run that prints every change unless --apply",
    ownDatabase: true,
    async run(args, ctx) {
      const treat: AdoptionTreatments = {};
      let apply = false;
      for (const arg of args) {
        if (arg === '--apply') apply = true;
        else if (arg === '--negative=zero') treat.negative = 'zero';
        else if (arg === '--phones=normalize') treat.phones = 'normalize';
        else if (arg === '--orphans=skip') treat.orphans = 'skip';
        else if (arg === '--invalid=skip') treat.invalid = 'skip';
        else throw new UsageError(`unexpected argument "${arg}"`);
      }
      const adoption = createAdoptionService({ postgres: ctx.config.postgres, logger: ctx.logger });
      const progress = ctx.progress('db:adopt');
      const report = await adoption.adopt({ apply, treat, onProgress: progress.report }).finally(() => progress.stop());
      const finish = () =>
        progress.finish(
          report.state !== 'original'
            ? 'nothing to adopt'
            : `${report.changes.length} change(s), ${report.problems.length} problem(s), ${report.applied ? 'applied' : 'nothing changed'}`,
        );
      if (report.state === 'ours') {
        ctx.out('nothing to adopt: this database already has our migrations record (SequelizeMeta); use `npm run cli -- migrate`');
        finish();
        return;
      }
      if (report.state === 'empty') {
        ctx.out('nothing to adopt: no tables of the original system in this database (npm start creates ours)');
        finish();
        return;
      }
      ctx.out(apply ? 'db:adopt --apply' : 'db:adopt: dry run, nothing is changed (add --apply to make these changes)');
      ctx.out('changes:');
      for (const change of report.changes) ctx.out(`  - ${change}`);
      ctx.out(report.problems.length ? `problems (${report.problems.length}):` : 'problems: none');
      for (const p of report.problems) {
        const treated = report.unresolved.includes(p) ? (p.flag ? `needs ${p.flag} or a fix by hand` : 'fix by hand') : `treated by ${p.flag}`;
        ctx.out(`  [${p.kind}] ${p.table} ${p.key}: ${p.detail} (${treated})`);
      }
      if (report.applied) {
        ctx.out(`adopted: the original's tables are kept in schema "${ORIGINAL_SCHEMA}"`);
        ctx.out(report.laterMigrations.length ? `applied later migrations: ${report.laterMigrations.join(', ')}` : 'no later migrations to apply');
        finish();
        return;
      }
      if (report.unresolved.length > 0) {
        const message = `${report.unresolved.length} row(s) break our constraints and no flag says how to treat them; nothing was changed`;
        if (apply) throw new Error(message);
        ctx.out(message);
        finish();
        return;
      }
      ctx.out('the dry run went through; run again with --apply (after a backup) to make these changes');
      finish();
    },
  },
};

/**
 * The payment services for the CLI: real Xendit and gateway logs, no push and no live socket updates (the CLI has no
 * Socket.io server; clients see the new status on their next read).
 */
/** Referral decisions need the bank-account fingerprints: the two are built together. */
function referralsOf(ctx: CliContext) {
  const { sequelize, models } = ctx.db;
  const fingerprinter = createFingerprinter(ctx.config.fingerprint.key);
  const bankAccounts = createBankAccountService({ sequelize, models, encryptor: createEncryptor(ctx.config.encryption), fingerprinter });
  const referrals = createReferralService({
    sequelize,
    models,
    bonusPoints: ctx.config.wallet.referralBonusPoints,
    logger: ctx.logger,
    payoutHoldDays: ctx.config.referral.payoutHoldDays,
    fingerprinter,
    bankAccountFingerprints: (username, transaction) => bankAccounts.fingerprintsOf(username, transaction),
  });
  return { bankAccounts, referrals };
}

function paymentsOf(ctx: CliContext) {
  const { sequelize, models } = ctx.db;
  const xendit = createXenditGateway(ctx.config.xendit, ctx.logger);
  const gatewayLog = createGatewayLog(ctx.config.mongo, ctx.logger);
  const fcm = createFcmService({ sequelize, models, push: createDisabledPushSender(), logger: ctx.logger });
  const wallet = createWalletService({ sequelize, models, config: ctx.config.xendit });
  const anomalies = createPaymentAnomalyService({ sequelize, logger: ctx.logger });
  const { bankAccounts, referrals } = referralsOf(ctx);
  const payments = createPaymentService({
    sequelize,
    models,
    config: ctx.config.xendit,
    xendit,
    wallet,
    logger: ctx.logger,
    realtime: { publish: () => undefined },
    fcm,
    gatewayLog,
    checkoutBudget: createCheckoutBudgetService({ redis: ctx.redis, budgets: ctx.config.budgets }),
    invoiceListXenditReads: ctx.config.budgets.invoiceListXenditReads,
    referrals,
    anomalies,
  });
  const payouts = createPayoutService({ sequelize, models, config: ctx.config.xendit, xendit, wallet, bankAccounts, logger: ctx.logger, gatewayLog, fcm, anomalies });
  return { payments, payouts, referrals, bankAccounts, anomalies, close: () => gatewayLog.close() };
}

/** The server's whole service graph, without push or live sockets (the CLI has no Socket.io server). */
function servicesOf(ctx: CliContext) {
  const gatewayLog = createGatewayLog(ctx.config.mongo, ctx.logger);
  const mailer = createMailer(ctx.config.email, { isProduction: ctx.config.isProduction }, ctx.logger);
  const services = createServices({
    config: ctx.config,
    logger: ctx.logger,
    db: ctx.db,
    redis: ctx.redis,
    xendit: createXenditGateway(ctx.config.xendit, ctx.logger),
    mailer,
    sms: createSmsSender(ctx.config.sms, ctx.logger, { isProduction: ctx.config.isProduction }),
    push: createDisabledPushSender(),
    gatewayLog,
    realtime: { publish: () => undefined },
    metrics: createMetrics({ defaultMetrics: false }),
    profileChanges: offlineChangeFeed(),
  });
  return { services, close: async () => void (await Promise.allSettled([gatewayLog.close(), mailer.close()])) };
}

function demoOf(ctx: CliContext) {
  const { sequelize, models } = ctx.db;
  return createDemoService({
    sequelize,
    models,
    hashing: createHashingCenter(ctx.config.auth),
    wallet: createWalletService({ sequelize, models, config: ctx.config.xendit }),
    referrals: referralsOf(ctx).referrals,
    marketingOffers: createMarketingOfferService({ sequelize, models }),
    vouchers: createVoucherService({ sequelize, models, voucherFile: ctx.config.voucherFile }),
  });
}

function maintenanceOf(ctx: CliContext) {
  return createMaintenanceService({
    sequelize: ctx.db.sequelize,
    encryptor: createEncryptor(ctx.config.encryption),
    currentKeyId: ctx.config.encryption.currentKeyId,
  });
}

function apiKeysOf(ctx: CliContext) {
  const limits = createRateLimitService({ redis: ctx.redis, limits: ctx.config.limits, sequelize: ctx.db.sequelize });
  return createApiKeyService({ auth: ctx.config.auth, redis: ctx.redis, models: ctx.db.models, hashing: createHashingCenter(ctx.config.auth), limits });
}

function printHelp(out: (line: string) => void): void {
  out('Usage: npm run cli -- <command> [args]\n\nCommands:');
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length), 4);
  out(`  ${'help'.padEnd(width)}  list the commands`);
  for (const command of Object.values(COMMANDS)) out(`  ${command.usage.padEnd(width)}  ${command.summary}`);
}

/** Runs one command; returns the process exit code. */
export async function runCli(argv: string[], out = (line: string) => process.stdout.write(`${line}\n`), err = (line: string) => process.stderr.write(`${line}\n`)): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help') {
    printHelp(out);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    err(`unknown command "${name}"`);
    printHelp(err);
    return 2;
  }
  let config;
  try {
    config = loadConfig(readEnvironment());
  } catch (error) {
    if (error instanceof ConfigError) {
      err(error.message);
      return 1;
    }
    throw error;
  }
  if (command.notInProduction && config.isProduction) {
    err(`${name} refuses to run in production (NODE_ENV=production): nothing was changed`);
    return 1;
  }
  const logger = createLogger('warn', (line) => err(line), { format: config.server.logFormat });
  let db: Database | undefined;
  let redis: Redis | undefined;
  try {
    db = command.ownDatabase ? createDatabase(config.postgres) : await prepareDatabase(config, logger);
    if (command.needsRedis) {
      redis = createRedis(config.redis);
      await redis.connect();
    }
    const progress = (label: string) => createProgressReporter(label, { tty: Boolean(process.stderr.isTTY), write: err, writeSummary: out });
    await command.run(args, { config, logger, db, redis: redis as Redis, out, progress });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      err(`${error.message}\nusage: npm run cli -- ${command.usage}`);
      return 2;
    }
    err(`${name} failed: ${(error as Error).message}`);
    return 1;
  } finally {
    redis?.disconnect();
    await db?.sequelize.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/src/cli.ts') || process.argv[1]?.endsWith('/src/cli.js')) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
