-- The derogation workflow comes from the doctrine.
--
-- * `approvers`: who decides, in order (JSON array, as the assessment that opened the derogation
--   gave them; NULL for derogations recorded before: the minister, then the Prime Minister).
-- * `suggested_deadline`, `suggested_deadline_source`: « offre acceptable » is a judgement; the
--   catalog's first fitting trusted offer is a suggestion, `deadline` is set only when a person
--   confirms one.
-- * `kind` gains `r9_equivalent_guarantees` (the FAQ's derogation on proof of guarantees).
ALTER TABLE derogations ADD COLUMN approvers TEXT;
ALTER TABLE derogations ADD COLUMN suggested_deadline TEXT;
ALTER TABLE derogations ADD COLUMN suggested_deadline_source TEXT;
ALTER TABLE derogations DROP CONSTRAINT derogations_kind_check;
ALTER TABLE derogations ADD CONSTRAINT derogations_kind_check CHECK (kind IN
    ('r9_transitional', 'r7_no_cloud', 'office_suite', 'r9_equivalent_guarantees'));
