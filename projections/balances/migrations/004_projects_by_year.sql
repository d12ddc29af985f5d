-- Projects by year: a project's tier, its start (开工) and completion (竣工)
-- dates as its latest report gives them (events.ProjectDates), and its
-- annual investment plans.
ALTER TABLE projects ADD COLUMN tier text NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN started_on date;
ALTER TABLE projects ADD COLUMN completed_on date;
ALTER TABLE projects ADD COLUMN year_plans json NOT NULL DEFAULT '{}';  -- year → planned fen (never 0)

-- Events recorded before this release now count in the new columns and
-- figures: empty the read model and move its checkpoint back to 0, so that
-- the projector rebuilds it from the stream (as `aidledger replay` would).
DO $$
BEGIN
    EXECUTE (SELECT 'TRUNCATE ' || string_agg(format('%I', tablename), ', ')
             FROM pg_tables
             WHERE schemaname = current_schema() AND tablename NOT IN ('checkpoint', 'schema_version'));
END $$;
UPDATE checkpoint SET position = 0,
    hash = '\x0000000000000000000000000000000000000000000000000000000000000000';
