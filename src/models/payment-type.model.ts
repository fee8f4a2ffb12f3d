import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class PaymentType extends Model<InferAttributes<PaymentType>, InferCreationAttributes<PaymentType>> {
  declare id: CreationOptional<number>;
  /** Xendit invoice payment method name (OVO, BCA, QRIS…). */
  declare code: string;
  declare name: string;
  declare category: string;
  declare is_active: CreationOptional<boolean>;
  declare sort_order: CreationOptional<number>;

  static initModel(sequelize: Sequelize): typeof PaymentType {
    return PaymentType.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        code: { type: DataTypes.STRING(32), allowNull: false, unique: true },
        name: { type: DataTypes.STRING(128), allowNull: false },
        category: { type: DataTypes.STRING(32), allowNull: false },
        is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        sort_order: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { sequelize, tableName: 'payment_type', underscored: true, timestamps: false },
    );
  }
}
