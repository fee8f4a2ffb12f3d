import type { MigrationFn } from '../migrations/index.js';

/** The seed's sixteen tables, with the constraints that keep money and identities consistent. */
export const up: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE TABLE user_login (
      username    VARCHAR(64)  PRIMARY KEY,
      pwd         VARCHAR(255) NOT NULL,
      disabled    BOOLEAN      NOT NULL DEFAULT FALSE,
      created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
      updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
    );

    CREATE TABLE user_info (
      id             SERIAL PRIMARY KEY,
      username       VARCHAR(64)  NOT NULL UNIQUE REFERENCES user_login(username) ON UPDATE CASCADE ON DELETE CASCADE,
      full_name      VARCHAR(255) NOT NULL,
      email          VARCHAR(254) NOT NULL,
      phone_number   VARCHAR(20),
      profile_img    VARCHAR(255),
      agent          BOOLEAN      NOT NULL DEFAULT FALSE,
      referral_code  VARCHAR(32)  NOT NULL UNIQUE,
      created_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
      updated_at     TIMESTAMPTZ  NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX user_info_email_lower_key ON user_info (lower(email));

    CREATE TABLE user_balance (
      username    VARCHAR(64)    PRIMARY KEY REFERENCES user_login(username) ON UPDATE CASCADE ON DELETE CASCADE,
      balance     NUMERIC(18, 2) NOT NULL DEFAULT 0 CHECK (balance >= 0),
      points      INTEGER        NOT NULL DEFAULT 0 CHECK (points >= 0),
      created_at  TIMESTAMPTZ    NOT NULL DEFAULT now(),
      updated_at  TIMESTAMPTZ    NOT NULL DEFAULT now()
    );

    CREATE TABLE address_list (
      id              SERIAL PRIMARY KEY,
      username        VARCHAR(64)  NOT NULL REFERENCES user_login(username) ON UPDATE CASCADE ON DELETE CASCADE,
      label           VARCHAR(64)  NOT NULL,
      recipient_name  VARCHAR(255) NOT NULL,
      phone_number    VARCHAR(20)  NOT NULL,
      address         TEXT         NOT NULL,
      is_default      BOOLEAN      NOT NULL DEFAULT FALSE,
      created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
      updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
    );
    CREATE INDEX address_list_username_idx ON address_list (username);
    CREATE UNIQUE INDEX address_list_one_default_per_user ON address_list (username) WHERE is_default;

    CREATE TABLE point_mutation (
      id            SERIAL PRIMARY KEY,
      username      VARCHAR(64)  NOT NULL REFERENCES user_login(username) ON UPDATE CASCADE ON DELETE CASCADE,
      type          VARCHAR(6)   NOT NULL CHECK (type IN ('CREDIT', 'DEBIT')),
      amount        INTEGER      NOT NULL CHECK (amount > 0),
      description   VARCHAR(255),
      reference_id  VARCHAR(128),
      created_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
    );
    CREATE INDEX point_mutation_username_idx ON point_mutation (username, id DESC);
    CREATE UNIQUE INDEX point_mutation_reference_once ON point_mutation (username, type, reference_id) WHERE reference_id IS NOT NULL;

    CREATE TABLE referral_history (
      id             SERIAL PRIMARY KEY,
      username       VARCHAR(64) NOT NULL UNIQUE REFERENCES user_login(username) ON UPDATE CASCADE ON DELETE CASCADE,
      submitted_by   VARCHAR(64) NOT NULL REFERENCES user_login(username) ON UPDATE CASCADE ON DELETE CASCADE,
      referral_code  VARCHAR(32) NOT NULL,
      status         VARCHAR(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed')),
      completed_at   TIMESTAMPTZ,
      created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
      CHECK (username <> submitted_by)
    );
    CREATE INDEX referral_history_submitted_by_idx ON referral_history (submitted_by);

    CREATE TABLE marketing_offer (
      id           SERIAL PRIMARY KEY,
      username     VARCHAR(64)  REFERENCES user_login(username) ON UPDATE CASCADE ON DELETE CASCADE,
      title        VARCHAR(255) NOT NULL,
      description  TEXT,
      image_url    VARCHAR(1024),
      valid_until  TIMESTAMPTZ,
      is_active    BOOLEAN      NOT NULL DEFAULT TRUE,
      created_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
    );

    CREATE TABLE fcm (
      id           SERIAL PRIMARY KEY,
      username     VARCHAR(64) NOT NULL REFERENCES user_login(username) ON UPDATE CASCADE ON DELETE CASCADE,
      token        TEXT        NOT NULL UNIQUE,
      device_type  VARCHAR(16) NOT NULL,
      created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX fcm_username_idx ON fcm (username);

    -- The ledger: balance_delta is what the row did to user_balance.balance, so SUM(balance_delta) = balance.
    CREATE TABLE user_transaction (
      id              VARCHAR(64)    PRIMARY KEY,
      username        VARCHAR(64)    NOT NULL REFERENCES user_login(username) ON UPDATE CASCADE ON DELETE CASCADE,
      type            VARCHAR(32)    NOT NULL,
      amount          NUMERIC(18, 2) NOT NULL CHECK (amount >= 0),
      balance_delta   NUMERIC(18, 2) NOT NULL DEFAULT 0,
      status          VARCHAR(16)    NOT NULL,
      payment_method  VARCHAR(64),
      reference_id    VARCHAR(128),
      description     VARCHAR(255),
      currency        VARCHAR(3)     NOT NULL DEFAULT 'IDR',
      invoice_url     VARCHAR(1024),
      expiry_date     TIMESTAMPTZ,
      paid_at         TIMESTAMPTZ,
      created_at      TIMESTAMPTZ    NOT NULL DEFAULT now(),
      updated_at      TIMESTAMPTZ    NOT NULL DEFAULT now()
    );
    CREATE INDEX user_transaction_username_idx ON user_transaction (username, created_at DESC);
    CREATE UNIQUE INDEX user_transaction_reference_key ON user_transaction (reference_id) WHERE reference_id IS NOT NULL;
    CREATE INDEX user_transaction_pending_idx ON user_transaction (status) WHERE status = 'PENDING';

    CREATE TABLE voucher_redemption (
      id               SERIAL PRIMARY KEY,
      username         VARCHAR(64)    NOT NULL REFERENCES user_login(username) ON UPDATE CASCADE ON DELETE CASCADE,
      voucher_code     VARCHAR(64)    NOT NULL,
      redemption_no    INTEGER        NOT NULL DEFAULT 1 CHECK (redemption_no >= 1),
      discount_amount  NUMERIC(18, 2) NOT NULL CHECK (discount_amount >= 0),
      redeemed_at      TIMESTAMPTZ    NOT NULL DEFAULT now(),
      UNIQUE (username, voucher_code, redemption_no)
    );
    CREATE INDEX voucher_redemption_code_idx ON voucher_redemption (voucher_code);

    CREATE TABLE api_key (
      holder       VARCHAR(64)  PRIMARY KEY,
      key          VARCHAR(255) NOT NULL,
      description  VARCHAR(255),
      created_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
    );

    CREATE TABLE otp_tracker (
      id            SERIAL PRIMARY KEY,
      identifier    VARCHAR(254) NOT NULL,
      otp_type      VARCHAR(32)  NOT NULL,
      count         INTEGER      NOT NULL DEFAULT 0 CHECK (count >= 0),
      day           DATE         NOT NULL DEFAULT CURRENT_DATE,
      last_request  TIMESTAMPTZ  NOT NULL DEFAULT now(),
      UNIQUE (identifier, otp_type, day)
    );

    CREATE TABLE bank_channel (
      id            SERIAL PRIMARY KEY,
      channel_code  VARCHAR(64)  NOT NULL UNIQUE,
      bank_code     VARCHAR(32)  NOT NULL,
      name          VARCHAR(128) NOT NULL,
      type          VARCHAR(16)  NOT NULL CHECK (type IN ('DISBURSEMENT', 'PAYMENT')),
      category      VARCHAR(16)  NOT NULL,
      is_active     BOOLEAN      NOT NULL DEFAULT TRUE,
      UNIQUE (type, bank_code)
    );

    CREATE TABLE payment_type (
      id          SERIAL PRIMARY KEY,
      code        VARCHAR(32)  NOT NULL UNIQUE,
      name        VARCHAR(128) NOT NULL,
      category    VARCHAR(32)  NOT NULL,
      is_active   BOOLEAN      NOT NULL DEFAULT TRUE,
      sort_order  INTEGER      NOT NULL DEFAULT 0
    );

    CREATE TABLE bank_account (
      id                   SERIAL PRIMARY KEY,
      username             VARCHAR(64)  NOT NULL REFERENCES user_login(username) ON UPDATE CASCADE ON DELETE CASCADE,
      bank_code            VARCHAR(32)  NOT NULL,
      account_number       TEXT         NOT NULL,
      account_number_last4 VARCHAR(4)   NOT NULL,
      account_holder_name  VARCHAR(255) NOT NULL,
      created_at           TIMESTAMPTZ  NOT NULL DEFAULT now()
    );
    CREATE INDEX bank_account_username_idx ON bank_account (username);

    CREATE TABLE deactivate_reason (
      id          SERIAL PRIMARY KEY,
      username    VARCHAR(64)  NOT NULL REFERENCES user_login(username) ON UPDATE CASCADE ON DELETE CASCADE,
      reason      VARCHAR(500) NOT NULL,
      created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
    );

    -- Idempotency-Key replay store shared by every money route.
    CREATE TABLE idempotency_key (
      username         VARCHAR(64)  NOT NULL REFERENCES user_login(username) ON UPDATE CASCADE ON DELETE CASCADE,
      scope            VARCHAR(64)  NOT NULL,
      key              VARCHAR(255) NOT NULL,
      request_hash     CHAR(64)     NOT NULL,
      response_status  INTEGER,
      response_body    JSONB,
      created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
      PRIMARY KEY (username, scope, key)
    );
  `);
};

export const down: MigrationFn = async ({ context: sequelize }) => {
  await sequelize.query(`
    DROP TABLE IF EXISTS idempotency_key, deactivate_reason, bank_account, payment_type, bank_channel, otp_tracker, api_key,
      voucher_redemption, user_transaction, fcm, marketing_offer, referral_history, point_mutation, address_list,
      user_balance, user_info, user_login CASCADE;
  `);
};
