-- The yearend read model: what each event contributes to a donor's
-- year-end summary (年度总结). Runs with search_path set to the
-- projection's schema (proj_yearend, or proj_yearend_rebuild during a
-- rebuild), so names are unqualified. Forward-only: a change is a new file.
-- Money is bigint 分 (fen). Ids are ULIDs (ASCII): COLLATE "C" keeps their
-- comparisons byte-wise whatever the database's collation.

-- contributions: one row per (event, figure, pairing) the event moves. Rows
-- are only ever inserted; Compute filters them by position, so the rows
-- of positions up to P never change once P is applied.
CREATE TABLE contributions (
    position      bigint      NOT NULL CHECK (position > 0),
    ordinal       int         NOT NULL CHECK (ordinal >= 0), -- the row's place among its event's rows
    event_id      text COLLATE "C" NOT NULL,
    type          text        NOT NULL,
    recorded_at   timestamptz NOT NULL,
    donor_code    text COLLATE "C" NOT NULL, -- the pairing's donor
    pairing_id    text COLLATE "C" NOT NULL,
    -- The json name of the report.Figures field the row counts in. Only
    -- base figures have rows; staff_professional, social_fen and
    -- consumption_fen are sums computed on read.
    figure        text        NOT NULL CHECK (figure IN (
        'visits', 'staff_cadre', 'staff_teacher', 'staff_doctor', 'staff_agronomist', 'staff_technician',
        'fiscal_disbursed_fen', 'fiscal_committed_fen', 'receipts_confirmed_fen',
        'projects_registered', 'projects_completed', 'planned_investment_fen', 'completed_investment_fen',
        'social_cash_fen', 'social_in_kind_fen', 'purchases_fen', 'sales_fen')),
    -- year is the fiscal year the row counts in. attributed_on is the
    -- business date that decided it, which the cut-off applies to; it is
    -- NULL for rows counted by a budget or plan year (commitments,
    -- adjustments, projects), which no cut-off excludes.
    year          int         NOT NULL,
    attributed_on date,
    CHECK (attributed_on IS NULL OR extract(year FROM attributed_on) = year),
    own_date      date,                  -- the event's own business date
    amount        bigint      NOT NULL CHECK (amount <> 0), -- signed fen; counts ±1
    document_no   text        NOT NULL,  -- voucher, receipt, order or doc no ('' if none)
    -- A flag the summary footnotes (report.FootnoteKind) and its detail.
    flag          text CHECK (flag IN ('over_commitment', 'cross_year_reversal', 'partner_mismatch', 'in_kind_valuation')),
    flag_detail   text,
    CHECK ((flag IS NULL) = (flag_detail IS NULL)),
    PRIMARY KEY (position, ordinal)
);
-- Compute reads a donor's year in position order.
CREATE INDEX contributions_donor_year ON contributions (donor_code, year, position);
-- Reversals dated in one year but counted in another, by their own date.
CREATE INDEX contributions_cross_year ON contributions (donor_code, own_date)
    WHERE flag = 'cross_year_reversal';

-- chain: the hash of every event applied, so a report can state the hash
-- at its position from the read model alone. prev_hash is set only where
-- the previous position has no row (it was an event of a type this build
-- does not know, skipped): it is then the hash of that skipped event.
CREATE TABLE chain (
    position  bigint PRIMARY KEY CHECK (position > 0),
    hash      bytea  NOT NULL CHECK (length(hash) = 32),
    prev_hash bytea  CHECK (length(prev_hash) = 32)
);

-- pairings: one row per PairingEstablished, at the position it was applied.
CREATE TABLE pairings (
    pairing_id         text COLLATE "C" PRIMARY KEY,
    position           bigint NOT NULL,
    donor_code         text COLLATE "C" NOT NULL,
    donor_name         text   NOT NULL,
    donor_short_name   text   NOT NULL,
    partner_code       text COLLATE "C" NOT NULL,
    partner_name       text   NOT NULL,
    partner_short_name text   NOT NULL,
    programme          text COLLATE "C" NOT NULL,
    valid_from         date   NOT NULL,
    valid_to           date   NOT NULL
);
CREATE INDEX pairings_donor ON pairings (donor_code, position);

-- The lookups Apply needs for events that refer to an earlier one.

-- commitments: the budget year an adjustment counts in.
CREATE TABLE commitments (
    commitment_id text COLLATE "C" PRIMARY KEY,
    pairing_id    text COLLATE "C" NOT NULL,
    budget_year   int  NOT NULL
);

-- disbursements: the year and amount a reversal or a receipt counts with,
-- and what is left of a confirmed receipt after entry_error reversals.
CREATE TABLE disbursements (
    disbursement_id          text COLLATE "C" PRIMARY KEY,
    pairing_id               text COLLATE "C" NOT NULL,
    business_date            date    NOT NULL,
    amount_fen               bigint  NOT NULL,
    reversed_entry_error_fen bigint  NOT NULL,
    reversed_fen             bigint  NOT NULL, -- both reasons
    receipt_confirmed        boolean NOT NULL
) WITH (fillfactor = 80);

-- donations: the kind (cash or in-kind) and date a reversal counts with.
CREATE TABLE donations (
    donation_id   text COLLATE "C" PRIMARY KEY,
    pairing_id    text COLLATE "C" NOT NULL,
    kind          text   NOT NULL,
    business_date date   NOT NULL,
    amount_fen    bigint NOT NULL
);

-- secondments: the category and start date a reversal counts with.
CREATE TABLE secondments (
    secondment_id text COLLATE "C" PRIMARY KEY,
    pairing_id    text COLLATE "C" NOT NULL,
    category      text    NOT NULL,
    start_date    date    NOT NULL,
    reversed      boolean NOT NULL
) WITH (fillfactor = 80);

-- projects: the plan year and the latest progress, from which a report's
-- change is counted.
CREATE TABLE projects (
    project_id               text COLLATE "C" PRIMARY KEY,
    pairing_id               text COLLATE "C" NOT NULL,
    plan_year                int     NOT NULL,
    done                     boolean NOT NULL, -- latest status completed or accepted
    as_of                    date,
    completed_investment_fen bigint  NOT NULL
) WITH (fillfactor = 80);
