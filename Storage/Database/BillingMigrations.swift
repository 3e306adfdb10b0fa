import GRDB

/// Schema of what residents pay besides registration: clinic bills (待缴费) the HIS pushes, deposit
/// top-ups (住院预缴金), and the posting of every such payment to the HIS (入账), retried until the
/// HIS answers.
enum BillingMigrations {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("billing-v1") { db in
            try db.execute(sql: """
                -- A bill as the HIS pushed it. `state` unpaid -> paid (an order here paid it) or
                -- withdrawn (the HIS took it back, or it was paid at the window).
                CREATE TABLE clinic_bill (
                    id TEXT PRIMARY KEY,
                    hospital_code TEXT NOT NULL,
                    bill_no TEXT NOT NULL,
                    patient_id TEXT NOT NULL,
                    department_name TEXT NOT NULL,
                    doctor_name TEXT NOT NULL,
                    -- The item lines as pushed (JSON array), shown to the resident as they are.
                    items TEXT NOT NULL,
                    total_fen INTEGER NOT NULL CHECK (total_fen > 0),
                    state TEXT NOT NULL CHECK (state IN ('unpaid', 'paid', 'withdrawn')),
                    billed_at TEXT NOT NULL,
                    -- The token in the QR code printed on the bill (扫码付).
                    pay_code TEXT NOT NULL UNIQUE,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    UNIQUE (hospital_code, bill_no)
                ) STRICT;
                CREATE INDEX clinic_bill_patient ON clinic_bill(hospital_code, patient_id, billed_at);

                -- One row a deposit order: which stay it tops up.
                CREATE TABLE deposit_topup (
                    order_id TEXT PRIMARY KEY REFERENCES payment_order(id),
                    hospital_code TEXT NOT NULL,
                    admission_no TEXT NOT NULL,
                    patient_id TEXT NOT NULL
                ) STRICT;
                CREATE INDEX deposit_topup_admission ON deposit_topup(hospital_code, admission_no);

                -- A paid bill or deposit told to the HIS. pending -> posted (the HIS's receipt) or
                -- refused (the HIS will not take it: the money goes back).
                CREATE TABLE his_posting (
                    order_id TEXT PRIMARY KEY REFERENCES payment_order(id),
                    state TEXT NOT NULL CHECK (state IN ('pending', 'posted', 'refused')),
                    receipt_no TEXT,
                    settled_at TEXT,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    next_attempt_at TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                ) STRICT;
                CREATE INDEX his_posting_due ON his_posting(next_attempt_at) WHERE state = 'pending';
                """)
        }
        migrator.registerMigration("billing-v2-insurance") { db in
            try db.execute(sql: """
                -- 医保移动支付: the centre's split of a bill paid with medical insurance. The order's
                -- amount is the cash part; fund (统筹) and personal account (个账) are settled by the
                -- centre. pre_settled -> settled (the centre confirms) -> refunded; or cancelled.
                CREATE TABLE insurance_split (
                    order_id TEXT PRIMARY KEY REFERENCES payment_order(id),
                    pay_order_id TEXT NOT NULL UNIQUE,
                    total_fen INTEGER NOT NULL CHECK (total_fen > 0),
                    fund_fen INTEGER NOT NULL CHECK (fund_fen >= 0),
                    account_fen INTEGER NOT NULL CHECK (account_fen >= 0),
                    cash_fen INTEGER NOT NULL CHECK (cash_fen > 0),
                    state TEXT NOT NULL CHECK (state IN ('pre_settled', 'settled', 'cancelled', 'refunded')),
                    settlement_id TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    CHECK (fund_fen + account_fen + cash_fen = total_fen)
                ) STRICT;
                """)
        }
        migrator.registerMigration("billing-v3-refund-postings") { db in
            try db.execute(sql: """
                -- A refund of a payment the HIS booked is booked there too (退费入账), again until the
                -- HIS answers. failed: the HIS will not take it (a cashier must look).
                CREATE TABLE his_refund_posting (
                    refund_id TEXT PRIMARY KEY REFERENCES payment_refund(id),
                    order_id TEXT NOT NULL REFERENCES payment_order(id),
                    state TEXT NOT NULL CHECK (state IN ('pending', 'posted', 'failed')),
                    receipt_no TEXT,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    next_attempt_at TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                ) STRICT;
                CREATE INDEX his_refund_posting_due ON his_refund_posting(next_attempt_at) WHERE state = 'pending';
                """)
        }
        migrator.registerMigration("billing-v4-insurance-times") { db in
            try db.execute(sql: """
                -- 医保对明细账 matches Huimin's splits with the centre's detail by settlement ID and
                -- places each on the day of the centre's own times: when it settled (6301's
                -- setl_time) and when it gave the insurance parts back (6203's refund number and time).
                ALTER TABLE insurance_split ADD COLUMN settled_at TEXT;
                ALTER TABLE insurance_split ADD COLUMN refund_no TEXT;
                ALTER TABLE insurance_split ADD COLUMN refunded_at TEXT;
                CREATE INDEX insurance_split_settlement ON insurance_split(settlement_id);
                """)
        }
    }
}
