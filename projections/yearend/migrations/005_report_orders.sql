-- report_orders: each donor's order of its pairings in the year-end
-- summary (ReportOrderSet) as set at a position; a report reads the latest
-- at or before its own position.
CREATE TABLE report_orders (
    position    bigint PRIMARY KEY,
    donor_code  text COLLATE "C" NOT NULL,
    pairing_ids json NOT NULL  -- ["pairing id", …]
);
CREATE INDEX report_orders_donor ON report_orders (donor_code, position);
