import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class AddressList extends Model<InferAttributes<AddressList>, InferCreationAttributes<AddressList>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare label: string;
  declare recipient_name: string;
  declare phone_number: string;
  declare address: string;
  declare is_default: CreationOptional<boolean>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof AddressList {
    return AddressList.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        username: { type: DataTypes.STRING(64), allowNull: false },
        label: { type: DataTypes.STRING(64), allowNull: false },
        recipient_name: { type: DataTypes.STRING(255), allowNull: false },
        phone_number: { type: DataTypes.STRING(20), allowNull: false },
        address: { type: DataTypes.TEXT, allowNull: false },
        is_default: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        created_at: DataTypes.DATE,
        updated_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'address_list', underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at' },
    );
  }
}
