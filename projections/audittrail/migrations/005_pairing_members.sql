-- members: each pairing of a row that names several (a visit of two
-- pairings, a commitment shared among a programme's pairings), so that the
-- audit trail filtered by pairing reads them in position order from a
-- btree; through the array's GIN index Postgres would walk the primary key
-- of the whole log to find the few such rows of one pairing.
CREATE TABLE members (
    pairing_id text COLLATE "C" NOT NULL,
    position   bigint NOT NULL,
    PRIMARY KEY (pairing_id, position)
);
INSERT INTO members (pairing_id, position)
SELECT DISTINCT p, a.position FROM audittrail a, unnest(a.pairing_ids) AS p WHERE cardinality(a.pairing_ids) > 1;
