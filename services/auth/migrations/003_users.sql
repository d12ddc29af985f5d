-- Local user accounts for the web interface: roles and scopes as for API
-- tokens. Passwords are stored as argon2id hashes (PHC strings); after
-- repeated failures an account is locked for a while.
CREATE TABLE users (
    login           text        PRIMARY KEY CHECK (length(login) BETWEEN 1 AND 64),
    name            text        NOT NULL CHECK (name <> ''),
    role            text        NOT NULL CHECK (role IN ('admin', 'recorder', 'auditor', 'partner')),
    donor_code      text        NOT NULL DEFAULT '',
    partner_code    text        NOT NULL DEFAULT '',
    password_hash   text        NOT NULL,
    failed_attempts integer     NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    disabled_at     timestamptz,
    CHECK (role <> 'recorder' OR donor_code <> ''),
    CHECK (role <> 'partner' OR partner_code <> '')
);

-- Web sessions. Only the SHA-256 of the cookie's token is stored; each
-- session has its own CSRF token, which every form carries.
CREATE TABLE sessions (
    token_hash   bytea       PRIMARY KEY,
    login        text        NOT NULL REFERENCES users,
    csrf_token   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    ended_at     timestamptz
);
CREATE INDEX sessions_login ON sessions (login);
