import { QueryTypes, Sequelize } from 'sequelize';
import type { ProgressReport } from '../utilities/progress.js';
import type { Config } from '../../config/index.js';
import { createMigrator, migrateUp } from '../migrations/index.js';
import { withMigrationLock } from '../models/index.js';
import type { Logger } from '../utilities/logger.js';

/**
 * Adopting a database of the original system: tables made by Sequelize `sync` from the seed's models, no
 * SequelizeMeta. The original's tables move to the schema ORIGINAL_SCHEMA (kept untouched, a backup in place); our
 * schema is built in `public` by our own migrations up to ADOPTION_BASELINE (so it is exactly what those migrations
 * make, and they are recorded as applied); every row is copied across, then the ordinary migrations after the
 * baseline run as on any other database. All of it happens in one transaction: a dry run rolls it back, so it
 * exercises every statement and changes nothing.
 *
 * Rows that would break our constraints are listed, never changed silently: --apply refuses while any remain that
 * no flag treats (AdoptionTreatments).
 */

/** The last migration whose schema the adoption builds; later ones run after it as ordinary migrations. */
export const ADOPTION_BASELINE = '0500_payments';
/** Where the original's tables are kept after adoption. */
export const ORIGINAL_SCHEMA = 'original_system';

/** How the operator wants rows treated that break our constraints. Unset: such rows block --apply. */
export interface AdoptionTreatments {
  /** Negative balances or points start at 0 here (the original value stays in ORIGINAL_SCHEMA and in the report). */
  negative?: 'zero';
  /** Phones written 08…, +62…, with spaces or dashes are stored as 62… (what sign-up stores). */
  phones?: 'normalize';
  /** Rows whose user (or referrer) does not exist are left out (they stay in ORIGINAL_SCHEMA). */
  orphans?: 'skip';
  /** Other rows that break a constraint of ours (duplicates, bad values) are left out, except logins and balances. */
  invalid?: 'skip';
}

export type ProblemKind = 'negative_balance' | 'email_case_duplicate' | 'phone_format' | 'orphan' | 'invalid_row';

export interface AdoptionProblem {
  kind: ProblemKind;
  table: string;
  /** The row's key in the original table (username, id or holder). */
  key: string;
  detail: string;
  /** The flag that treats it, if any. */
  flag?: string;
}

export interface AdoptionReport {
  /** original: tables of the original without SequelizeMeta; ours: already migrated by us; empty: nothing there. */
  state: 'original' | 'ours' | 'empty';
  applied: boolean;
  changes: string[];
  problems: AdoptionProblem[];
  /** Problems no given flag treats; --apply refuses while there are any. */
  unresolved: AdoptionProblem[];
  /** Migrations after the baseline applied once the adoption committed (apply only). */
  laterMigrations: string[];
}

/** The seed's sixteen tables. */
export const ORIGINAL_TABLES = [
  'user_login',
  'user_info',
  'user_balance',
  'address_list',
  'point_mutation',
  'referral_history',
  'marketing_offer',
  'fcm',
  'user_transaction',
  'voucher_redemption',
  'api_key',
  'otp_tracker',
  'bank_account',
  'bank_channel',
  'payment_type',
  'deactivate_reason',
] as const;

/** Reference data our migration 0002 provides; the original's rows stay in ORIGINAL_SCHEMA. */
const REFERENCE_TABLES = new Set(['bank_channel', 'payment_type']);

interface Check {
  kind: ProblemKind;
  /** SQL condition over the source row `s`. */
  where: string;
  detail: string;
  /** The treatment that resolves it; undefined: fix by hand. */
  treatedBy?: keyof AdoptionTreatments;
  /** With the treatment, the row is left out of the copy (otherwise the treated expressions apply). */
  skips?: boolean;
}

interface ColumnMap {
  /** SQL expression over the source row `s`; {name} reads source column `name` (NULL when the original lacks it). */
  expr: string;
  /** Not checked generically (e.g. a window function). */
  computed?: boolean;
}

