-- targets: each pairing's annual targets (年度目标任务), the latest set for
-- the year. Plans, never results: no figure counts them.
CREATE TABLE targets (
    pairing_id text COLLATE "C" NOT NULL,
    year       int  NOT NULL,
    targets    json NOT NULL,
    PRIMARY KEY (pairing_id, year)
);
