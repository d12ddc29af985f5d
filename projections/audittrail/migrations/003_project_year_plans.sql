-- Projects by year: a project's annual investment plan is a relation of
-- the project (relation 'year_plan').
ALTER TABLE audittrail DROP CONSTRAINT audittrail_relation_check;
ALTER TABLE audittrail ADD CONSTRAINT audittrail_relation_check
    CHECK (relation IN ('reversal', 'adjustment', 'receipt', 'progress', 'end', 'report', 'year_plan'));
