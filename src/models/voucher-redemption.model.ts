import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class VoucherRedemption extends Model<InferAttributes<VoucherRedemption>, InferCreationAttributes<VoucherRedemption>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare voucher_code: string;
  /** 1 for a user's first redemption of this voucher, 2 for the second… unique per user and voucher. */
  declare redemption_no: CreationOptional<number>;
  declare discount_amount: string;
  declare redeemed_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof VoucherRedemption {
    return VoucherRedemption.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        username: { type: DataTypes.STRING(64), allowNull: false },
        voucher_code: { type: DataTypes.STRING(64), allowNull: false },
        redemption_no: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        discount_amount: { type: DataTypes.DECIMAL(18, 2), allowNull: false },
        redeemed_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      },
      { sequelize, tableName: 'voucher_redemption', underscored: true, timestamps: false },
    );
  }
}
