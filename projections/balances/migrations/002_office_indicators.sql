-- The office indicators: labour transfers, enterprise investment,
-- trainings, agreements, co-built parks, assistance workshops; secondments
-- by direction; visits led by the principal leader.

-- Counters by the year an entry counts in (a labour transfer: the end of
-- its period; an investment: the date invested; a training: its last day;
-- an agreement: the day signed; a park or workshop: the day established,
-- and for its reported figures the last report dated in the year).
ALTER TABLE pairing_years
    ADD COLUMN labour_persons          bigint NOT NULL DEFAULT 0, -- net of entry errors
    ADD COLUMN labour_poverty_persons  bigint NOT NULL DEFAULT 0,
    ADD COLUMN labour_donor_area       bigint NOT NULL DEFAULT 0, -- persons, by destination
    ADD COLUMN labour_other_east       bigint NOT NULL DEFAULT 0,
    ADD COLUMN labour_near_home        bigint NOT NULL DEFAULT 0,
    ADD COLUMN labour_trainees         bigint NOT NULL DEFAULT 0,
    ADD COLUMN investments             bigint NOT NULL DEFAULT 0, -- investment records, net of wholly reversed entry errors
    ADD COLUMN investment_fen          bigint NOT NULL DEFAULT 0, -- gross
    ADD COLUMN investment_reversed_fen bigint NOT NULL DEFAULT 0, -- entry_error in the original's year, funds_returned in its own
    ADD COLUMN investment_jobs         bigint NOT NULL DEFAULT 0,
    ADD COLUMN investment_poverty_jobs bigint NOT NULL DEFAULT 0,
    ADD COLUMN trainings               bigint NOT NULL DEFAULT 0,
    ADD COLUMN trainees_cadre          bigint NOT NULL DEFAULT 0, -- participants (人次), by kind
    ADD COLUMN trainees_technical      bigint NOT NULL DEFAULT 0,
    ADD COLUMN trainees_labour_skills  bigint NOT NULL DEFAULT 0,
    ADD COLUMN agreements              bigint NOT NULL DEFAULT 0,
    ADD COLUMN parks                   bigint NOT NULL DEFAULT 0, -- established in the year
    ADD COLUMN park_enterprises        bigint NOT NULL DEFAULT 0, -- cumulative, as of the year's last report of each park
    ADD COLUMN park_investment_fen     bigint NOT NULL DEFAULT 0,
    ADD COLUMN park_output_fen         bigint NOT NULL DEFAULT 0,
    ADD COLUMN park_returns_fen        bigint NOT NULL DEFAULT 0,
    ADD COLUMN workshops               bigint NOT NULL DEFAULT 0, -- established in the year
    ADD COLUMN workshop_employed       bigint NOT NULL DEFAULT 0, -- as of the year's last report of each workshop
    ADD COLUMN workshop_poverty_employed bigint NOT NULL DEFAULT 0,
    ADD COLUMN staff_inbound           bigint NOT NULL DEFAULT 0, -- persons received from the partner side, started in the year
    ADD COLUMN visits_principal        bigint NOT NULL DEFAULT 0; -- visits led by the principal leader

-- indicators: one row per labour transfer, investment, training,
-- agreement, park or workshop — and per visit led by the principal leader
-- — with what it added to pairing_years, so that a reversal takes it back.
CREATE TABLE indicators (
    entity_id    text COLLATE "C" PRIMARY KEY,
    kind         text   NOT NULL,
    pairing_ids  text[] COLLATE "C" NOT NULL,
    year         int    NOT NULL,  -- the year it counts in
    amount_fen   bigint NOT NULL,  -- investments: the amount invested
    reversed_fen bigint NOT NULL,  -- investments: reversed so far
    counts       json   NOT NULL,  -- pairing_years column → what it added in year, for each of its pairings
    reports      json   NOT NULL,  -- parks and workshops: year → column → the year's last report
    reversed     boolean NOT NULL  -- taken back wholly
) WITH (fillfactor = 80);

-- secondments: which way the person went (inbound ones count apart).
ALTER TABLE secondments ADD COLUMN direction text NOT NULL DEFAULT 'outbound';
