-- Commitments of several pairings of one programme: their allocation, and
-- on their first pairing's year the part not yet allocated to any. No
-- event recorded before this release has shares, so nothing is rebuilt.
ALTER TABLE commitments ADD COLUMN shares json;
ALTER TABLE pairing_years ADD COLUMN unallocated_fen bigint NOT NULL DEFAULT 0;
