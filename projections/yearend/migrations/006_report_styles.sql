-- report_styles: how each donor's year-end summary is written by default
-- (ReportStyleSet) as set at a position; a report reads the latest at or
-- before its own position.
CREATE TABLE report_styles (
    position   bigint PRIMARY KEY,
    donor_code text COLLATE "C" NOT NULL,
    paragraph  text NOT NULL,
    lead       text NOT NULL
);
CREATE INDEX report_styles_donor ON report_styles (donor_code, position);
