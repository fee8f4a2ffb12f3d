import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class PointMutation extends Model<InferAttributes<PointMutation>, InferCreationAttributes<PointMutation>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare type: 'CREDIT' | 'DEBIT';
  declare amount: number;
  declare description: string | null;
  declare reference_id: string | null;
  declare created_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof PointMutation {
    return PointMutation.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        username: { type: DataTypes.STRING(64), allowNull: false },
        type: { type: DataTypes.STRING(6), allowNull: false },
        amount: { type: DataTypes.INTEGER, allowNull: false },
        description: { type: DataTypes.STRING(255), allowNull: true },
        reference_id: { type: DataTypes.STRING(128), allowNull: true },
        created_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'point_mutation', underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: false },
    );
  }
}
