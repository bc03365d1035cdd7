-- Fachwerk's state: accounts, sessions, API tokens, drafts, publication requests, template
-- sources. One file for SQLite and PostgreSQL: only TEXT, BIGINT and BOOLEAN columns, partial
-- indexes and CHECK constraints, which both understand alike. Times are RFC 3339 UTC text
-- ("2026-11-26T20:11:00Z", sortable as text) or Unix seconds where they are compared.
-- JSON documents (workflows, diffs, catalogue summaries) are TEXT: the server reads them whole.

-- Rows that serialize a group of writes: a transaction that must check-then-write (the last
-- admin, for example) first updates its row, which PostgreSQL locks until commit.
CREATE TABLE fachwerk_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO fachwerk_meta (key, value) VALUES ('accounts-lock', '');

-- Accounts have a stable id: drafts, requests and sources point at the id, never at the name.
-- A deleted account stays (what it owned still names it) but cannot log in, and its name is
-- free for a new account with a new id, which inherits nothing.
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('editor', 'reviewer', 'admin')),
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    created_by TEXT REFERENCES accounts (id),
    password_changed_at TEXT,
    deleted_at TEXT
);
CREATE UNIQUE INDEX accounts_live_name ON accounts (name) WHERE deleted_at IS NULL;

-- Login sessions, keyed by the SHA-256 of the session cookie.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_unix BIGINT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expiry ON sessions (expires_unix);

-- API tokens, stored as the SHA-256 of the secret (shown once at creation).
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_unix BIGINT,
    last_used_at TEXT
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

-- Drafts; `revision` grows by one per save (the HTTP ETag). The workflow key and the template
-- lineage are copied out of the workflow JSON so they can be queried.
CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES accounts (id),
    revision BIGINT NOT NULL CHECK (revision >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    based_on_key TEXT,
    based_on_version TEXT,
    workflow_key TEXT NOT NULL,
    lineage_source TEXT,
    lineage_key TEXT,
    lineage_version TEXT,
    lineage_commit TEXT,
    workflow TEXT NOT NULL
);
CREATE INDEX drafts_owner ON drafts (owner_id, updated_at);
CREATE INDEX drafts_lineage ON drafts (lineage_source, lineage_key) WHERE lineage_source IS NOT NULL;

-- Four-eyes publication requests with a snapshot of the workflow. `published_*` records where
-- the catalogue has the version (commit and tag); a tag is recorded for one request only.
CREATE TABLE publication_requests (
    id TEXT PRIMARY KEY,
    draft_id TEXT NOT NULL,
    draft_revision BIGINT NOT NULL,
    workflow_key TEXT NOT NULL,
    name TEXT NOT NULL,
    requester_id TEXT NOT NULL REFERENCES accounts (id),
    note TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'published', 'rejected', 'outdated')),
    created_at TEXT NOT NULL,
    base_version TEXT,
    suggested_version TEXT NOT NULL,
    bump TEXT NOT NULL,
    changes_de TEXT NOT NULL,
    diff TEXT,
    workflow TEXT NOT NULL,
    decided_by TEXT REFERENCES accounts (id),
    decided_at TEXT,
    comment TEXT,
    published_version TEXT,
    published_commit TEXT,
    published_tag TEXT
);
CREATE INDEX publication_requests_status ON publication_requests (status, created_at);
CREATE INDEX publication_requests_requester ON publication_requests (requester_id, created_at);
CREATE INDEX publication_requests_draft ON publication_requests (draft_id);
CREATE UNIQUE INDEX publication_requests_tag ON publication_requests (published_tag)
    WHERE published_tag IS NOT NULL;

-- Other catalogues templates are taken from, with the result of their last fetch. The fetch
-- progress is not stored (it lives in the fetching process).
CREATE TABLE template_sources (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    added_by TEXT NOT NULL REFERENCES accounts (id),
    added_at TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('fetching', 'ready', 'error')),
    message_de TEXT NOT NULL,
    error_kind TEXT,
    fetch_started_unix BIGINT,
    last_attempt TEXT,
    last_success TEXT,
    last_success_unix BIGINT,
    catalogue TEXT
);
