import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class BankChannel extends Model<InferAttributes<BankChannel>, InferCreationAttributes<BankChannel>> {
  declare id: CreationOptional<number>;
  /** Xendit's code: Payouts v2 channel code (ID_BCA) for DISBURSEMENT, invoice payment method (BCA) for PAYMENT. */
  declare channel_code: string;
  declare bank_code: string;
  declare name: string;
  declare type: 'DISBURSEMENT' | 'PAYMENT';
  declare category: string;
  declare is_active: CreationOptional<boolean>;

  static initModel(sequelize: Sequelize): typeof BankChannel {
    return BankChannel.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        channel_code: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        bank_code: { type: DataTypes.STRING(32), allowNull: false },
        name: { type: DataTypes.STRING(128), allowNull: false },
        type: { type: DataTypes.STRING(16), allowNull: false },
        category: { type: DataTypes.STRING(16), allowNull: false },
        is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      },
      { sequelize, tableName: 'bank_channel', underscored: true, timestamps: false },
    );
  }
}
