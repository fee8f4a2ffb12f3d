import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** A request to delete an account: pending (erased_at NULL) during the grace period, then the record of its erasure. */
export class AccountDeletion extends Model<InferAttributes<AccountDeletion>, InferCreationAttributes<AccountDeletion>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare reason: string | null;
  /** SHA-256 of the cancel token; NULL once erased. */
  declare cancel_token_hash: string | null;
  declare requested_at: CreationOptional<Date>;
  declare scheduled_for: Date;
  declare erased_at: CreationOptional<Date | null>;

  static initModel(sequelize: Sequelize): typeof AccountDeletion {
    return AccountDeletion.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        username: { type: DataTypes.STRING(64), allowNull: false },
        reason: { type: DataTypes.STRING(500), allowNull: true },
        cancel_token_hash: { type: DataTypes.CHAR(64), allowNull: true },
        requested_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        scheduled_for: { type: DataTypes.DATE, allowNull: false },
        erased_at: { type: DataTypes.DATE, allowNull: true },
      },
      { sequelize, tableName: 'account_deletion', timestamps: false },
    );
  }
}
