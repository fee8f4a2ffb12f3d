import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** Daily count of OTP / link sends per identifier and purpose (the durable side of the send limits). */
export class OtpTracker extends Model<InferAttributes<OtpTracker>, InferCreationAttributes<OtpTracker>> {
  declare id: CreationOptional<number>;
  declare identifier: string;
  declare otp_type: string;
  declare count: CreationOptional<number>;
  declare day: CreationOptional<string>;
  declare last_request: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof OtpTracker {
    return OtpTracker.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        identifier: { type: DataTypes.STRING(254), allowNull: false },
        otp_type: { type: DataTypes.STRING(32), allowNull: false },
        count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        day: { type: DataTypes.DATEONLY, allowNull: false, defaultValue: DataTypes.NOW },
        last_request: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      },
      { sequelize, tableName: 'otp_tracker', underscored: true, timestamps: false },
    );
  }
}
