-- Event counts per type and per donor, with sums that change if any event
-- is applied twice or missed.
CREATE TABLE type_counts (
    event_type    text   PRIMARY KEY,
    events        bigint NOT NULL,
    position_sum  bigint NOT NULL,
    last_position bigint NOT NULL
);

CREATE TABLE donor_counts (
    donor_code   text   PRIMARY KEY,
    events       bigint NOT NULL,
    amount_fen   bigint NOT NULL,
    position_sum bigint NOT NULL
);
