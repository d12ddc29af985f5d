-- API tokens. Only the SHA-256 of a token is stored: tokens are 256-bit
-- random strings, so a fast hash is enough and a stolen table reveals none.
CREATE TABLE api_tokens (
    token_hash   bytea       PRIMARY KEY,
    name         text        NOT NULL,
    role         text        NOT NULL CHECK (role IN ('admin', 'recorder', 'auditor', 'partner')),
    donor_code   text        NOT NULL DEFAULT '',
    partner_code text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    CHECK (role <> 'recorder' OR donor_code <> ''),
    CHECK (role <> 'partner' OR partner_code <> '')
);