interface TableMap {
  table: string;
  key: string;
  /** Source columns holding a username of user_login; nullable ones may be NULL. */
  owners: Array<{ column: string; nullable?: boolean }>;
  columns: Record<string, ColumnMap>;
  checks: Check[];
  /** Whether invalid rows may be left out (never for logins and balances). */
  skippable: boolean;
}

const PHONE_CANONICAL = `'^62[0-9]{6,13}$'`;
const normalizedPhone = (column: string) =>
  `regexp_replace(regexp_replace(regexp_replace(${column}, '[[:space:]().-]', '', 'g'), '^[+]', ''), '^0', '62')`;

function phoneChecks(column: string): Check[] {
  return [
    {
      kind: 'phone_format',
      where: `{${column}} IS NOT NULL AND {${column}} !~ ${PHONE_CANONICAL} AND ${normalizedPhone(`{${column}}`)} ~ ${PHONE_CANONICAL}`,
      detail: `'${column} ' || {${column}} || ' → ' || ${normalizedPhone(`{${column}}`)}`,
      treatedBy: 'phones',
    },
    {
      kind: 'phone_format',
      where: `{${column}} IS NOT NULL AND ${normalizedPhone(`{${column}}`)} !~ ${PHONE_CANONICAL}`,
      detail: `'${column} ' || quote_literal({${column}}) || ' is not a phone number we can store: fix it by hand'`,
    },
  ];
}

const duplicateOf = (table: string, expr: string, condition = 'TRUE') =>
  `(${condition}) AND (${expr})::text IN (SELECT (${expr})::text FROM "${ORIGINAL_SCHEMA}"."${table}" s WHERE ${condition} GROUP BY 1 HAVING count(*) > 1)`;

const c = (expr: string, computed = false): ColumnMap => (computed ? { expr, computed } : { expr });

