-- Accounts with a lifecycle: the e-mail an account was opened with (kept once the account is
-- bound to the identity provider's subject at the first verified login), and when it was
-- disabled (a disabled account neither logs in nor uses its tokens).
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN disabled_at TEXT;
UPDATE users SET email = substr(subject, 7) WHERE subject LIKE 'email:%';

-- API tokens with a scope, an expiry and their last use. Times are Unix seconds, compared as
-- numbers. Tokens issued before this migration expire 90 days after it.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'write' CHECK (scope IN ('read', 'write'));
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
ALTER TABLE api_tokens ADD COLUMN last_used_at INTEGER;
UPDATE api_tokens SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) + 90 * 86400
    WHERE expires_at IS NULL;
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

-- Organisation names: a ministry's unique among ministries, an operator's unique within its
-- ministry (not across ministries: a refusal must not reveal another ministry's operator).
-- SQLite cannot drop a column's UNIQUE constraint: the table is rebuilt (foreign keys are
-- off while migrations run, and checked before they commit).
CREATE TABLE organisations_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL CHECK (kind IN ('ministry', 'operator')),
    name        TEXT NOT NULL,
    ministry_id INTEGER REFERENCES organisations(id),
    created_at  TEXT NOT NULL
);
INSERT INTO organisations_new (id, kind, name, ministry_id, created_at)
    SELECT id, kind, name, ministry_id, created_at FROM organisations;
DROP TABLE organisations;
ALTER TABLE organisations_new RENAME TO organisations;
CREATE UNIQUE INDEX organisations_ministry_name ON organisations (name) WHERE kind = 'ministry';
CREATE UNIQUE INDEX organisations_operator_name ON organisations (ministry_id, name) WHERE kind = 'operator';

-- Drafts expire when left untouched: the sweep reads them by age.
CREATE INDEX drafts_updated ON drafts (updated_at);

-- Scans: a summary made at upload (counts by provider, offer and region, the first findings),
-- so that pages and lists never read the inventory itself.
ALTER TABLE scans ADD COLUMN summary TEXT;
