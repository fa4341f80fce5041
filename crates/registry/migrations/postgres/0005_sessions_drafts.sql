-- Browser sessions: only a hash of the cookie's secret is kept; the CSRF token is bound to the
-- session. Times are Unix seconds so that expiry compares as numbers on both databases.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    csrf       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Questionnaire drafts: the answers so far, as JSON. The id is a random secret (it is the
-- draft's address); a draft started before login has no owner until it becomes a project.
CREATE TABLE drafts (
    id         TEXT PRIMARY KEY,
    user_id    BIGINT REFERENCES users(id),
    answers    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX drafts_user ON drafts (user_id, updated_at);
