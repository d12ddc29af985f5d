-- The transparency log: an RFC 6962 Merkle tree over the event log, one
-- leaf per event (leaf index = position - 1), kept beside the log so that
-- any event can be proven included in a signed checkpoint and any later
-- tree proven to extend an earlier one (events/transparency).

-- tree_hashes: the tree's stored hashes, in the storage layout of
-- golang.org/x/mod/sumdb/tlog (index → hash); written once, never changed.
CREATE TABLE tree_hashes (
    idx  bigint PRIMARY KEY CHECK (idx >= 0),
    hash bytea  NOT NULL CHECK (length(hash) = 32)
);

-- tree_head: how many events the tree holds. Every extension locks it.
CREATE TABLE tree_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    size      bigint  NOT NULL CHECK (size >= 0)
);
INSERT INTO tree_head (size) VALUES (0);

-- checkpoints: every checkpoint the ledger signed (a C2SP signed note over
-- origin, tree size and root hash), with the key outside the database.
CREATE TABLE checkpoints (
    size      bigint      PRIMARY KEY CHECK (size > 0),
    root      bytea       NOT NULL CHECK (length(root) = 32),
    note      text        NOT NULL,
    signed_at timestamptz NOT NULL DEFAULT now()
);

-- checkpoint_cosignatures: witnesses' signatures over a checkpoint, each
-- having verified that the tree extends the last one it saw.
CREATE TABLE checkpoint_cosignatures (
    size        bigint      NOT NULL REFERENCES checkpoints (size),
    witness     text        NOT NULL, -- the witness key's name
    key         text        NOT NULL, -- its verifier key
    signature   text        NOT NULL, -- the note signature line
    actor       text        NOT NULL, -- who posted it
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (size, witness)
);
