-- Sign-in throttling replaces the hard lock of an account, which anyone
-- could trigger for any login: consecutive failures are counted per login
-- (whether it exists or not, so the answer tells nothing) and per source
-- address; from the MaxFailures-th on, each next attempt must wait, the
-- wait doubling (auth.throttle). A success, or FailureMemory without a
-- failure, forgets them.
CREATE TABLE sign_in_failures (
    key      text        PRIMARY KEY,  -- 'login:<login>' or 'address:<source address>'
    failures integer     NOT NULL CHECK (failures > 0),
    last_at  timestamptz NOT NULL,
    retry_at timestamptz               -- no attempt before this (NULL: none due)
);
ALTER TABLE users DROP COLUMN failed_attempts;
ALTER TABLE users DROP COLUMN locked_until;
