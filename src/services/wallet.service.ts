/**
 * The wallet: user_balance.balance and its ledger (user_transaction.balance_delta).
 *
 * Invariant: SUM(balance_delta) of a user's rows equals their balance. Every change of the balance goes through
 * `debit`/`credit` below, which write the balance and its ledger row in the caller's transaction. The balance is
 * only ever changed by SQL arithmetic (NUMERIC, exact); a debit is one conditional UPDATE
 * (`WHERE balance >= :amount`), so it can never go negative, whatever runs concurrently.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Config } from '../../config/index.js';
import { AppError, ValidationError } from '../errors/app-error.js';
import type { Models } from '../models/index.js';
import { compareDecimal, generateDateCodedId, isValidAmount, toDecimalString } from '../utilities/general.js';


/**
 * Turns a JSON amount into an exact decimal string ("10000.50"), or throws a 400 naming the field.
 * Accepts a number > 0 with at most 2 decimals, within [min, max]. Never does float arithmetic.
 */
export function parseAmount(value: unknown, bounds: { min?: number; max: number }, field = 'amount'): string {
  if (typeof value !== 'number' || !Number.isFinite(value) || !isValidAmount(value)) {
    throw new ValidationError([{ field, message: 'must be a positive number with at most 2 decimals' }]);
  }
  const amount = toDecimalString(value);
  if (compareDecimal(amount, 0) <= 0) throw new ValidationError([{ field, message: 'must be greater than 0' }]);
  if (bounds.min !== undefined && compareDecimal(amount, bounds.min) < 0) {
    throw new ValidationError([{ field, message: `must be at least ${bounds.min}` }]);
  }
  if (compareDecimal(amount, bounds.max) > 0) throw new ValidationError([{ field, message: `must be at most ${bounds.max}` }]);
  return amount;
}

export interface LedgerRowInput {
  id?: string;
  username: string;
  type: string;
  /** Exact decimal string, > 0. */
  amount: string;
  status: string;
  description?: string | null;
  payment_method?: string | null;
  reference_id?: string | null;
  bank_account_id?: number | null;
  destination_mask?: string | null;
  related_id?: string | null;
}

export type WalletService = ReturnType<typeof createWalletService>;

