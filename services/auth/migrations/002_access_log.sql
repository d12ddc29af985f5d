-- The access log: who read what, when. Every auditor-facing read of
-- sensitive material (entity history, evidence exports) is recorded here
-- before it is answered. Like the event log it is append-only.
CREATE TABLE access_log (
    id     bigserial   PRIMARY KEY,
    at     timestamptz NOT NULL DEFAULT now(),
    actor  text        NOT NULL CHECK (actor <> ''),
    role   text        NOT NULL,
    action text        NOT NULL CHECK (action <> ''),
    target text        NOT NULL DEFAULT '',
    detail text        NOT NULL DEFAULT ''
);
CREATE INDEX access_log_target ON access_log (target, id);

CREATE FUNCTION access_log_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'AL000';
END $$;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_forbid_change();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_forbid_change();
