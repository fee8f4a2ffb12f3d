import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** balance is NUMERIC(18,2): Sequelize hands it over as a string, and it is only ever changed by SQL arithmetic. */
export class UserBalance extends Model<InferAttributes<UserBalance>, InferCreationAttributes<UserBalance>> {
  declare username: string;
  declare balance: CreationOptional<string>;
  declare points: CreationOptional<number>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof UserBalance {
    return UserBalance.init(
      {
        username: { type: DataTypes.STRING(64), primaryKey: true },
        balance: { type: DataTypes.DECIMAL(18, 2), allowNull: false, defaultValue: '0' },
        points: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        created_at: DataTypes.DATE,
        updated_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'user_balance', underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at' },
    );
  }
}
