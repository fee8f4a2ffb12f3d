import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class ApiKey extends Model<InferAttributes<ApiKey>, InferCreationAttributes<ApiKey>> {
  declare holder: string;
  /** bcrypt hash of the key; the key itself is shown once at creation. */
  declare key: string;
  declare description: string | null;
  declare created_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof ApiKey {
    return ApiKey.init(
      {
        holder: { type: DataTypes.STRING(64), primaryKey: true },
        key: { type: DataTypes.STRING(255), allowNull: false },
        description: { type: DataTypes.STRING(255), allowNull: true },
        created_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'api_key', underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: false },
    );
  }
}
