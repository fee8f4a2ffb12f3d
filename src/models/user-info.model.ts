import type { Locale } from '../i18n/locale.js';
import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class UserInfo extends Model<InferAttributes<UserInfo>, InferCreationAttributes<UserInfo>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare full_name: string;
  /** NULL once the account lost an unproved address to the owner's confirmation. */
  declare email: string | null;
  /** Whether the owner proved the address (mailed link or code); only proved addresses are unique and log in. */
  declare email_verified: CreationOptional<boolean>;
  declare phone_number: string | null;
  declare profile_img: CreationOptional<string | null>;
  declare agent: CreationOptional<boolean>;
  declare referral_code: string;
  /** The account's language (`en`, `id`), from its sign-up request; used by mails and pushes sent without a request. */
  declare locale: CreationOptional<Locale>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof UserInfo {
    return UserInfo.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        full_name: { type: DataTypes.STRING(255), allowNull: false },
        email: { type: DataTypes.STRING(254), allowNull: true },
        email_verified: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        phone_number: { type: DataTypes.STRING(20), allowNull: true },
        profile_img: { type: DataTypes.STRING(255), allowNull: true },
        agent: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        referral_code: { type: DataTypes.STRING(32), allowNull: false, unique: true },
        locale: { type: DataTypes.STRING(8), allowNull: false, defaultValue: 'en' },
        created_at: DataTypes.DATE,
        updated_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'user_info', underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at' },
    );
  }
}
