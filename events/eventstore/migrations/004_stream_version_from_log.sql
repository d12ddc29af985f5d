-- A stream's version is the stream_version of its last event, which the
-- events (stream_id, stream_version) index answers with one probe. The
-- streams table held the same fact a second time, and every append paid to
-- write it (a row, an index entry and their WAL): it goes, and
-- ledger_append, otherwise as in 002, reads the version from the log.
-- Instances older than this migration write to streams and must be
-- stopped before it is applied.
CREATE OR REPLACE FUNCTION ledger_append(
    p_stream_id        text,
    p_expected_version bigint,
    p_event_ids        text[],
    p_types            text[],
    p_schema_versions  integer[],
    p_payloads         text[],
    p_canonicals       bytea[],
    p_recorded_at      timestamptz,
    p_donor_code       text,
    p_partner_code     text,
    p_actor            text,
    p_idempotency_key  text,
    p_correlation_id   text,
    p_causation_id     text,
    p_fingerprint      bytea,
    p_result           json,
    p_entity_ids       text[],
    p_entity_kinds     text[],
    p_claim_scopes     text[],
    p_claim_keys       text[],
    p_claim_entities   text[],
    p_release_scopes   text[],
    p_release_keys     text[]
) RETURNS TABLE (first_position bigint, last_position bigint, event_ids text[], result json, replayed boolean)
LANGUAGE plpgsql AS $$
DECLARE
    head_pos    bigint;
    head_hash   bytea;
    cur_version bigint;
    n           integer := coalesce(array_length(p_event_ids, 1), 0);
    i           integer;
    h           bytea;
    prior       idempotency%ROWTYPE;
BEGIN
    IF n = 0 THEN
        RAISE EXCEPTION 'ledger_append: no events' USING ERRCODE = 'AL005';
    END IF;
    SELECT position, hash INTO head_pos, head_hash FROM ledger_head FOR UPDATE;

    IF p_idempotency_key <> '' THEN
        SELECT * INTO prior FROM idempotency WHERE key = p_idempotency_key;
        IF FOUND THEN
            IF prior.fingerprint <> p_fingerprint THEN
                RAISE EXCEPTION 'idempotency key % was used for a different request', p_idempotency_key
                    USING ERRCODE = 'AL002';
            END IF;
            RETURN QUERY SELECT prior.position - array_length(prior.event_ids, 1) + 1,
                                prior.position, prior.event_ids, prior.result, true;
            RETURN;
        END IF;
    END IF;

    SELECT coalesce(max(stream_version), 0) INTO cur_version FROM events WHERE stream_id = p_stream_id;
    IF cur_version <> p_expected_version THEN
        RAISE EXCEPTION 'stream % is at version %, expected %', p_stream_id, cur_version, p_expected_version
            USING ERRCODE = 'AL001', DETAIL = cur_version::text;
    END IF;

    FOR i IN 1 .. coalesce(array_length(p_entity_ids, 1), 0) LOOP
        INSERT INTO entities (entity_id, kind, stream_id, position)
            VALUES (p_entity_ids[i], p_entity_kinds[i], p_stream_id, head_pos + 1)
            ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'id % is already in use', p_entity_ids[i]
                USING ERRCODE = 'AL004', DETAIL = p_entity_ids[i];
        END IF;
    END LOOP;

    FOR i IN 1 .. coalesce(array_length(p_release_scopes, 1), 0) LOOP
        DELETE FROM natural_keys WHERE scope = p_release_scopes[i] AND key = p_release_keys[i];
    END LOOP;
    FOR i IN 1 .. coalesce(array_length(p_claim_scopes, 1), 0) LOOP
        INSERT INTO natural_keys (scope, key, entity_id)
            VALUES (p_claim_scopes[i], p_claim_keys[i], p_claim_entities[i])
            ON CONFLICT DO NOTHING;
        IF NOT FOUND THEN
            RAISE EXCEPTION '% % is already recorded', p_claim_scopes[i], p_claim_keys[i]
                USING ERRCODE = 'AL003', DETAIL = p_claim_scopes[i],
                      HINT = (SELECT entity_id FROM natural_keys WHERE scope = p_claim_scopes[i] AND key = p_claim_keys[i]);
        END IF;
    END LOOP;

    FOR i IN 1 .. n LOOP
        head_pos := head_pos + 1;
        h := sha256(head_hash || int8send(head_pos) || p_canonicals[i]);
        INSERT INTO events (position, event_id, stream_id, stream_version, type, schema_version,
                            recorded_at, donor_code, partner_code, actor, idempotency_key,
                            correlation_id, causation_id, payload, prev_hash, hash)
            VALUES (head_pos, p_event_ids[i], p_stream_id, cur_version + i, p_types[i], p_schema_versions[i],
                    p_recorded_at, p_donor_code, p_partner_code, p_actor, p_idempotency_key,
                    p_correlation_id, p_causation_id, p_payloads[i]::json, head_hash, h);
        head_hash := h;
    END LOOP;

    UPDATE ledger_head SET position = head_pos, hash = head_hash;
    IF p_idempotency_key <> '' THEN
        INSERT INTO idempotency (key, fingerprint, result, position, event_ids, recorded_at)
            VALUES (p_idempotency_key, p_fingerprint, p_result, head_pos, p_event_ids, p_recorded_at);
    END IF;
    PERFORM pg_notify('ledger_appended', head_pos::text);

    RETURN QUERY SELECT head_pos - n + 1, head_pos, p_event_ids, p_result, false;
END $$;

DROP TABLE streams;
