import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** One entry of a user's security activity (append-only; see migration 0710). */
export class SecurityEvent extends Model<InferAttributes<SecurityEvent>, InferCreationAttributes<SecurityEvent>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare kind: string;
  declare ip: string | null;
  declare device: string | null;
  declare details: CreationOptional<Record<string, unknown>>;
  declare created_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof SecurityEvent {
    return SecurityEvent.init(
      {
        id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
        username: { type: DataTypes.STRING(64), allowNull: false },
        kind: { type: DataTypes.STRING(40), allowNull: false },
        ip: { type: DataTypes.STRING(64), allowNull: true },
        device: { type: DataTypes.STRING(200), allowNull: true },
        details: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
        created_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'security_event', underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: false },
    );
  }
}
