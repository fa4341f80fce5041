-- E-mails sent about derogations: one row per derogation, kind (an action waits for someone;
-- a deadline comes near) and threshold (the state waited in; 90, 30 or 7 days). The unique key
-- makes each one sent once, whatever the number of instances. `sent_at` is NULL while an
-- instance sends it (claimed); a failed send deletes its claim so the next sweep tries again.
CREATE TABLE notifications (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    derogation_id INTEGER NOT NULL REFERENCES derogations(id),
    kind          TEXT NOT NULL,
    threshold     TEXT NOT NULL,
    recipients    TEXT NOT NULL,
    subject       TEXT NOT NULL,
    claimed_at    TEXT NOT NULL,
    sent_at       TEXT,
    UNIQUE (derogation_id, kind, threshold)
);

-- Documents attached to a derogation (PDF), kept in the registry with their SHA-256.
CREATE TABLE derogation_attachments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    derogation_id INTEGER NOT NULL REFERENCES derogations(id),
    name          TEXT NOT NULL,
    media_type    TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    content       BLOB NOT NULL,
    uploaded_at   TEXT NOT NULL,
    uploaded_by   TEXT NOT NULL
);
CREATE INDEX derogation_attachments_derogation ON derogation_attachments (derogation_id, id);
