import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** Every token of `username` issued before `not_before_ms` (password change, reset, deactivation, demotion) is refused. */
export class TokenNotBefore extends Model<InferAttributes<TokenNotBefore>, InferCreationAttributes<TokenNotBefore>> {
  declare username: string;
  declare not_before_ms: number;
  declare updated_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof TokenNotBefore {
    return TokenNotBefore.init(
      {
        username: { type: DataTypes.STRING(64), primaryKey: true },
        not_before_ms: { type: DataTypes.BIGINT, allowNull: false },
        updated_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'token_not_before', underscored: true, timestamps: true, createdAt: false, updatedAt: 'updated_at' },
    );
  }
}
