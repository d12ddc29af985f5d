-- The office indicators: parks and workshops are reported on (relation
-- 'report'), like projects are.
ALTER TABLE audittrail DROP CONSTRAINT audittrail_relation_check;
ALTER TABLE audittrail ADD CONSTRAINT audittrail_relation_check
    CHECK (relation IN ('reversal', 'adjustment', 'receipt', 'progress', 'end', 'report'));
