-- Derogations and their workflow: draft → submitted → approved_by_minister →
-- validated_by_prime_minister → active → expired, or refused (from submitted or approved).
CREATE TABLE derogations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id      INTEGER NOT NULL REFERENCES projects(id),
    ministry_id     INTEGER NOT NULL REFERENCES organisations(id),
    kind            TEXT NOT NULL CHECK (kind IN ('r9_transitional', 'r7_no_cloud', 'office_suite')),
    state           TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved_by_minister',
                        'validated_by_prime_minister', 'active', 'expired', 'refused')),
    justification   TEXT NOT NULL,
    deadline        TEXT,
    -- Where the deadline comes from: `dossier` (declared date) or `catalog:OFFER@VERSION`.
    deadline_source TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX derogations_project ON derogations (project_id, id);
CREATE INDEX derogations_ministry ON derogations (ministry_id, state, deadline);

CREATE TABLE derogation_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    derogation_id INTEGER NOT NULL REFERENCES derogations(id),
    from_state    TEXT,
    to_state      TEXT NOT NULL,
    actor         TEXT NOT NULL,
    role          TEXT NOT NULL,
    at            TEXT NOT NULL,
    reason        TEXT,
    -- JSON array of document references (file names, URLs, registry numbers).
    documents     TEXT NOT NULL
);
CREATE INDEX derogation_events_derogation ON derogation_events (derogation_id, id);
