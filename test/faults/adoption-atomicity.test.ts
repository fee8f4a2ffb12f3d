/**
 * db:adopt --apply is one transaction: a failure at any statement that matters leaves the original's database as it
 * was. The failure is injected by PostgreSQL itself (an event trigger raising on a chosen DDL command, or adding a
 * row trigger that raises on a chosen insert), in the database under adoption, so the code under test is unchanged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Sequelize } from 'sequelize';
import { runCliProcess } from '../cli/run-cli.js';
import { buildOriginalDatabase, connect, dropDatabase, rows, snapshot } from '../helpers/original-schema.js';
import { testConfig } from '../helpers/test-config.js';

const DATABASE = `${testConfig().postgres.database}_orig_faults_${process.pid}`;
const FLAGS = ['--apply', '--negative=zero', '--phones=normalize', '--orphans=skip'];

/** SQL that arms one fault; every fault raises 'injected adoption fault'. */
const FAULTS: Array<[where: string, sql: string]> = [
  [
    "moving the original's tables aside (the last one)",
    ddlFault(`r.command_tag = 'ALTER TABLE' AND r.object_identity = 'original_system.deactivate_reason'`),
  ],
  ['building our schema (an index of migration 0001)', ddlFault(`r.command_tag = 'CREATE INDEX' AND r.object_identity = 'public.voucher_redemption_code_idx'`)],
  ['recording the migrations in SequelizeMeta', rowFault('"SequelizeMeta"', `NEW.name = '0500_payments'`)],
  ['copying rows (addresses)', rowFault('address_list', 'TRUE')],
  ['copying rows (the last table)', rowFault('deactivate_reason', 'TRUE')],
  ['adding the opening-balance rows', rowFault('user_transaction', `NEW.type = 'ADJUSTMENT'`)],
];

function ddlFault(condition: string): string {
  return `
    CREATE FUNCTION adoption_fault() RETURNS event_trigger LANGUAGE plpgsql AS $$
    DECLARE r record;
    BEGIN
      FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
        IF ${condition} THEN RAISE EXCEPTION 'injected adoption fault'; END IF;
      END LOOP;
    END $$;
    CREATE EVENT TRIGGER adoption_fault ON ddl_command_end EXECUTE FUNCTION adoption_fault();`;
}

/** When our `table` is created in public, it gets a row trigger that raises on inserts matching `when`. */
function rowFault(table: string, when: string): string {
  const identity = `public.${table.replaceAll('"', '')}`;
  return `
    CREATE FUNCTION adoption_fault_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'injected adoption fault'; END $$;
    CREATE FUNCTION adoption_fault() RETURNS event_trigger LANGUAGE plpgsql AS $$
    DECLARE r record;
    BEGIN
      FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
        IF r.command_tag = 'CREATE TABLE' AND replace(r.object_identity, '"', '') = '${identity}' THEN
          EXECUTE 'CREATE TRIGGER adoption_fault_row BEFORE INSERT ON public.${table} FOR EACH ROW WHEN (${when.replaceAll("'", "''")}) EXECUTE FUNCTION public.adoption_fault_row()';
        END IF;
      END LOOP;
    END $$;
    CREATE EVENT TRIGGER adoption_fault ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION adoption_fault();`;
}

async function disarm(sequelize: Sequelize): Promise<void> {
  await sequelize.query('DROP EVENT TRIGGER IF EXISTS adoption_fault; DROP FUNCTION IF EXISTS adoption_fault(); DROP FUNCTION IF EXISTS adoption_fault_row() CASCADE;');
}

describe('db:adopt --apply is all or nothing', () => {
  const config = testConfig();
  let db: Sequelize;

  before(async () => {
    await buildOriginalDatabase(config.postgres, DATABASE);
    db = connect(config, DATABASE);
    // The case-duplicate email needs a fix by hand; the flags treat the rest.
    await db.query(`UPDATE user_info SET email = 'dave@example.com' WHERE username = 'dave'`);
  });
  after(async () => {
    await db?.close();
    await dropDatabase(config.postgres, DATABASE);
  });

  for (const [where, sql] of FAULTS) {
    it(`when a statement fails while ${where}, then --apply exits 1 and the original's database is exactly as before`, async () => {
      const before = await snapshot(db);
      await db.query(sql);
      try {
        const run = await runCliProcess(['db:adopt', ...FLAGS], { PS_DB: DATABASE });
        assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
        assert.match(run.stderr, /injected adoption fault/);
      } finally {
        await disarm(db);
      }
      assert.deepEqual(await snapshot(db), before);
      assert.deepEqual(await rows(db, `SELECT 1 FROM pg_namespace WHERE nspname = 'original_system'`), []);
    });
  }

  it('when nothing fails, then the same --apply adopts the database', async () => {
    const run = await runCliProcess(['db:adopt', ...FLAGS], { PS_DB: DATABASE });
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const [row] = await rows<{ n: number }>(db, `SELECT count(*)::int AS n FROM public.user_login`);
    assert.equal(row!.n, 5);
  });
});
