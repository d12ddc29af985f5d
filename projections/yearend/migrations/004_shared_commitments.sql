-- Commitments of several pairings of one programme: their allocation, and
-- the part not yet allocated to any (a figure of the programme and the
-- donor, never of a pairing). No event recorded before this release has
-- shares, so nothing is rebuilt.
ALTER TABLE commitments ADD COLUMN shares json;

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
    'staff_left', 'staff_anniversary', 'staff_left_after_year', 'fiscal_unallocated_fen'));
