-- The lists of a pairing's commitments and projects (CommitmentList,
-- ProjectList) read through indexes instead of every row: a platform
-- holds the commitments and projects of hundreds of pairings.
CREATE INDEX projects_pairing ON projects (pairing_id);
CREATE INDEX commitments_pairing ON commitments (pairing_id);

-- A commitment of several pairings is listed for each pairing its shares
-- name. The names are kept beside the shares (share_pairings, computed by
-- the database from them on every write) so that an index can find them;
-- the index holds only the commitments that have shares.
CREATE FUNCTION pairings_of_shares(shares json) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN ARRAY(SELECT s->>'pairing_id' FROM json_array_elements(shares) AS s);
ALTER TABLE commitments ADD COLUMN share_pairings text[] GENERATED ALWAYS AS (pairings_of_shares(shares)) STORED;
CREATE INDEX commitments_share_pairings ON commitments USING gin (share_pairings) WHERE share_pairings IS NOT NULL;
