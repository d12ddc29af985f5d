-- Projects by year (docs/domain.md §9.1): a project's start and completion
-- dates and its annual investment plans, from which the rows of the
-- calendar-year figures are counted; and staff in post: a secondment's
-- end, which a reversal of it takes back.
ALTER TABLE projects ADD COLUMN started_on date;
ALTER TABLE projects ADD COLUMN completed_on date;
ALTER TABLE projects ADD COLUMN plans json NOT NULL DEFAULT '{}';  -- year → planned fen (never 0)
ALTER TABLE secondments ADD COLUMN ended_on date;

ALTER TABLE contributions DROP CONSTRAINT contributions_figure_check;
ALTER TABLE contributions ADD CONSTRAINT contributions_figure_check CHECK (figure IN (
    'visits', 'staff_cadre', 'staff_teacher', 'staff_doctor', 'staff_agronomist', 'staff_technician',
    'fiscal_disbursed_fen', 'fiscal_committed_fen', 'receipts_confirmed_fen',
    'projects_registered', 'projects_completed', 'planned_investment_fen', 'completed_investment_fen',
    'social_cash_fen', 'social_in_kind_fen', 'purchases_fen', 'sales_fen',
    'staff_inbound', 'visits_led_by_principal', 'labour_persons', 'labour_poverty_persons',
    'investment_records', 'investment_fen', 'investment_jobs', 'investment_poverty_jobs',
    'trainings', 'training_participants', 'agreements', 'parks', 'park_enterprises', 'park_investment_fen',
    'park_returns_fen', 'workshops', 'workshop_employed', 'workshop_poverty_employed',
    'projects_started', 'projects_finished', 'year_planned_fen', 'year_invested_fen',
    'year_planned_projects', 'year_planned_started',
    'staff_left', 'staff_anniversary', 'staff_left_after_year'));

-- The rows of earlier years a report reads to count the projects
-- continuing into its year (续建) and the staff in post in it (在岗, 一年以上).
CREATE INDEX contributions_earlier ON contributions (donor_code, year)
    WHERE figure IN ('projects_started', 'projects_finished', 'staff_cadre', 'staff_teacher', 'staff_doctor',
                     'staff_agronomist', 'staff_technician', 'staff_left', 'staff_anniversary', 'staff_left_after_year');

-- targets: every AnnualTargetsSet, so that a report at a position states
-- the targets set by then (the latest for its pairing and year).
CREATE TABLE targets (
    position   bigint NOT NULL,
    pairing_id text COLLATE "C" NOT NULL,
    donor_code text COLLATE "C" NOT NULL,
    year       int    NOT NULL,
    targets    json   NOT NULL,  -- events.Targets
    PRIMARY KEY (position, pairing_id)
);
CREATE INDEX targets_donor_year ON targets (donor_code, year, pairing_id, position);

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
