-- The log as recorded at an instant (summary.PositionRecordedBy: the last
-- position recorded by then). recorded_at rises with the position, so a
-- block-range index — a few kilobytes for a million events, next to
-- nothing per append — finds the early part of the log an old instant
-- needs without walking the whole log back from its head.
CREATE INDEX events_recorded_at ON events USING brin (recorded_at);