function tableMaps(treat: AdoptionTreatments): TableMap[] {
  const phone = (column: string) => c(treat.phones === 'normalize' ? `CASE WHEN {${column}} IS NULL THEN NULL ELSE ${normalizedPhone(`{${column}}`)} END` : `{${column}}`);
  const nonNegative = (column: string) => c(treat.negative === 'zero' ? `GREATEST({${column}}, 0)` : `{${column}}`);
  const created = c('COALESCE({created_at}, now())');
  const updated = c('COALESCE({updated_at}, {created_at}, now())');
  return [
    {
      table: 'user_login',
      key: '{username}',
      owners: [],
      skippable: false,
      columns: { username: c('{username}'), pwd: c('{pwd}'), disabled: c('COALESCE({disabled}, false)'), created_at: created, updated_at: updated },
      checks: [],
    },
    {
      table: 'user_info',
      key: '{id}',
      owners: [{ column: 'username' }],
      skippable: true,
      columns: {
        id: c('{id}'),
        username: c('{username}'),
        full_name: c('{full_name}'),
        email: c('{email}'),
        phone_number: phone('phone_number'),
        profile_img: c('{profile_img}'),
        agent: c('COALESCE({agent}, false)'),
        referral_code: c('{referral_code}'),
        created_at: created,
        updated_at: updated,
      },
      checks: [
        {
          kind: 'email_case_duplicate',
          where: duplicateOf('user_info', 'lower({email})', '{email} IS NOT NULL'),
          detail: `{username} || ' <' || {email} || '> differs only in case from another account: change one by hand'`,
        },
        { kind: 'invalid_row', where: duplicateOf('user_info', '{username}'), detail: `'more than one profile for ' || {username}`, treatedBy: 'invalid', skips: true },
        { kind: 'invalid_row', where: duplicateOf('user_info', '{referral_code}'), detail: `'referral code ' || {referral_code} || ' is used twice'`, treatedBy: 'invalid', skips: true },
        ...phoneChecks('phone_number'),
      ],
    },
    {
      table: 'user_balance',
      key: '{username}',
      owners: [{ column: 'username' }],
      skippable: false,
      columns: { username: c('{username}'), balance: nonNegative('balance'), points: nonNegative('points'), created_at: created, updated_at: updated },
      checks: [
        {
          kind: 'negative_balance',
          where: '{balance} < 0 OR {points} < 0',
          detail: `'balance ' || {balance} || ', points ' || {points}`,
          treatedBy: 'negative',
        },
      ],
    },
    {
      table: 'address_list',
      key: '{id}',
      owners: [{ column: 'username' }],
      skippable: true,
      columns: {
        id: c('{id}'),
        username: c('{username}'),
        label: c('{label}'),
        recipient_name: c('{recipient_name}'),
        phone_number: phone('phone_number'),
        address: c('{address}'),
        is_default: c('COALESCE({is_default}, false)'),
        created_at: created,
        updated_at: updated,
      },
      checks: [
        { kind: 'invalid_row', where: duplicateOf('address_list', '{username}', 'COALESCE({is_default}, false)'), detail: `'one of several default addresses of ' || {username}`, treatedBy: 'invalid', skips: true },
        ...phoneChecks('phone_number'),
      ],
    },
    {
      table: 'point_mutation',
      key: '{id}',
      owners: [{ column: 'username' }],
      skippable: true,
      columns: {
        id: c('{id}'),
        username: c('{username}'),
        type: c('upper({type})'),
        amount: c('{amount}'),
        description: c('{description}'),
        reference_id: c('{reference_id}'),
        created_at: created,
      },
      checks: [
        { kind: 'invalid_row', where: `upper({type}) NOT IN ('CREDIT', 'DEBIT') OR {amount} <= 0`, detail: `'type ' || COALESCE({type}, 'NULL') || ', amount ' || COALESCE({amount}::text, 'NULL')`, treatedBy: 'invalid', skips: true },
        {
          kind: 'invalid_row',
          where: duplicateOf('point_mutation', `({username}, upper({type}), {reference_id})`, '{reference_id} IS NOT NULL'),
          detail: `'reference ' || {reference_id} || ' recorded twice'`,
          treatedBy: 'invalid',
          skips: true,
        },
      ],
    },
    {
      table: 'referral_history',
      key: '{id}',
      owners: [{ column: 'username' }, { column: 'submitted_by' }],
      skippable: true,
      columns: {
        id: c('{id}'),
        username: c('{username}'),
        submitted_by: c('{submitted_by}'),
        referral_code: c('{referral_code}'),
        status: c(`lower(COALESCE({status}, 'pending'))`),
        completed_at: c(`CASE WHEN lower({status}) = 'completed' THEN COALESCE({updated_at}, {created_at}) END`),
        created_at: created,
      },
      checks: [
        { kind: 'invalid_row', where: `{username} = {submitted_by}`, detail: `'a user referring themselves'`, treatedBy: 'invalid', skips: true },
        { kind: 'invalid_row', where: `lower(COALESCE({status}, 'pending')) NOT IN ('pending', 'completed')`, detail: `'status ' || {status}`, treatedBy: 'invalid', skips: true },
        { kind: 'invalid_row', where: duplicateOf('referral_history', '{username}'), detail: `{username} || ' was referred more than once'`, treatedBy: 'invalid', skips: true },
      ],
    },
    {
      table: 'marketing_offer',
      key: '{id}',
      owners: [{ column: 'username', nullable: true }],
      skippable: true,
      columns: {
        id: c('{id}'),
        username: c('{username}'),
        title: c('{title}'),
        description: c('{description}'),
        image_url: c('{image_url}'),
        valid_until: c('{valid_until}'),
        is_active: c('COALESCE({is_active}, true)'),
        created_at: created,
      },
      checks: [],
    },
    {
      table: 'fcm',
      key: '{id}',
      owners: [{ column: 'username' }],
      skippable: true,
      // Device types keep the original's spelling here; migration 0670 stores them lower-case.
      columns: { id: c('{id}'), username: c('{username}'), token: c('{token}'), device_type: c('{device_type}'), created_at: created },
      checks: [{ kind: 'invalid_row', where: duplicateOf('fcm', '{token}'), detail: `'device token registered more than once'`, treatedBy: 'invalid', skips: true }],
    },
    {
      table: 'user_transaction',
      key: '{id}',
      owners: [{ column: 'username' }],
      skippable: true,
      // The original's rows are history: their effect is already in the balance, which the opening row carries.
      columns: {
        id: c('{id}'),
        username: c('{username}'),
        // Our payment code reads upper-case types and statuses ('TOPUP', 'PENDING', 'PAID').
        type: c('upper({type})'),
        amount: c('{amount}'),
        balance_delta: c('0'),
        status: c('upper({status})'),
        payment_method: c('{payment_method}'),
        reference_id: c('{reference_id}'),
        description: c('{description}'),
        invoice_url: c('{invoice_url}'),
        expiry_date: c('{expiry_date}'),
        created_at: created,
        updated_at: updated,
      },
      checks: [
        { kind: 'invalid_row', where: '{amount} < 0', detail: `'negative amount ' || {amount}`, treatedBy: 'invalid', skips: true },
        { kind: 'invalid_row', where: duplicateOf('user_transaction', '{reference_id}', '{reference_id} IS NOT NULL'), detail: `'reference ' || {reference_id} || ' used twice'`, treatedBy: 'invalid', skips: true },
      ],
    },
    {
      table: 'voucher_redemption',
      key: '{id}',
      owners: [{ column: 'username' }],
      skippable: true,
      columns: {
        id: c('{id}'),
        username: c('{username}'),
        // Codes are upper-case in our catalog and in every lookup.
        voucher_code: c('upper({voucher_code})'),
        redemption_no: c('row_number() OVER (PARTITION BY {username}, upper({voucher_code}) ORDER BY {redeemed_at}, {id})', true),
        discount_amount: c('{discount_amount}'),
        redeemed_at: c('COALESCE({redeemed_at}, {created_at}, now())'),
      },
      checks: [{ kind: 'invalid_row', where: '{discount_amount} < 0', detail: `'negative discount ' || {discount_amount}`, treatedBy: 'invalid', skips: true }],
    },
    {
      table: 'api_key',
      key: '{holder}',
      owners: [],
      skippable: true,
      columns: { holder: c('{holder}'), key: c('{key}'), description: c('{description}'), created_at: created },
      checks: [],
    },
    {
      table: 'otp_tracker',
      key: '{id}',
      owners: [],
      skippable: true,
      columns: {
        id: c('{id}'),
        identifier: c('{identifier}'),
        otp_type: c('{otp_type}'),
        count: c('COALESCE({count}, 0)'),
        day: c('COALESCE({last_request}::date, CURRENT_DATE)'),
        last_request: c('COALESCE({last_request}, now())'),
      },
      checks: [
        {
          kind: 'invalid_row',
          where: duplicateOf('otp_tracker', '({identifier}, {otp_type}, COALESCE({last_request}::date, CURRENT_DATE))'),
          detail: `'more than one counter for ' || {otp_type} || ' on one day'`,
          treatedBy: 'invalid',
          skips: true,
        },
      ],
    },
    {
      table: 'bank_account',
      key: '{id}',
      owners: [{ column: 'username' }],
      skippable: true,
      // Account numbers arrive in plaintext; `encryption:reencrypt` encrypts them (README, "Switching from the original system").
      columns: {
        id: c('{id}'),
        username: c('{username}'),
        bank_code: c('{bank_code}'),
        account_number: c('{account_number}'),
        account_number_last4: c(`right(regexp_replace({account_number}, '[^0-9]', '', 'g'), 4)`),
        account_holder_name: c('{account_holder_name}'),
        created_at: created,
      },
      checks: [],
    },
    {
      table: 'deactivate_reason',
      key: '{id}',
      owners: [{ column: 'username' }],
      skippable: true,
      columns: { id: c('{id}'), username: c('{username}'), reason: c('{reason}'), created_at: created },
      checks: [],
    },
  ];
}

