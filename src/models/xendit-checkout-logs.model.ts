import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const xenditCheckoutLogSchema = new Schema(
  {
    invoice_id: String,
    external_id: { type: String, index: true },
    username: { type: String, index: true },
    amount: Number,
    status: String,
    payment_method: String,
    payment_channel: String,
    description: String,
    invoice_url: String,
    expiry_date: Date,
    event: String,
  },
  { collection: 'xendit_checkout_logs', timestamps: { createdAt: 'created_at', updatedAt: 'updated_at' } },
);

export type XenditCheckoutLogDoc = InferSchemaType<typeof xenditCheckoutLogSchema>;

export function createXenditCheckoutLogModel(connection: mongoose.Connection) {
  return connection.model('xendit_checkout_logs', xenditCheckoutLogSchema);
}
