import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class MarketingOffer extends Model<InferAttributes<MarketingOffer>, InferCreationAttributes<MarketingOffer>> {
  declare id: CreationOptional<number>;
  /** Target user; null means the offer is for everyone. */
  declare username: string | null;
  declare title: string;
  declare description: string | null;
  declare image_url: string | null;
  declare valid_until: Date | null;
  declare is_active: CreationOptional<boolean>;
  declare created_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof MarketingOffer {
    return MarketingOffer.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        username: { type: DataTypes.STRING(64), allowNull: true },
        title: { type: DataTypes.STRING(255), allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: true },
        image_url: { type: DataTypes.STRING(1024), allowNull: true },
        valid_until: { type: DataTypes.DATE, allowNull: true },
        is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        created_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'marketing_offer', underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: false },
    );
  }
}
