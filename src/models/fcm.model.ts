import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class Fcm extends Model<InferAttributes<Fcm>, InferCreationAttributes<Fcm>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare token: string;
  declare device_type: string;
  /** The session the token was registered from; revoking the session removes the token. */
  declare session_id: CreationOptional<string | null>;
  declare created_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof Fcm {
    return Fcm.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        username: { type: DataTypes.STRING(64), allowNull: false },
        token: { type: DataTypes.TEXT, allowNull: false, unique: true },
        device_type: { type: DataTypes.STRING(16), allowNull: false },
        session_id: { type: DataTypes.UUID, allowNull: true },
        created_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'fcm', underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: false },
    );
  }
}
