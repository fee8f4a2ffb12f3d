import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** First answer to a request carrying an Idempotency-Key, replayed to retries. */
export class IdempotencyKey extends Model<InferAttributes<IdempotencyKey>, InferCreationAttributes<IdempotencyKey>> {
  declare username: string;
  declare scope: string;
  declare key: string;
  declare request_hash: string;
  declare response_status: number | null;
  declare response_body: unknown;
  /** What the key's transaction made (our transaction id), for keys whose work finishes after that transaction. */
  declare resource_id: CreationOptional<string | null>;
  declare created_at: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): typeof IdempotencyKey {
    return IdempotencyKey.init(
      {
        username: { type: DataTypes.STRING(64), primaryKey: true },
        scope: { type: DataTypes.STRING(64), primaryKey: true },
        key: { type: DataTypes.STRING(255), primaryKey: true },
        request_hash: { type: DataTypes.CHAR(64), allowNull: false },
        response_status: { type: DataTypes.INTEGER, allowNull: true },
        response_body: { type: DataTypes.JSONB, allowNull: true },
        resource_id: { type: DataTypes.STRING(64), allowNull: true },
        created_at: DataTypes.DATE,
      },
      { sequelize, tableName: 'idempotency_key', underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: false },
    );
  }
}
