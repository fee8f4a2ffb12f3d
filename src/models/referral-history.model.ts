import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class ReferralHistory extends Model<InferAttributes<ReferralHistory>, InferCreationAttributes<ReferralHistory>> {
  declare id: CreationOptional<number>;
  /** The referred user. */
  declare username: string;
  /** The referrer. */
  declare submitted_by: string;
  declare referral_code: string;
  /** pending until decided; rejected when a bonus rule withheld it (rejected_reason says which). */
  declare status: CreationOptional<'pending' | 'completed' | 'rejected'>;
  declare completed_at: CreationOptional<Date | null>;
  /** When the referred user's first top-up was paid (starts the payout hold). */
  declare qualified_at: CreationOptional<Date | null>;
  declare qualifying_transaction_id: CreationOptional<string | null>;
  declare rejected_reason: CreationOptional<string | null>;
  declare created_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof ReferralHistory {
    return ReferralHistory.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        submitted_by: { type: DataTypes.STRING(64), allowNull: false },
        referral_code: { type: DataTypes.STRING(32), allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'pending' },
        completed_at: { type: DataTypes.DATE, allowNull: true },
        qualified_at: { type: DataTypes.DATE, allowNull: true },
        qualifying_transaction_id: { type: DataTypes.STRING(64), allowNull: true },
        rejected_reason: { type: DataTypes.STRING(32), allowNull: true },
        created_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'referral_history', underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: false },
    );
  }
}
