-- Organisations: ministries, and operators placed under a ministry.
CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL CHECK (kind IN ('ministry', 'operator')),
    name        TEXT NOT NULL UNIQUE,
    ministry_id INTEGER REFERENCES organisations(id),
    created_at  TEXT NOT NULL
);

CREATE TABLE projects (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    ministry_id     INTEGER NOT NULL REFERENCES organisations(id),
    name            TEXT NOT NULL,
    current_version INTEGER NOT NULL,
    hosting_kind    TEXT NOT NULL,
    sensitivity     TEXT NOT NULL,
    procedure       TEXT NOT NULL,
    verdict         TEXT NOT NULL,
    full_cost_cents INTEGER NOT NULL,
    obstacles       TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX projects_ministry ON projects (ministry_id, id);
CREATE INDEX projects_organisation ON projects (organisation_id, id);

CREATE TABLE dossier_versions (
    project_id INTEGER NOT NULL REFERENCES projects(id),
    version    INTEGER NOT NULL,
    format     TEXT NOT NULL,
    source     TEXT NOT NULL,
    hash       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (project_id, version)
);

-- Append-only: rows are never updated nor deleted.
CREATE TABLE assessments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id      INTEGER NOT NULL REFERENCES projects(id),
    dossier_version INTEGER NOT NULL,
    dossier_hash    TEXT NOT NULL,
    edition         TEXT NOT NULL,
    catalog_version TEXT NOT NULL,
    assessed_on     TEXT NOT NULL,
    verdict         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    FOREIGN KEY (project_id, dossier_version) REFERENCES dossier_versions (project_id, version)
);
CREATE INDEX assessments_project ON assessments (project_id, id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    ministry_id INTEGER,
    before      TEXT,
    after       TEXT
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id, id);
