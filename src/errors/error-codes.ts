/** One error code: the HTTP status it answers with and its default message (the seed's text where it has one). */
export interface ErrorCodeEntry {
  readonly status: number;
  readonly message: string;
  /**
   * A failure of the HTTP shell or of infrastructure, not a domain refusal: thrown by middleware, routers and the
   * error handler (plus VALIDATION_FAILED's field errors and 5xx from integrations), never for a business rule.
   */
  readonly generic?: true;
  /** Why a code that nothing in src throws stays in the table (e.g. answered by a stored idempotent replay). */
  readonly reserved?: string;
}

/**
 * Every error code the API can answer with, in one table. Clients switch on `code` (the stable machine name);
 * `errorCode` in the envelope is the HTTP status (as the seed documents) and `message` may be more specific than the
 * default here (it carries data such as a limit or a date) and is translated for the client's language.
 */
export const ERROR_CODES = {
  // 400: the HTTP shell and validation
  VALIDATION_FAILED: { status: 400, message: 'Validation failed', generic: true },
  MALFORMED_JSON: { status: 400, message: 'Malformed JSON body', generic: true },
  BAD_REQUEST: { status: 400, message: 'Bad request', generic: true },
  // 400: refusals
  INSUFFICIENT_BALANCE: { status: 400, message: 'Insufficient Balance' },
  OTP_INVALID: { status: 400, message: 'Invalid OTP' },
  PHONE_REQUIRED: { status: 400, message: 'PhoneRequired' },
  PHONE_FORMAT_INVALID: { status: 400, message: 'PhoneFormatErr' },
  PHONE_NUMBER_INVALID: { status: 400, message: 'Invalid phone number' },
  REFERRAL_CODE_NOT_FOUND: { status: 400, message: 'referral code not found' },
  VOUCHER_NOT_YET_VALID: { status: 400, message: 'Voucher is not valid yet' },
  VOUCHER_EXPIRED: { status: 400, message: 'Voucher has expired' },

  // 401: who is calling
  UNAUTHORIZED: { status: 401, message: 'Unauthorized', generic: true },
  BEARER_TOKEN_INVALID: { status: 401, message: 'Invalid or missing token' },
  TOKEN_INVALID: { status: 401, message: 'Invalid token' },
  TOKEN_REVOKED: { status: 401, message: 'Token has been revoked' },
  TOKEN_EXPIRED: { status: 401, message: 'Session has expired, please sign in again' },
  TOKEN_ACCOUNT_DISABLED: { status: 401, message: 'Account is Disabled' },
  API_CREDENTIAL_INVALID: { status: 401, message: 'Invalid API credentials' },
  CALLBACK_TOKEN_MISSING: { status: 401, message: 'Missing callback token' },
  REGISTRATION_TOKEN_MISSING: { status: 401, message: 'Invalid or missing registration token' },
  REGISTRATION_TOKEN_INVALID: { status: 401, message: 'Registration token is invalid or has expired' },
  RESET_LINK_INVALID: { status: 401, message: 'Reset link is invalid or has expired' },
  EMAIL_LINK_INVALID: { status: 401, message: 'Confirmation link is invalid or has expired' },
  EMAIL_CHANGE_CANCEL_INVALID: { status: 401, message: 'This link no longer works: the change was already confirmed, cancelled or has expired' },
  DELETION_CANCEL_INVALID: { status: 401, message: 'Cancel token is invalid, or the account can no longer be restored' },

  // 403: known caller, refused
  CALLBACK_TOKEN_INVALID: { status: 403, message: 'Invalid callback token' },
  ACCOUNT_NOT_CONFIRMED: { status: 403, message: 'Account is Not Confirmed' },
  OTP_NOT_CONFIRMED: { status: 403, message: 'OTP Not Confirmed' },
  ACCOUNT_DISABLED: { status: 403, message: 'Account is Disabled' },
  ACCOUNT_DELETION_SCHEDULED: { status: 403, message: 'Account is scheduled for deletion' },

  // 404
  ROUTE_NOT_FOUND: { status: 404, message: 'Route not found', generic: true },
  USER_NOT_FOUND: { status: 404, message: 'User not found' },
  ACCOUNT_NOT_FOUND: { status: 404, message: 'Account does not exist' },
  BALANCE_NOT_FOUND: { status: 404, message: 'Balance Not Found' },
  INVOICE_NOT_FOUND: { status: 404, message: 'Invoice Not Found' },
  PAYOUT_NOT_FOUND: { status: 404, message: 'Payout Not Found' },
  BANK_ACCOUNT_NOT_FOUND: { status: 404, message: 'Bank Account Not Found' },
  ADDRESS_NOT_FOUND: { status: 404, message: 'Address not found' },
  VOUCHER_NOT_FOUND: { status: 404, message: 'Voucher not found' },
  FAQ_NOT_FOUND: { status: 404, message: 'FAQ not found' },
  SESSION_NOT_FOUND: { status: 404, message: 'Session not found' },
  PUSH_TOKEN_NOT_FOUND: { status: 404, message: 'Token not found' },
  API_KEY_NOT_FOUND: { status: 404, message: 'No API key for this holder' },
  PHONE_CHANGE_NOT_PENDING: { status: 404, message: 'No phone change is waiting for a code: request one with POST /user/phone' },

  // 409: the state of things refuses it
  USERNAME_TAKEN: { status: 409, message: 'Username is already taken' },
  EMAIL_ALREADY_REGISTERED: { status: 409, message: 'Email is already registered' },
  EMAIL_ALREADY_CONFIRMED: { status: 409, message: 'This email is already confirmed on your account' },
  PHONE_ALREADY_REGISTERED: { status: 409, message: 'Phone number is already registered' },
  PHONE_ALREADY_ON_ACCOUNT: { status: 409, message: 'This phone number is already on your account' },
  SIGN_UP_IN_PROGRESS: { status: 409, message: 'This sign-up is already being verified' },
  ACCOUNT_ALREADY_VERIFIED: { status: 409, message: 'Account is already verified, please log in' },
  ACCOUNT_ALREADY_DISABLED: { status: 409, message: 'The account is already disabled' },
  ACCOUNT_NOT_EMPTY: { status: 409, message: 'The account cannot be deleted while the wallet holds money, points or a pending payout' },
  IDEMPOTENCY_KEY_IN_PROGRESS: { status: 409, message: 'A request with this Idempotency-Key is still in progress; retry shortly' },
  INVOICE_ALREADY_PAID: { status: 409, message: 'Invoice Already Paid' },
  INVOICE_NOT_READY: { status: 409, message: 'The invoice is still being created; try again in a moment' },
  VOUCHER_ALREADY_REDEEMED: { status: 409, message: 'Voucher already redeemed' },
  VOUCHER_QUOTA_EXHAUSTED: { status: 409, message: 'Voucher quota exhausted' },
  ADDRESS_LIMIT_REACHED: { status: 409, message: 'Address limit reached' },
  BANK_ACCOUNT_LIMIT_REACHED: { status: 409, message: 'Bank account limit reached' },
  BANK_ACCOUNT_ALREADY_REGISTERED: { status: 409, message: 'Bank account is already registered' },
  BANK_ACCOUNT_IN_USE: { status: 409, message: 'This bank account has a payout in progress; try again when it has finished' },
  API_KEY_HOLDER_INVALID: { status: 409, message: 'holder must be 1-64 letters, digits, dot, dash or underscore' },
  API_KEY_EXISTS: { status: 409, message: 'This holder already has a key; revoke it first' },
  SYNC_ALREADY_RUNNING: { status: 409, message: 'sync already running' },

  // 413, 415: the HTTP shell
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Request body too large', generic: true },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported media type', generic: true },

  // 422: understood, but wrong
  INVALID_CREDENTIAL: { status: 422, message: 'Invalid Credential' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, message: 'Idempotency-Key was already used with a different request' },
  INSUFFICIENT_POINTS: { status: 422, message: 'Insufficient points' },

  // 423
  MONEY_COOLING_OFF: { status: 423, message: 'Payouts and new bank accounts are paused after a recent security change' },

  // 429: limits (each answers Retry-After)
  ACCOUNT_LOCKED: { status: 429, message: 'Too many failed login attempts, try again later' },
  API_KEY_LOCKED: { status: 429, message: 'Too many failed API key attempts from this network, try again later' },
  OTP_BURNED: { status: 429, message: 'Too many wrong codes: this code no longer works, request a new one' },
  SEND_TOO_SOON: { status: 429, message: 'Please wait before requesting another code or link' },
  SEND_LIMIT_NETWORK: { status: 429, message: 'Too many codes or links requested from this network, try again later' },
  SEND_LIMIT_NUMBER_RANGE: { status: 429, message: 'Too many codes sent to numbers like this one, try again later' },
  SEND_LIMIT_DAILY: { status: 429, message: 'Daily limit of codes or links for this address reached, try again tomorrow' },
  PASSWORD_RESET_LIMIT: { status: 429, message: 'Too many password reset requests, try again later' },
  EMAIL_CHECK_LIMIT: { status: 429, message: 'Too many email checks from this network, try again later' },
  DATA_EXPORT_LIMIT: { status: 429, message: 'Too many data exports today, try again later' },
  CHECKOUT_LIMIT_REACHED: { status: 429, message: 'Checkout limit reached; try again later' },

  // 5xx: never a refusal; internals are logged, not answered
  INTERNAL: { status: 500, message: 'Internal server error', generic: true },
  BAD_GATEWAY: { status: 502, message: 'Upstream service failed', generic: true },
  SERVICE_UNAVAILABLE: { status: 503, message: 'Service unavailable', generic: true },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The entry of `code`, typed as the general shape (the table's literal types are narrower). */
export const errorCodeEntry = (code: ErrorCode): ErrorCodeEntry => ERROR_CODES[code];

export const isErrorCode = (value: unknown): value is ErrorCode => typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
