import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class Faq extends Model<InferAttributes<Faq>, InferCreationAttributes<Faq>> {
  declare id: CreationOptional<number>;
  declare category: CreationOptional<string>;
  declare question: string;
  declare answer: string;
  declare sort_order: CreationOptional<number>;
  declare is_active: CreationOptional<boolean>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof Faq {
    return Faq.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        category: { type: DataTypes.STRING(64), allowNull: false, defaultValue: 'general' },
        question: { type: DataTypes.STRING(500), allowNull: false },
        answer: { type: DataTypes.TEXT, allowNull: false },
        sort_order: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        created_at: DataTypes.DATE,
        updated_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'faq', underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at' },
    );
  }
}