interface ColumnInfo {
  table_name: string;
  column_name: string;
  type: string;
  not_null: boolean;
  has_default: boolean;
  max_length: number | null;
  /** NUMERIC(p, s): its precision and scale. */
  num_precision: number | null;
  num_scale: number | null;
}

export type AdoptionService = ReturnType<typeof createAdoptionService>;

export function createAdoptionService(deps: { postgres: Config['postgres']; logger: Logger }) {
  const { postgres, logger } = deps;

  /** One connection for the whole adoption, so one BEGIN … COMMIT covers every statement, migrations included. */
  function openSingleConnection(): Sequelize {
    return new Sequelize(postgres.database, postgres.user, postgres.password, {
      host: postgres.host,
      port: postgres.port,
      dialect: postgres.dialect,
      logging: false,
      pool: { max: 1, min: 1, idle: 3_600_000, acquire: 60_000, evict: 3_600_000 },
      dialectOptions: { connectionTimeoutMillis: 5_000 },
    });
  }

  async function select<T extends object>(sequelize: Sequelize, sql: string, replacements: Record<string, unknown> = {}): Promise<T[]> {
    return sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements });
  }

  async function columnsOf(sequelize: Sequelize, schema: string): Promise<ColumnInfo[]> {
    return select<ColumnInfo>(
      sequelize,
      `SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type,
              a.attnotnull AS not_null, a.atthasdef AS has_default,
              CASE WHEN a.atttypid = 'varchar'::regtype AND a.atttypmod > 4 THEN a.atttypmod - 4 END AS max_length,
              CASE WHEN a.atttypid = 'numeric'::regtype AND a.atttypmod > 4 THEN (a.atttypmod - 4) >> 16 END AS num_precision,
              CASE WHEN a.atttypid = 'numeric'::regtype AND a.atttypmod > 4 THEN (a.atttypmod - 4) & 65535 END AS num_scale
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = :schema AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY c.relname, a.attnum`,
      { schema },
    );
  }

  async function stateOf(sequelize: Sequelize): Promise<{ state: AdoptionReport['state']; tables: string[] }> {
    const rows = await select<{ tablename: string }>(sequelize, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    const tables = rows.map((r) => r.tablename);
    if (tables.includes('SequelizeMeta')) return { state: 'ours', tables };
    if (tables.includes('user_login')) return { state: 'original', tables: ORIGINAL_TABLES.filter((t) => tables.includes(t)) };
    return { state: 'empty', tables };
  }

  async function runAdoption(sequelize: Sequelize, treat: AdoptionTreatments, apply: boolean, onProgress?: ProgressReport): Promise<AdoptionReport> {
    const { state, tables } = await stateOf(sequelize);
    const report: AdoptionReport = { state, applied: false, changes: [], problems: [], unresolved: [], laterMigrations: [] };
    if (state !== 'original') return report;

    const schemaTaken = await select(sequelize, 'SELECT 1 FROM pg_namespace WHERE nspname = :schema', { schema: ORIGINAL_SCHEMA });
    if (schemaTaken.length > 0) throw new Error(`schema "${ORIGINAL_SCHEMA}" already exists: an earlier adoption? Rename or drop it first`);

    await sequelize.query('BEGIN');
    const [{ pid }] = (await select<{ pid: number }>(sequelize, 'SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
    let committed = false;
    try {
      // 1. The original's tables become the backup; our schema is built in their place by our own migrations.
      await sequelize.query(`CREATE SCHEMA "${ORIGINAL_SCHEMA}"`);
      for (const table of tables) await sequelize.query(`ALTER TABLE public."${table}" SET SCHEMA "${ORIGINAL_SCHEMA}"`);
      report.changes.push(`move the original's tables (${tables.join(', ')}) to schema "${ORIGINAL_SCHEMA}", kept unchanged as a backup`);
      const baseline = await createMigrator(sequelize).up({ to: ADOPTION_BASELINE });
      report.changes.push(`create our schema with migrations ${baseline.map((m) => m.name).join(', ')} and record them in SequelizeMeta`);

      const source = await columnsOf(sequelize, ORIGINAL_SCHEMA);
      const target = await columnsOf(sequelize, 'public');
      const sourceColumns = (table: string) => new Set(source.filter((col) => col.table_name === table).map((col) => col.column_name));
      const targetColumns = (table: string) => target.filter((col) => col.table_name === table);

      for (const table of ORIGINAL_TABLES.filter((t) => !tables.includes(t))) {
        report.changes.push(`${table}: not in the original; created empty`);
      }
      const ours = [...new Set(target.map((col) => col.table_name))].filter((t) => !(ORIGINAL_TABLES as readonly string[]).includes(t) && t !== 'SequelizeMeta');
      report.changes.push(`new tables of ours: ${ours.join(', ')}`);

      const maps = tableMaps(treat).filter((m) => tables.includes(m.table));
      const copies: Array<{ map: TableMap; keep: string; resolve: (sql: string) => string }> = [];
      let checked = 0;
      onProgress?.({ phase: 'checking tables', done: 0, total: maps.length });
      for (const map of maps) {
        const has = sourceColumns(map.table);
        const resolve = (sql: string) => sql.replace(/\{([a-z_]+)\}/g, (_m, name: string) => (has.has(name) ? `s."${name}"` : 'NULL'));
        const from = `"${ORIGINAL_SCHEMA}"."${map.table}" s`;
        const checks: Check[] = [...map.checks];
        for (const owner of map.owners) {
          checks.push({
            kind: 'orphan',
            where: `{${owner.column}} ${owner.nullable ? 'IS NOT NULL AND' : 'IS NULL OR'} NOT EXISTS (SELECT 1 FROM "${ORIGINAL_SCHEMA}".user_login l WHERE l.username = {${owner.column}})`,
            detail: `'${owner.column} ' || COALESCE(quote_literal({${owner.column}}), 'NULL') || ' is not a user'`,
            treatedBy: 'orphans',
            skips: true,
          });
        }
        // Generic: every NOT NULL column without a default needs a value, every VARCHAR(n) its length, every
        // NUMERIC(p, s) its range and decimals (never rounded silently).
        for (const col of targetColumns(map.table)) {
          const mapped = map.columns[col.column_name];
          if (!mapped || mapped.computed) continue;
          if (col.not_null && !col.has_default) {
            checks.push({ kind: 'invalid_row', where: `(${mapped.expr}) IS NULL`, detail: `'${col.column_name} is empty'`, treatedBy: 'invalid', skips: true });
          }
          if (col.num_precision !== null && col.num_scale !== null) {
            checks.push({
              kind: 'invalid_row',
              where: `abs((${mapped.expr})::numeric) >= 10::numeric ^ ${col.num_precision - col.num_scale} OR (${mapped.expr})::numeric <> round((${mapped.expr})::numeric, ${col.num_scale})`,
              detail: `'${col.column_name} ' || (${mapped.expr})::text || ' does not fit NUMERIC(${col.num_precision}, ${col.num_scale})'`,
              treatedBy: 'invalid',
              skips: true,
            });
          }
          if (col.max_length !== null) {
            checks.push({
              kind: 'invalid_row',
              where: `length((${mapped.expr})::text) > ${col.max_length}`,
              detail: `'${col.column_name} is longer than ${col.max_length} characters'`,
              treatedBy: 'invalid',
              skips: true,
            });
          }
        }
        const skipped: string[] = [];
        for (const check of checks) {
          const treatable = check.treatedBy !== undefined && (check.kind !== 'invalid_row' || map.skippable);
          const rows = await select<{ key: string; detail: string }>(
            sequelize,
            `SELECT (${resolve(map.key)})::text AS key, (${resolve(check.detail)})::text AS detail FROM ${from} WHERE ${resolve(check.where)} ORDER BY 1`,
          );
          for (const row of rows) {
            const problem: AdoptionProblem = { kind: check.kind, table: map.table, key: row.key, detail: row.detail ?? '' };
            if (treatable && check.treatedBy) problem.flag = flagFor(check.treatedBy);
            report.problems.push(problem);
            if (!(treatable && check.treatedBy && treat[check.treatedBy])) report.unresolved.push(problem);
          }
          if (treatable && check.treatedBy && treat[check.treatedBy] && check.skips) skipped.push(`(${check.where})`);
        }
        const keep = skipped.length ? `NOT (${skipped.map((w) => `COALESCE(${w}, false)`).join(' OR ')})` : 'TRUE';
        copies.push({ map, keep: resolve(keep), resolve });

        const targetNames = new Set(targetColumns(map.table).map((col) => col.column_name));
        const added = [...targetNames].filter((name) => !has.has(name));
        const dropped = [...has].filter((name) => !targetNames.has(name));
        const retyped = targetColumns(map.table)
          .map((col) => ({ col, was: source.find((s) => s.table_name === map.table && s.column_name === col.column_name) }))
          .filter(({ col, was }) => was && was.type !== col.type)
          .map(({ col, was }) => `${col.column_name} ${was!.type} → ${col.type}`);
        const parts = [added.length ? `add ${added.join(', ')}` : '', retyped.length ? `type ${retyped.join(', ')}` : '', dropped.length ? `not carried over (kept in ${ORIGINAL_SCHEMA}): ${dropped.join(', ')}` : ''];
        const described = parts.filter(Boolean).join('; ');
        if (described) report.changes.push(`${map.table}: ${described}`);
        checked += 1;
        onProgress?.({ phase: 'checking tables', done: checked, total: maps.length });
      }
      for (const table of tables.filter((t) => REFERENCE_TABLES.has(t))) {
        report.changes.push(`${table}: our reference data (migration 0002) replaces the original's rows (kept in ${ORIGINAL_SCHEMA})`);
      }
      const constraints = await select<{ table_name: string; name: string; definition: string }>(
        sequelize,
        `SELECT conrelid::regclass::text AS table_name, conname AS name, pg_get_constraintdef(oid) AS definition
           FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype IN ('c', 'f', 'u') ORDER BY 1, 2`,
      );
      for (const con of constraints) report.changes.push(`${con.table_name}: constraint ${con.name} ${con.definition}`);
      const indexes = await select<{ indexname: string; indexdef: string }>(
        sequelize,
        `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key' ORDER BY 1`,
      );
      for (const index of indexes) report.changes.push(`index ${index.indexdef.replace(/ ON public\./, ' ON ')}`);

      if (report.unresolved.length > 0) {
        await sequelize.query('ROLLBACK');
        return report;
      }

      // 2. Every row across, then what our rules need: a balance row per user, an opening ledger row per balance.
      let tablesCopied = 0;
      onProgress?.({ phase: 'copying tables', done: 0, total: copies.length });
      for (const { map, keep, resolve } of copies) {
        const names = Object.keys(map.columns);
        const exprs = names.map((name) => resolve(map.columns[name]!.expr));
        const [{ total, kept }] = (await select<{ total: number; kept: number }>(
          sequelize,
          `SELECT count(*) AS total, count(*) FILTER (WHERE ${keep}) AS kept FROM "${ORIGINAL_SCHEMA}"."${map.table}" s`,
        )) as [{ total: number; kept: number }];
        await sequelize.query(
          `INSERT INTO public."${map.table}" (${names.map((n) => `"${n}"`).join(', ')})
           SELECT ${exprs.join(', ')} FROM "${ORIGINAL_SCHEMA}"."${map.table}" s WHERE ${keep}`,
        );
        const [{ copied }] = (await select<{ copied: number }>(sequelize, `SELECT count(*) AS copied FROM public."${map.table}"`)) as [{ copied: number }];
        if (copied !== kept) throw new Error(`${map.table}: copied ${copied} of ${kept} rows; nothing was changed`);
        report.changes.push(`${map.table}: copy ${kept} row${kept === 1 ? '' : 's'}${total !== kept ? ` (${total - kept} left out, kept in ${ORIGINAL_SCHEMA})` : ''}`);
        if (names.includes('id') && target.some((col) => col.table_name === map.table && col.column_name === 'id' && col.has_default)) {
          await sequelize.query(`SELECT setval(pg_get_serial_sequence('public.${map.table}', 'id'), COALESCE((SELECT max(id) FROM public."${map.table}"), 0) + 1, false)`);
        }
        tablesCopied += 1;
        onProgress?.({ phase: 'copying tables', done: tablesCopied, total: copies.length });
      }
      const missingBalances = await select<{ username: string }>(
        sequelize,
        `INSERT INTO user_balance (username, balance, points)
         SELECT l.username, 0, 0 FROM user_login l WHERE NOT EXISTS (SELECT 1 FROM user_balance b WHERE b.username = l.username)
         RETURNING username`,
      );
      if (missingBalances.length) report.changes.push(`user_balance: create ${missingBalances.length} missing row(s) at 0 for users without one`);
      const opening = await select<{ username: string }>(
        sequelize,
        `INSERT INTO user_transaction (id, username, type, amount, balance_delta, status, description)
         SELECT 'ADOPT-' || substr(md5(b.username), 1, 24), b.username, 'ADJUSTMENT', b.balance, b.balance, 'SUCCESS',
                'Opening balance carried over from the original system'
           FROM user_balance b
         RETURNING username`,
      );
      report.changes.push(`user_transaction: add ${opening.length} opening-balance row(s), one per user, so the ledger adds up to each balance`);

      const [{ off }] = (await select<{ off: number }>(
        sequelize,
        `SELECT count(*) AS off FROM user_balance b
          WHERE b.balance <> (SELECT COALESCE(SUM(t.balance_delta), 0) FROM user_transaction t WHERE t.username = b.username)`,
      )) as [{ off: number }];
      if (off !== 0) throw new Error(`${off} ledger(s) would not add up to the balance; nothing was changed`);

      const [{ pid: pidNow }] = (await select<{ pid: number }>(sequelize, 'SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
      if (pidNow !== pid) throw new Error('the database connection changed during the adoption; nothing was committed');
      if (apply) {
        await sequelize.query('COMMIT');
        committed = true;
        report.applied = true;
      } else {
        await sequelize.query('ROLLBACK');
      }
      return report;
    } catch (error) {
      if (!committed) await sequelize.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  return {
    /** Whether the database holds the original's tables and no migrations record of ours. */
    async detect(): Promise<AdoptionReport['state']> {
      const sequelize = openSingleConnection();
      try {
        return (await stateOf(sequelize)).state;
      } finally {
        await sequelize.close();
      }
    },

    /** Dry run by default (everything runs, then rolls back); `apply` commits and then runs the later migrations. */
    async adopt(options: { apply: boolean; treat: AdoptionTreatments; onProgress?: ProgressReport }): Promise<AdoptionReport> {
      return withMigrationLock(postgres, async () => {
        const sequelize = openSingleConnection();
        let report: AdoptionReport;
        try {
          report = await runAdoption(sequelize, options.treat, options.apply, options.onProgress);
        } finally {
          await sequelize.close();
        }
        if (report.applied) {
          const db = openSingleConnection();
          try {
            report.laterMigrations = await migrateUp(db, logger);
          } finally {
            await db.close();
          }
        }
        return report;
      });
    },
  };
}

function flagFor(treatment: keyof AdoptionTreatments): string {
  const values: Record<keyof AdoptionTreatments, string> = { negative: 'zero', phones: 'normalize', orphans: 'skip', invalid: 'skip' };
  return `--${treatment}=${values[treatment]}`;
}

/** True when `sequelize` points at a database of the original system that has not been adopted yet. */
export async function isOriginalDatabase(sequelize: Sequelize): Promise<boolean> {
  const rows = await sequelize.query<{ original: boolean }>(
    `SELECT to_regclass('public.user_login') IS NOT NULL AND to_regclass('public."SequelizeMeta"') IS NULL AS original`,
    { type: QueryTypes.SELECT },
  );
  return rows[0]?.original === true;
}
