-- The audit trail read model: every ledger event flattened into one row.
-- Runs with search_path = the projection's schema (proj_audittrail), so
-- names are unqualified. Forward-only: a change is a new file.

CREATE TABLE audittrail (
    -- Where the event is in the log and what the ledger recorded about it.
    position        bigint      PRIMARY KEY CHECK (position > 0),
    event_id        text        NOT NULL,
    recorded_at     timestamptz NOT NULL,
    actor           text        NOT NULL,
    type            text        NOT NULL,
    schema_version  integer     NOT NULL,
    label_zh        text        NOT NULL,
    label_en        text        NOT NULL,
    stream_id       text        NOT NULL,
    stream_version  bigint      NOT NULL,
    donor_code      text        NOT NULL,
    -- partner_code as routed ("multi" for a visit covering several partner
    -- counties); partner_codes is set only for "multi" rows: the partner
    -- codes of the event's pairings, resolved from the pairings table.
    partner_code    text        NOT NULL,
    partner_codes   text[],
    -- pairing_ids lists the event's pairings (several for a visit);
    -- pairing_id is the first of them, for the index.
    pairing_ids     text[]      NOT NULL,
    pairing_id      text,
    CHECK (pairing_id IS NOT DISTINCT FROM pairing_ids[1]),

    -- What the event is about. entity_id is the entity the event creates or
    -- acts on; original_id (with relation) is set on events acting on an
    -- earlier entity (reversal, adjustment, receipt, progress, end);
    -- parent_id is the entity this one belongs to (commitment of a
    -- disbursement, project of a commitment).
    entity_kind     text,
    entity_id       text,
    relation        text CHECK (relation IN ('reversal', 'adjustment', 'receipt', 'progress', 'end')),
    original_id     text,
    parent_id       text,
    CHECK ((relation IS NULL) = (original_id IS NULL)),

    -- The event's own business date, its signed effect on the ledger in fen
    -- (NULL when it moves no money), its reversal reason, its document.
    business_date   date,
    amount_fen      bigint,
    reversal_reason text,
    document_kind   text,
    -- COLLATE "C": byte order, so that a prefix is a contiguous index range.
    document_no     text COLLATE "C",
    CHECK ((document_kind IS NULL) = (document_no IS NULL)),

    idempotency_key text        NOT NULL,
    correlation_id  text        NOT NULL,
    causation_id    text        NOT NULL,
    hash            bytea       NOT NULL,
    payload         json        NOT NULL -- the canonical bytes verbatim
);

-- One index per filter of Query, each ending in position so that a keyset
-- page is read in order and stops at its limit. The rare rows with several
-- pairings (or partners) are found through the partial GIN indexes.
CREATE INDEX audittrail_pairing       ON audittrail (pairing_id, position);
CREATE INDEX audittrail_pairings      ON audittrail USING gin (pairing_ids) WHERE cardinality(pairing_ids) > 1;
CREATE INDEX audittrail_type          ON audittrail (type, position);
CREATE INDEX audittrail_actor         ON audittrail (actor, position);
CREATE INDEX audittrail_donor         ON audittrail (donor_code, position);
CREATE INDEX audittrail_partner       ON audittrail (partner_code, position);
CREATE INDEX audittrail_partners      ON audittrail USING gin (partner_codes) WHERE partner_codes IS NOT NULL;
CREATE INDEX audittrail_business_date ON audittrail (business_date, position);
CREATE INDEX audittrail_document_no   ON audittrail (document_no, position) WHERE document_no IS NOT NULL;
CREATE INDEX audittrail_entity        ON audittrail (entity_id, position);
CREATE INDEX audittrail_original      ON audittrail (original_id, position) WHERE original_id IS NOT NULL;
CREATE INDEX audittrail_parent        ON audittrail (parent_id, position) WHERE parent_id IS NOT NULL;
CREATE INDEX audittrail_correlation   ON audittrail (correlation_id, position) WHERE correlation_id <> '';

-- pairings maps each pairing to its donor and partner, to resolve the
-- partner codes of "multi" events.
CREATE TABLE pairings (
    pairing_id   text PRIMARY KEY,
    donor_code   text NOT NULL,
    partner_code text NOT NULL
);
