-- Shared commitments: the allocation of a commitment of several pairings
-- is a relation of the commitment ('allocation').
ALTER TABLE audittrail DROP CONSTRAINT audittrail_relation_check;
ALTER TABLE audittrail ADD CONSTRAINT audittrail_relation_check
    CHECK (relation IN ('reversal', 'adjustment', 'receipt', 'progress', 'end', 'report', 'year_plan', 'allocation'));
