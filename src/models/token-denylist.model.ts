import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** A token logged out (or rotated by /extend) before it expired; refused until `expires_at`. */
export class TokenDenylist extends Model<InferAttributes<TokenDenylist>, InferCreationAttributes<TokenDenylist>> {
  declare jti: string;
  declare username: string;
  declare expires_at: Date;
  declare created_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof TokenDenylist {
    return TokenDenylist.init(
      {
        jti: { type: DataTypes.STRING(64), primaryKey: true },
        username: { type: DataTypes.STRING(64), allowNull: false },
        expires_at: { type: DataTypes.DATE, allowNull: false },
        created_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'token_denylist', underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: false },
    );
  }
}
