-- A draft remembers the project it became (or the project it edits) and the dossier version it
-- started from: saving it again adds a version to that project instead of creating another,
-- and a concurrent change of the project is refused (expected version).
ALTER TABLE drafts ADD COLUMN project_id INTEGER REFERENCES projects(id);
ALTER TABLE drafts ADD COLUMN base_version INTEGER;
