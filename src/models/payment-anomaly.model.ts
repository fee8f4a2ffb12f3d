import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** A status Xendit reported that contradicts a final local one; one row per (kind, transaction), counted. */
export class PaymentAnomaly extends Model<InferAttributes<PaymentAnomaly>, InferCreationAttributes<PaymentAnomaly>> {
  declare id: CreationOptional<number>;
  declare kind: string;
  declare transaction_id: string;
  declare username: string;
  declare local_status: string;
  declare reported_status: string;
  declare source: string;
  declare detail: CreationOptional<Record<string, unknown> | null>;
  declare occurrences: CreationOptional<number>;
  declare first_seen_at: CreationOptional<Date>;
  declare last_seen_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof PaymentAnomaly {
    return PaymentAnomaly.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        kind: { type: DataTypes.STRING(64), allowNull: false },
        transaction_id: { type: DataTypes.STRING(64), allowNull: false },
        username: { type: DataTypes.STRING(64), allowNull: false },
        local_status: { type: DataTypes.STRING(16), allowNull: false },
        reported_status: { type: DataTypes.STRING(32), allowNull: false },
        source: { type: DataTypes.STRING(32), allowNull: false },
        detail: { type: DataTypes.JSONB, allowNull: true },
        occurrences: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        first_seen_at: DataTypes.DATE,
        last_seen_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'payment_anomaly', timestamps: false },
    );
  }
}