export function createWalletService(deps: { sequelize: Sequelize; models: Models; config: Config['xendit'] }) {
  const { sequelize, models } = deps;

  async function insertLedgerRow(t: Transaction, row: LedgerRowInput, balanceDelta: string): Promise<string> {
    const id = row.id ?? generateDateCodedId('TRX');
    await models.UserTransaction.create(
      {
        id,
        username: row.username,
        type: row.type,
        amount: row.amount,
        balance_delta: balanceDelta,
        status: row.status,
        description: row.description ?? null,
        payment_method: row.payment_method ?? null,
        reference_id: row.reference_id ?? null,
        bank_account_id: row.bank_account_id ?? null,
        destination_mask: row.destination_mask ?? null,
        related_id: row.related_id ?? null,
      },
      { transaction: t },
    );
    return id;
  }

  async function getBalance(username: string): Promise<{ balance: number; points: number }> {
    const row = await models.UserBalance.findByPk(username, { attributes: ['balance', 'points'] });
    if (!row) throw new AppError('BALANCE_NOT_FOUND');
    return { balance: Number(row.balance), points: row.points };
  }

  /**
   * Takes `amount` from the wallet and writes its ledger row (balance_delta = -amount), inside `t`.
   * Throws "Insufficient Balance" (nothing written) when the balance is short. Returns the new balance and row id.
   */
  async function debit(t: Transaction, row: LedgerRowInput): Promise<{ balance: string; transactionId: string }> {
    const updated = await sequelize.query<{ balance: string }>(
      `UPDATE user_balance SET balance = balance - :amount, updated_at = now()
          WHERE username = :username AND balance >= :amount
          RETURNING balance`,
      { replacements: { amount: row.amount, username: row.username }, type: QueryTypes.SELECT, transaction: t },
    );
    const balance = updated[0]?.balance;
    if (balance === undefined) throw new AppError('INSUFFICIENT_BALANCE');
    const transactionId = await insertLedgerRow(t, row, `-${row.amount}`);
    return { balance, transactionId };
  }

  /** Adds `amount` to the wallet and writes its ledger row (balance_delta = +amount), inside `t`. */
  async function credit(t: Transaction, row: LedgerRowInput): Promise<{ balance: string; transactionId: string }> {
    const balance = await creditBalanceOnly(t, row.username, row.amount);
    const transactionId = await insertLedgerRow(t, row, row.amount);
    return { balance, transactionId };
  }

  /**
   * Adds `amount` to the balance only: for callers whose ledger row already carries the delta (a top-up row
   * flipped PENDING → PAID with balance_delta = amount in the same transaction).
   */
  async function creditBalanceOnly(t: Transaction, username: string, amount: string): Promise<string> {
    const updated = await sequelize.query<{ balance: string }>(
      `UPDATE user_balance SET balance = balance + :amount, updated_at = now() WHERE username = :username RETURNING balance`,
      { replacements: { amount, username }, type: QueryTypes.SELECT, transaction: t },
    );
    const balance = updated[0]?.balance;
    if (balance === undefined) throw new AppError('BALANCE_NOT_FOUND');
    return balance;
  }

  /**
   * POST /balance/decrease: one atomic debit with its DEBIT ledger row, as ONE statement. A statement is atomic on its
   * own (the ledger insert failing undoes the debit), and the wallet's row lock is then held only inside PostgreSQL,
   * not across the client round trips of BEGIN … INSERT … COMMIT: with 1,000 payers on one wallet the bench measured
   * those round trips, not the database, as what serialised them. With an Idempotency-Key the statement runs in `t`,
   * the transaction that also records the key's answer.
   */
  async function decrease(input: { username: string; amount: unknown; description: string }, t?: Transaction) {
    const amount = parseAmount(input.amount, { max: deps.config.maxAmount });
    const [row] = await sequelize.query<{ id: string; balance: string }>(
      `WITH debited AS (
         UPDATE user_balance SET balance = balance - CAST(:amount AS numeric), updated_at = now()
          WHERE username = :username AND balance >= CAST(:amount AS numeric)
          RETURNING balance
       )
       INSERT INTO user_transaction (id, username, type, amount, balance_delta, status, description, created_at, updated_at)
       SELECT :id, :username, 'DEBIT', CAST(:amount AS numeric), -CAST(:amount AS numeric), 'SUCCESS', :description, now(), now()
         FROM debited
       RETURNING id, (SELECT balance FROM debited) AS balance`,
      {
        replacements: { id: generateDateCodedId('TRX'), username: input.username, amount, description: input.description },
        type: QueryTypes.SELECT,
        ...(t ? { transaction: t } : {}),
      },
    );
    if (!row) throw new AppError('INSUFFICIENT_BALANCE');
    return {
      transaction_id: row.id,
      amount: Number(amount),
      description: input.description,
      balance: Number(row.balance),
    };
  }

  /** The ledger's view of a balance, for checks: SUM(balance_delta) and the stored balance. */
  async function reconcile(username: string): Promise<{ balance: string; ledger: string }> {
    const [row] = await sequelize.query<{ balance: string | null; ledger: string | null }>(
      `SELECT (SELECT balance FROM user_balance WHERE username = :username) AS balance,
                (SELECT COALESCE(SUM(balance_delta), 0) FROM user_transaction WHERE username = :username) AS ledger`,
      { replacements: { username }, type: QueryTypes.SELECT },
    );
    return { balance: toDecimalString(row?.balance ?? '0'), ledger: toDecimalString(row?.ledger ?? '0') };
  }

  /** How many wallets hold a balance other than the sum of their ledger rows (the periodic ledger check; should be 0). */
  async function countLedgerMismatches(): Promise<number> {
    const [row] = await sequelize.query<{ mismatched: number }>(
      `SELECT COUNT(*)::int AS mismatched
         FROM user_balance b
         LEFT JOIN (SELECT username, SUM(balance_delta) AS ledger FROM user_transaction GROUP BY username) t
           ON t.username = b.username
        WHERE b.balance <> COALESCE(t.ledger, 0)`,
      { type: QueryTypes.SELECT },
    );
    return row?.mismatched ?? 0;
  }

  return { parseAmount, getBalance, debit, credit, creditBalanceOnly, decrease, reconcile, countLedgerMismatches };
}
