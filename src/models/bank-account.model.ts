import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class BankAccount extends Model<InferAttributes<BankAccount>, InferCreationAttributes<BankAccount>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare bank_code: string;
  /** Ciphertext (utilities/encrypt); never plaintext at rest. */
  declare account_number: string;
  declare account_number_last4: string;
  /** HMAC of the account number (utilities/fingerprint), to compare accounts without decrypting; null until filled. */
  declare account_fingerprint: CreationOptional<string | null>;
  declare account_holder_name: string;
  declare created_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof BankAccount {
    return BankAccount.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        username: { type: DataTypes.STRING(64), allowNull: false },
        bank_code: { type: DataTypes.STRING(32), allowNull: false },
        account_number: { type: DataTypes.TEXT, allowNull: false },
        account_number_last4: { type: DataTypes.STRING(4), allowNull: false },
        account_fingerprint: { type: DataTypes.STRING(64), allowNull: true },
        account_holder_name: { type: DataTypes.STRING(255), allowNull: false },
        created_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'bank_account', underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: false },
    );
  }
}
