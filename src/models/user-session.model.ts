import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** A session: started by a password login, named by the `sid` its tokens carry, ended by logout or a revocation. */
export class UserSession extends Model<InferAttributes<UserSession>, InferCreationAttributes<UserSession>> {
  declare id: string;
  declare username: string;
  declare device: string;
  declare ip: string;
  declare created_at: CreationOptional<Date>;
  declare last_seen_at: CreationOptional<Date>;
  declare revoked_at: CreationOptional<Date | null>;

  static initModel(sequelize: Sequelize): typeof UserSession {
    return UserSession.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true },
        username: { type: DataTypes.STRING(64), allowNull: false },
        device: { type: DataTypes.STRING(200), allowNull: false },
        ip: { type: DataTypes.STRING(64), allowNull: false },
        created_at: DataTypes.DATE,
        last_seen_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        revoked_at: { type: DataTypes.DATE, allowNull: true },
      },
      { sequelize, tableName: 'user_session', underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: false },
    );
  }
}
