import GRDB

/// Schema of unified payment: merchants per hospital (or campus) and channel, payment orders with
/// their state machine, refunds, and the notifications already taken (so a duplicate changes
/// nothing).
///
/// The money rules live in the schema too: an order's refunds (asked for and done) never pass
/// what was paid, and one business item (a booking, a bill) has at most one unpaid order open.
enum PaymentMigrations {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("payments-v1") { db in
            try db.execute(sql: """
                -- 商户: one per hospital (campus_id '') or campus, and channel.
                CREATE TABLE merchant (
                    id TEXT PRIMARY KEY,
                    hospital_code TEXT NOT NULL,
                    campus_id TEXT NOT NULL DEFAULT '',
                    channel TEXT NOT NULL CHECK (channel IN ('wechat', 'alipay', 'unionpay', 'insurance')),
                    merchant_no TEXT NOT NULL,
                    app_id TEXT NOT NULL DEFAULT '',
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    UNIQUE (hospital_code, campus_id, channel)
                ) STRICT;

                CREATE TABLE payment_order (
                    id TEXT PRIMARY KEY,
                    trade_no TEXT NOT NULL UNIQUE CHECK (length(trade_no) BETWEEN 6 AND 32),
                    business_type TEXT NOT NULL CHECK (business_type IN ('registration', 'clinic_bill', 'deposit', 'scan_to_pay')),
                    business_ref TEXT NOT NULL,
                    account_id TEXT NOT NULL REFERENCES account(id),
                    person_id TEXT NOT NULL,
                    hospital_code TEXT NOT NULL,
                    merchant_id TEXT NOT NULL REFERENCES merchant(id),
                    channel TEXT NOT NULL,
                    description TEXT NOT NULL,
                    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
                    paid_fen INTEGER NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
                    refunded_fen INTEGER NOT NULL DEFAULT 0,
                    refunding_fen INTEGER NOT NULL DEFAULT 0,
                    state TEXT NOT NULL CHECK (state IN ('created', 'paying', 'paid', 'partially_refunded', 'refunded', 'closed', 'failed')),
                    channel_trade_id TEXT,
                    prepay_id TEXT,
                    expires_at TEXT NOT NULL,
                    paid_at TEXT,
                    closed_at TEXT,
                    idempotency_key TEXT,
                    request_digest TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    CHECK (refunded_fen >= 0 AND refunding_fen >= 0 AND refunded_fen + refunding_fen <= paid_fen),
                    UNIQUE (account_id, idempotency_key)
                ) STRICT;
                CREATE UNIQUE INDEX payment_one_open_per_item ON payment_order(business_type, business_ref)
                    WHERE state IN ('created', 'paying');
                CREATE INDEX payment_order_item ON payment_order(business_type, business_ref);
                CREATE INDEX payment_order_account ON payment_order(account_id, created_at);
                CREATE INDEX payment_order_open ON payment_order(expires_at) WHERE state IN ('created', 'paying');
                CREATE INDEX payment_order_paid ON payment_order(merchant_id, paid_at);

                -- Partial and repeated refunds; the refund number is the channel's idempotency key.
                CREATE TABLE payment_refund (
                    id TEXT PRIMARY KEY,
                    refund_no TEXT NOT NULL UNIQUE,
                    order_id TEXT NOT NULL REFERENCES payment_order(id),
                    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
                    reason TEXT NOT NULL,
                    -- Why the money goes back: a cancellation, a duplicate or late payment, staff, ...
                    cause TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('requested', 'processing', 'succeeded', 'failed', 'abnormal')),
                    channel_refund_id TEXT,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    next_attempt_at TEXT NOT NULL,
                    idempotency_key TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    succeeded_at TEXT
                ) STRICT;
                CREATE INDEX payment_refund_order ON payment_refund(order_id);
                CREATE INDEX payment_refund_due ON payment_refund(next_attempt_at) WHERE state IN ('requested', 'processing');
                CREATE UNIQUE INDEX payment_refund_key ON payment_refund(order_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

                -- Every notification taken, by the channel's own ID: a duplicate finds its row.
                CREATE TABLE payment_notification (
                    channel TEXT NOT NULL,
                    notification_id TEXT NOT NULL,
                    trade_no TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    PRIMARY KEY (channel, notification_id)
                ) STRICT, WITHOUT ROWID;

                -- Cancelled paid bookings become refunds of their orders.
                ALTER TABLE refund_request ADD COLUMN refund_id TEXT;
                """)
        }
    }
}
