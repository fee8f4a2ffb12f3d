import type { MigrationFn } from '../migrations/index.js';

/** Xendit channel codes: DISBURSEMENT rows are Payouts v2 channel codes, PAYMENT rows are invoice payment method names. */
const BANK_CHANNELS: Array<[channelCode: string, bankCode: string, name: string, type: 'DISBURSEMENT' | 'PAYMENT', category: string]> = [
  ['ID_BCA', 'BCA', 'Bank Central Asia', 'DISBURSEMENT', 'BANK'],
  ['ID_BNI', 'BNI', 'Bank Negara Indonesia', 'DISBURSEMENT', 'BANK'],
  ['ID_BRI', 'BRI', 'Bank Rakyat Indonesia', 'DISBURSEMENT', 'BANK'],
  ['ID_MANDIRI', 'MANDIRI', 'Bank Mandiri', 'DISBURSEMENT', 'BANK'],
  ['ID_PERMATA', 'PERMATA', 'Bank Permata', 'DISBURSEMENT', 'BANK'],
  ['ID_BSI', 'BSI', 'Bank Syariah Indonesia', 'DISBURSEMENT', 'BANK'],
  ['ID_CIMB', 'CIMB', 'CIMB Niaga', 'DISBURSEMENT', 'BANK'],
  ['ID_DANAMON', 'DANAMON', 'Bank Danamon', 'DISBURSEMENT', 'BANK'],
  ['ID_OVO', 'OVO', 'OVO', 'DISBURSEMENT', 'EWALLET'],
  ['ID_DANA', 'DANA', 'DANA', 'DISBURSEMENT', 'EWALLET'],
  ['ID_SHOPEEPAY', 'SHOPEEPAY', 'ShopeePay', 'DISBURSEMENT', 'EWALLET'],
  ['ID_LINKAJA', 'LINKAJA', 'LinkAja', 'DISBURSEMENT', 'EWALLET'],
  ['BCA', 'BCA', 'BCA Virtual Account', 'PAYMENT', 'VIRTUAL_ACCOUNT'],
  ['BNI', 'BNI', 'BNI Virtual Account', 'PAYMENT', 'VIRTUAL_ACCOUNT'],
  ['BRI', 'BRI', 'BRI Virtual Account', 'PAYMENT', 'VIRTUAL_ACCOUNT'],
  ['MANDIRI', 'MANDIRI', 'Mandiri Virtual Account', 'PAYMENT', 'VIRTUAL_ACCOUNT'],
  ['PERMATA', 'PERMATA', 'Permata Virtual Account', 'PAYMENT', 'VIRTUAL_ACCOUNT'],
  ['BSI', 'BSI', 'BSI Virtual Account', 'PAYMENT', 'VIRTUAL_ACCOUNT'],
];

const PAYMENT_TYPES: Array<[code: string, name: string, category: string]> = [
  ['BCA', 'BCA Virtual Account', 'VIRTUAL_ACCOUNT'],
  ['BNI', 'BNI Virtual Account', 'VIRTUAL_ACCOUNT'],
  ['BRI', 'BRI Virtual Account', 'VIRTUAL_ACCOUNT'],
  ['MANDIRI', 'Mandiri Virtual Account', 'VIRTUAL_ACCOUNT'],
  ['PERMATA', 'Permata Virtual Account', 'VIRTUAL_ACCOUNT'],
  ['BSI', 'BSI Virtual Account', 'VIRTUAL_ACCOUNT'],
  ['OVO', 'OVO', 'EWALLET'],
  ['DANA', 'DANA', 'EWALLET'],
  ['SHOPEEPAY', 'ShopeePay', 'EWALLET'],
  ['LINKAJA', 'LinkAja', 'EWALLET'],
  ['QRIS', 'QRIS', 'QR_CODE'],
  ['ALFAMART', 'Alfamart', 'RETAIL_OUTLET'],
  ['INDOMARET', 'Indomaret', 'RETAIL_OUTLET'],
  ['CREDIT_CARD', 'Credit / Debit Card', 'CREDIT_CARD'],
];

export const up: MigrationFn = async ({ context: sequelize }) => {
  const queryInterface = sequelize.getQueryInterface();
  await queryInterface.bulkInsert(
    'bank_channel',
    BANK_CHANNELS.map(([channel_code, bank_code, name, type, category]) => ({ channel_code, bank_code, name, type, category, is_active: true })),
  );
  await queryInterface.bulkInsert(
    'payment_type',
    PAYMENT_TYPES.map(([code, name, category], index) => ({ code, name, category, is_active: true, sort_order: index + 1 })),
  );
};

export const down: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query('DELETE FROM payment_type; DELETE FROM bank_channel;');
};
