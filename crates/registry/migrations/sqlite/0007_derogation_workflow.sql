-- The derogation workflow comes from the doctrine.
--
-- * `approvers`: who decides, in order (JSON array, as the assessment that opened the derogation
--   gave them; NULL for derogations recorded before: the minister, then the Prime Minister).
-- * `suggested_deadline`, `suggested_deadline_source`: « offre acceptable » is a judgement; the
--   catalog's first fitting trusted offer is a suggestion, `deadline` is set only when a person
--   confirms one.
-- * `kind` gains `r9_equivalent_guarantees` (the FAQ's derogation on proof of guarantees).
--
-- SQLite cannot change a CHECK constraint: both tables are copied aside, rebuilt and refilled
-- (the events first dropped, so that no foreign key points at the table being replaced).
CREATE TABLE derogations_copy AS SELECT * FROM derogations;
CREATE TABLE derogation_events_copy AS SELECT * FROM derogation_events;
DROP TABLE derogation_events;
DROP TABLE derogations;

CREATE TABLE derogations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id      INTEGER NOT NULL REFERENCES projects(id),
    ministry_id     INTEGER NOT NULL REFERENCES organisations(id),
    kind            TEXT NOT NULL CHECK (kind IN ('r9_transitional', 'r7_no_cloud', 'office_suite',
                        'r9_equivalent_guarantees')),
    state           TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved_by_minister',
                        'validated_by_prime_minister', 'active', 'expired', 'refused')),
    justification   TEXT NOT NULL,
    deadline        TEXT,
    -- Where the deadline comes from: `dossier` (declared date) or `confirmed by NAME`.
    deadline_source TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    approvers       TEXT,
    suggested_deadline TEXT,
    suggested_deadline_source TEXT
);
INSERT INTO derogations (id, project_id, ministry_id, kind, state, justification, deadline,
    deadline_source, created_at, updated_at)
    SELECT id, project_id, ministry_id, kind, state, justification, deadline, deadline_source,
        created_at, updated_at FROM derogations_copy;
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
INSERT INTO derogation_events (id, derogation_id, from_state, to_state, actor, role, at, reason,
    documents)
    SELECT id, derogation_id, from_state, to_state, actor, role, at, reason, documents
    FROM derogation_events_copy;
CREATE INDEX derogation_events_derogation ON derogation_events (derogation_id, id);

DROP TABLE derogation_events_copy;
DROP TABLE derogations_copy;
