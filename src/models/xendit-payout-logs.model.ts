import mongoose, { Schema, type InferSchemaType } from 'mongoose';

/** account_number is stored masked (last 4 digits): logs never hold a full account number. */
const xenditPayoutLogSchema = new Schema(
  {
    payout_id: { type: String, index: true },
    username: { type: String, index: true },
    amount: Number,
    status: String,
    bank_code: String,
    account_number: String,
    account_holder_name: String,
    description: String,
    reference_id: { type: String, index: true },
    event: String,
  },
  { collection: 'xendit_payout_logs', timestamps: { createdAt: 'created_at', updatedAt: 'updated_at' } },
);

export type XenditPayoutLogDoc = InferSchemaType<typeof xenditPayoutLogSchema>;

export function createXenditPayoutLogModel(connection: mongoose.Connection) {
  return connection.model('xendit_payout_logs', xenditPayoutLogSchema);
}
