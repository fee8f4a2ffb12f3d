import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/**
 * A token or a session (`sid:<id>`) revoked before it expired: refused from `denied_from` (later than now for the
 * token /extend replaced, which keeps a short grace) until `expires_at`.
 */
export class TokenDenylist extends Model<InferAttributes<TokenDenylist>, InferCreationAttributes<TokenDenylist>> {
  declare jti: string;
  declare username: string;
  declare expires_at: Date;
  declare denied_from: CreationOptional<Date>;
  declare created_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof TokenDenylist {
    return TokenDenylist.init(
      {
        jti: { type: DataTypes.STRING(80), primaryKey: true },
        username: { type: DataTypes.STRING(64), allowNull: false },
        expires_at: { type: DataTypes.DATE, allowNull: false },
        denied_from: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        created_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'token_denylist', underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: false },
    );
  }
}
