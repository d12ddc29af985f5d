-- Projects by year: a project's tier, its start (开工) and completion (竣工)
-- dates as its latest report gives them (events.ProjectDates), and its
-- annual investment plans.
ALTER TABLE projects ADD COLUMN tier text NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN started_on date;
ALTER TABLE projects ADD COLUMN completed_on date;
ALTER TABLE projects ADD COLUMN year_plans json NOT NULL DEFAULT '{}';  -- year → planned fen (never 0)
