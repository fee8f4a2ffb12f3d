import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class DeactivateReason extends Model<InferAttributes<DeactivateReason>, InferCreationAttributes<DeactivateReason>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare reason: string;
  declare created_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof DeactivateReason {
    return DeactivateReason.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        username: { type: DataTypes.STRING(64), allowNull: false },
        reason: { type: DataTypes.STRING(500), allowNull: false },
        created_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'deactivate_reason', underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: false },
    );
  }
}
