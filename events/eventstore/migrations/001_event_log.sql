-- The event log: the ledger's book of record. Append-only.

-- ledger_head holds the last position and hash of the log in one row. Every
-- append locks it, so positions are assigned in commit order without gaps:
-- a reader polling "position > N" can never miss an event that commits late,
-- because no later position exists until the earlier transaction has ended.
CREATE TABLE ledger_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    position  bigint  NOT NULL,
    hash      bytea   NOT NULL CHECK (length(hash) = 32)
) WITH (fillfactor = 10);
INSERT INTO ledger_head (position, hash) VALUES (0, '\x0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE events (
    position        bigint      PRIMARY KEY CHECK (position > 0),
    event_id        text        NOT NULL UNIQUE,
    stream_id       text        NOT NULL,
    stream_version  bigint      NOT NULL CHECK (stream_version > 0),
    type            text        NOT NULL,
    schema_version  integer     NOT NULL,
    recorded_at     timestamptz NOT NULL,
    donor_code      text        NOT NULL,
    partner_code    text        NOT NULL,
    actor           text        NOT NULL,
    idempotency_key text        NOT NULL,
    correlation_id  text        NOT NULL,
    causation_id    text        NOT NULL,
    payload         json        NOT NULL, -- json, not jsonb: the canonical bytes verbatim
    prev_hash       bytea       NOT NULL,
    hash            bytea       NOT NULL,
    UNIQUE (stream_id, stream_version)
);
CREATE INDEX events_donor_position ON events (donor_code, position);
CREATE INDEX events_partner_position ON events (partner_code, position);

-- Nothing in the log is ever updated or deleted.
CREATE FUNCTION events_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'AL000';
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_forbid_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_forbid_change();

-- streams: the current version of each stream (optimistic concurrency).
CREATE TABLE streams (
    stream_id text   PRIMARY KEY,
    version   bigint NOT NULL
);

-- entities: which stream holds each entity (pairing, commitment,
-- disbursement, project, donation …). Ids are never reused.
CREATE TABLE entities (
    entity_id text NOT NULL PRIMARY KEY,
    kind      text NOT NULL,
    stream_id text NOT NULL,
    position  bigint NOT NULL
);

-- natural_keys: business identifiers that must be unique among live entries
-- (voucher no per donor, receipt no per donor, (channel, order no)). A key
-- is released when its entry is wholly reversed as an entry error, so the
-- corrected entry can reuse it.
CREATE TABLE natural_keys (
    scope     text NOT NULL,
    key       text NOT NULL,
    entity_id text NOT NULL,
    PRIMARY KEY (scope, key)
);

-- idempotency: every command's client key, forever. A repeat with the same
-- fingerprint gets the stored result; a different fingerprint is rejected.
CREATE TABLE idempotency (
    key         text        PRIMARY KEY,
    fingerprint bytea       NOT NULL,
    result      json        NOT NULL,
    position    bigint      NOT NULL,
    event_ids   text[]      NOT NULL,
    recorded_at timestamptz NOT NULL
);
