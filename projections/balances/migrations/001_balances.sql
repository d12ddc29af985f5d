-- The balances read model. Runs with search_path set to the projection's
-- schema (proj_balances, or proj_balances_rebuild during a rebuild), so
-- names are unqualified. Money is bigint 分 (fen). Ids are ULIDs (ASCII):
-- COLLATE "C" keeps their comparisons byte-wise, and their order
-- chronological, whatever the database's collation.

-- pairings: one row per PairingEstablished.
CREATE TABLE pairings (
    pairing_id         text COLLATE "C" PRIMARY KEY,
    donor_code         text NOT NULL,
    donor_name         text NOT NULL,
    donor_short_name   text NOT NULL,
    partner_code       text NOT NULL,
    partner_name       text NOT NULL,
    partner_short_name text NOT NULL,
    programme          text NOT NULL,
    agreement_doc_no   text NOT NULL,
    valid_from         date NOT NULL,
    valid_to           date NOT NULL
);
CREATE INDEX pairings_donor ON pairings (donor_code);
CREATE INDEX pairings_partner ON pairings (partner_code);

-- pairing_years: additive counters per pairing and fiscal year (calendar
-- year of the business date unless noted). Reversals: entry_error in the
-- original's year, funds_returned in the reversal's own year. A row exists
-- once an event touched its (pairing, year), even if its figures net to 0.
CREATE TABLE pairing_years (
    pairing_id                        text COLLATE "C" NOT NULL,
    year                              int    NOT NULL,
    commitments                       bigint NOT NULL DEFAULT 0, -- in the budget year
    committed_fen                     bigint NOT NULL DEFAULT 0, -- in the budget year
    adjusted_fen                      bigint NOT NULL DEFAULT 0, -- in the commitment's budget year
    disbursements                     bigint NOT NULL DEFAULT 0,
    disbursed_fen                     bigint NOT NULL DEFAULT 0,
    reversed_entry_error_fen          bigint NOT NULL DEFAULT 0,
    reversed_funds_returned_fen       bigint NOT NULL DEFAULT 0,
    receipts_confirmed                bigint NOT NULL DEFAULT 0, -- in the disbursement's year
    receipts_confirmed_fen            bigint NOT NULL DEFAULT 0, -- net of entry_error reversals
    over_commitment_disbursements     bigint NOT NULL DEFAULT 0,
    over_commitment_fen               bigint NOT NULL DEFAULT 0,
    donations_cash_fen                bigint NOT NULL DEFAULT 0,
    donations_cash_reversed_fen       bigint NOT NULL DEFAULT 0,
    donations_in_kind_fen             bigint NOT NULL DEFAULT 0,
    donations_in_kind_reversed_fen    bigint NOT NULL DEFAULT 0,
    purchases_fen                     bigint NOT NULL DEFAULT 0, -- by completed date
    purchases_reversed_fen            bigint NOT NULL DEFAULT 0,
    sales_fen                         bigint NOT NULL DEFAULT 0, -- by the end of the period
    sales_reversed_fen                bigint NOT NULL DEFAULT 0,
    staff_cadre                       bigint NOT NULL DEFAULT 0, -- started in the year, net of reversals
    staff_teacher                     bigint NOT NULL DEFAULT 0,
    staff_doctor                      bigint NOT NULL DEFAULT 0,
    staff_agronomist                  bigint NOT NULL DEFAULT 0,
    staff_technician                  bigint NOT NULL DEFAULT 0,
    staff_person_days                 bigint NOT NULL DEFAULT 0, -- days of secondments in the year
    visits                            bigint NOT NULL DEFAULT 0, -- by start date, once per pairing listed
    projects_registered               bigint NOT NULL DEFAULT 0, -- in the plan year
    projects_planned_fen              bigint NOT NULL DEFAULT 0,
    projects_completed                bigint NOT NULL DEFAULT 0, -- latest status completed or accepted
    projects_completed_investment_fen bigint NOT NULL DEFAULT 0, -- latest report
    PRIMARY KEY (pairing_id, year)
) WITH (fillfactor = 70);

-- commitments: one row per FundsCommitted, with its adjustments. Its
-- disbursement totals are summed from its disbursements when read.
CREATE TABLE commitments (
    commitment_id text COLLATE "C" PRIMARY KEY,
    pairing_id    text COLLATE "C" NOT NULL,
    project_id    text COLLATE "C",
    budget_year   int    NOT NULL,
    source_level  text   NOT NULL,
    doc_no        text   NOT NULL,
    batch         text   NOT NULL,
    business_date date   NOT NULL,
    amount_fen    bigint NOT NULL,
    adjusted_fen  bigint NOT NULL
) WITH (fillfactor = 90);
CREATE INDEX commitments_project ON commitments (project_id) WHERE project_id IS NOT NULL;

-- disbursements: one row per FundsDisbursed, with its reversals and its
-- receipt. Keyed by commitment first: reversals and receipts name the
-- commitment, and a commitment's disbursements are read together.
CREATE TABLE disbursements (
    commitment_id                 text COLLATE "C" NOT NULL,
    disbursement_id               text COLLATE "C" NOT NULL,
    pairing_id                    text COLLATE "C" NOT NULL,
    business_date                 date   NOT NULL,
    amount_fen                    bigint NOT NULL,
    payee_name                    text   NOT NULL,
    payee_credit_code             text   NOT NULL,
    voucher_no                    text   NOT NULL,
    over_commitment_justification text,  -- NULL unless disbursed under an over-commitment approval
    over_commitment_approved_by   text,
    reversed_entry_error_fen      bigint NOT NULL,
    reversed_funds_returned_fen   bigint NOT NULL,
    receipt_confirmed_date        date,  -- NULL until the partner confirms receipt
    receipt_ref                   text,
    PRIMARY KEY (commitment_id, disbursement_id)
) WITH (fillfactor = 80);

-- projects: one row per AidProjectRegistered, with its latest progress.
CREATE TABLE projects (
    project_id               text COLLATE "C" PRIMARY KEY,
    pairing_id               text COLLATE "C" NOT NULL,
    name                     text   NOT NULL,
    sector                   text   NOT NULL,
    delivery_mode            text   NOT NULL,
    planned_total_fen        bigint NOT NULL,
    plan_year                int    NOT NULL,
    business_date            date   NOT NULL,
    status                   text   NOT NULL, -- '' until the first progress report
    as_of                    date,
    completed_investment_fen bigint NOT NULL
) WITH (fillfactor = 80);

-- donations: lookup for DonationReversed (kind, pairing, original's date).
CREATE TABLE donations (
    donation_id   text COLLATE "C" PRIMARY KEY,
    pairing_id    text COLLATE "C" NOT NULL,
    kind          text   NOT NULL,
    business_date date   NOT NULL,
    amount_fen    bigint NOT NULL
);

-- secondments: lookup for SecondmentEnded and SecondmentReversed (category,
-- and the dates its person-days were counted with).
CREATE TABLE secondments (
    secondment_id    text COLLATE "C" PRIMARY KEY,
    pairing_id       text COLLATE "C" NOT NULL,
    category         text    NOT NULL,
    start_date       date    NOT NULL,
    planned_end_date date,
    end_date         date,
    reversed         boolean NOT NULL
) WITH (fillfactor = 80);
