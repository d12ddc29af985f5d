-- verify_runs: every verification run from the web interface or the API,
-- with who ran it and what it found. Append-only.
CREATE TABLE verify_runs (
    id       bigserial   PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT now(),
    actor    text        NOT NULL CHECK (actor <> ''),
    ok       boolean     NOT NULL,
    position bigint      NOT NULL,
    report   jsonb       NOT NULL
);

CREATE FUNCTION verify_runs_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'verify_runs is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'AL000';
END $$;
CREATE TRIGGER verify_runs_append_only BEFORE UPDATE OR DELETE ON verify_runs
    FOR EACH ROW EXECUTE FUNCTION verify_runs_forbid_change();
