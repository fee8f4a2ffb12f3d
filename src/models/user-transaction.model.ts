import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/**
 * The money ledger. `amount` is the transaction's face value; `balance_delta` is what it did to the wallet
 * (signed, 0 while pending or for orders paid straight to a merchant), so SUM(balance_delta) equals user_balance.balance.
 */
export class UserTransaction extends Model<InferAttributes<UserTransaction>, InferCreationAttributes<UserTransaction>> {
  declare id: string;
  declare username: string;
  declare type: string;
  declare amount: string;
  declare balance_delta: CreationOptional<string>;
  declare status: string;
  declare payment_method: CreationOptional<string | null>;
  declare reference_id: CreationOptional<string | null>;
  declare description: CreationOptional<string | null>;
  declare currency: CreationOptional<string>;
  declare invoice_url: CreationOptional<string | null>;
  declare expiry_date: CreationOptional<Date | null>;
  declare paid_at: CreationOptional<Date | null>;
  /** Payouts (migration 0500): destination account, its masked snapshot, Xendit's failure code. */
  declare bank_account_id: CreationOptional<number | null>;
  declare destination_mask: CreationOptional<string | null>;
  declare failure_code: CreationOptional<string | null>;
  /** A compensating row (PAYOUT_REFUND) points at the row it compensates. */
  declare related_id: CreationOptional<string | null>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof UserTransaction {
    return UserTransaction.init(
      {
        id: { type: DataTypes.STRING(64), primaryKey: true },
        username: { type: DataTypes.STRING(64), allowNull: false },
        type: { type: DataTypes.STRING(32), allowNull: false },
        amount: { type: DataTypes.DECIMAL(18, 2), allowNull: false },
        balance_delta: { type: DataTypes.DECIMAL(18, 2), allowNull: false, defaultValue: '0' },
        status: { type: DataTypes.STRING(16), allowNull: false },
        payment_method: { type: DataTypes.STRING(64), allowNull: true },
        reference_id: { type: DataTypes.STRING(128), allowNull: true },
        description: { type: DataTypes.STRING(255), allowNull: true },
        currency: { type: DataTypes.STRING(3), allowNull: false, defaultValue: 'IDR' },
        invoice_url: { type: DataTypes.STRING(1024), allowNull: true },
        expiry_date: { type: DataTypes.DATE, allowNull: true },
        paid_at: { type: DataTypes.DATE, allowNull: true },
        bank_account_id: { type: DataTypes.INTEGER, allowNull: true },
        destination_mask: { type: DataTypes.STRING(64), allowNull: true },
        failure_code: { type: DataTypes.STRING(64), allowNull: true },
        related_id: { type: DataTypes.STRING(64), allowNull: true },
        created_at: DataTypes.DATE,
        updated_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'user_transaction', underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at' },
    );
  }
}
