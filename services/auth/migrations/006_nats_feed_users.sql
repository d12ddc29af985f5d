-- nats_feed_users: the NATS accounts of partner counties' live feeds. Each
-- may only subscribe to its county's events (aid.*.<code>.>). The password
-- is kept as a bcrypt hash, the form nats-server checks (the embedded
-- server loads these; an external one is given the same hash in its
-- configuration). Revoked users stay listed.
CREATE TABLE nats_feed_users (
    name          text        PRIMARY KEY,
    partner_code  text        NOT NULL,
    password_hash text        NOT NULL,
    created_by    text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz
);
CREATE UNIQUE INDEX nats_feed_users_live ON nats_feed_users (partner_code) WHERE revoked_at IS NULL;
