-- The office indicators (docs/domain.md §5.4a): what a reversal of one, and
-- a park's or workshop's next report, need to know of it.
CREATE TABLE indicators (
    entity_id    text COLLATE "C" PRIMARY KEY,
    kind         text   NOT NULL,  -- labour_transfer, investment, training, agreement, park, workshop, visit (led by the principal leader)
    pairing_ids  text[] COLLATE "C" NOT NULL,
    decided_on   date   NOT NULL,  -- the date it counts on
    document_no  text   NOT NULL,
    amount_fen   bigint NOT NULL,  -- investments
    reversed_fen bigint NOT NULL,
    counts       json   NOT NULL,  -- figure → what it contributed on decided_on, for each of its pairings
    reports      json   NOT NULL,  -- a site's reports: [{as_of, delta: figure → change}] as contributed
    reversed     boolean NOT NULL
) WITH (fillfactor = 80);

-- secondments: a person received from the partner side counts apart.
ALTER TABLE secondments ADD COLUMN inbound boolean NOT NULL DEFAULT false;

-- contributions: the office indicators' figures, and staff and visits
-- counted apart.
ALTER TABLE contributions DROP CONSTRAINT contributions_figure_check;
ALTER TABLE contributions ADD CONSTRAINT contributions_figure_check CHECK (figure IN (
    'visits', 'staff_cadre', 'staff_teacher', 'staff_doctor', 'staff_agronomist', 'staff_technician',
    'fiscal_disbursed_fen', 'fiscal_committed_fen', 'receipts_confirmed_fen',
    'projects_registered', 'projects_completed', 'planned_investment_fen', 'completed_investment_fen',
    'social_cash_fen', 'social_in_kind_fen', 'purchases_fen', 'sales_fen',
    'staff_inbound', 'visits_led_by_principal', 'labour_persons', 'labour_poverty_persons',
    'investment_records', 'investment_fen', 'investment_jobs', 'investment_poverty_jobs',
    'trainings', 'training_participants', 'agreements', 'parks', 'park_enterprises', 'park_investment_fen',
    'park_returns_fen', 'workshops', 'workshop_employed', 'workshop_poverty_employed'));
