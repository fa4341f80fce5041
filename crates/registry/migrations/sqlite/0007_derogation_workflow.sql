-- The derogation workflow comes from the doctrine: who decides, in order, is stored with each
-- derogation (JSON array of approvers, as the assessment that opened it gave them; NULL for
-- derogations recorded before: the minister, then the Prime Minister's validation).
ALTER TABLE derogations ADD COLUMN approvers TEXT;
-- « Offre acceptable » is a judgement: the catalog's first fitting trusted offer is a
-- suggestion, recorded here; `deadline` is set only when a person confirms one.
ALTER TABLE derogations ADD COLUMN suggested_deadline TEXT;
ALTER TABLE derogations ADD COLUMN suggested_deadline_source TEXT;
