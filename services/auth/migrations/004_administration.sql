-- Administration of tokens and users: a token has an id (shown in lists,
-- used to revoke it; never the secret), an expiry, the time it was last
-- used, and who created and revoked it; a user the time of the last
-- sign-in.
ALTER TABLE api_tokens
    ADD COLUMN id           text,
    ADD COLUMN expires_at   timestamptz,
    ADD COLUMN last_used_at timestamptz,
    ADD COLUMN created_by   text NOT NULL DEFAULT '',
    ADD COLUMN revoked_by   text NOT NULL DEFAULT '';
UPDATE api_tokens SET id = upper(substr(encode(token_hash, 'hex'), 1, 26));
ALTER TABLE api_tokens ALTER COLUMN id SET NOT NULL, ADD CONSTRAINT api_tokens_id UNIQUE (id);

ALTER TABLE users ADD COLUMN last_sign_in_at timestamptz;
