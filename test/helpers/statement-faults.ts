/**
 * Fault injection at one SQL statement, on real PostgreSQL: a test-only trigger on the table the statement writes,
 * limited to one username (so parallel tests and other users are untouched), raises an exception inside that
 * statement. 'AT COMMIT' is a deferred constraint trigger: the statements succeed and the COMMIT itself fails.
 * The trigger is dropped again whatever happens.
 */
import { createHash } from 'node:crypto';
import type { Sequelize } from 'sequelize';

export interface StatementFault {
  /** What the failing statement does, for test names ("storing the answer"). */
  statement: string;
  table: 'idempotency_key' | 'user_balance' | 'user_transaction' | 'point_mutation';
  when: 'BEFORE INSERT' | 'BEFORE UPDATE' | 'AT COMMIT';
  /** Extra SQL condition on OLD/NEW, e.g. "NEW.response_status IS NOT NULL". */
  condition?: string;
}

export async function withStatementFault<T>(sequelize: Sequelize, username: string, fault: StatementFault, run: () => Promise<T>): Promise<T> {
  if (!/^[a-z0-9_]+$/.test(username)) throw new Error(`unsafe username for a trigger: ${username}`);
  const name = `test_fault_${createHash('sha1').update(`${username}:${fault.statement}:${fault.table}`).digest('hex').slice(0, 16)}`;
  const condition = `NEW.username = '${username}'${fault.condition ? ` AND (${fault.condition})` : ''}`;
  const trigger =
    fault.when === 'AT COMMIT'
      ? `CREATE CONSTRAINT TRIGGER ${name} AFTER INSERT ON ${fault.table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (${condition}) EXECUTE FUNCTION ${name}();`
      : `CREATE TRIGGER ${name} ${fault.when} ON ${fault.table} FOR EACH ROW WHEN (${condition}) EXECUTE FUNCTION ${name}();`;
  await sequelize.query(`
    CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'injected fault: ${fault.statement.replace(/'/g, '')}'; END $$;
    ${trigger}`);
  try {
    return await run();
  } finally {
    await sequelize.query(`DROP TRIGGER IF EXISTS ${name} ON ${fault.table}; DROP FUNCTION IF EXISTS ${name}();`);
  }
}
