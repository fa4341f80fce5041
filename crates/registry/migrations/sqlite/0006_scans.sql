-- Inventories of a project's infrastructure code (`nuage scan --format json`), append-only:
-- what the code really deploys, beside what the dossier says.
CREATE TABLE scans (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id  INTEGER NOT NULL REFERENCES projects(id),
    ministry_id INTEGER NOT NULL REFERENCES organisations(id),
    resources   INTEGER NOT NULL,
    findings    INTEGER NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
);
CREATE INDEX scans_project ON scans (project_id, id);
