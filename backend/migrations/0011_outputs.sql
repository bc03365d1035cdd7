-- The outputs of a case (issue 19): the delivery outbox, one-time links for the applicant,
-- the case's documents and payment requests. Same dialect rules as 0001/0010: TEXT, BIGINT,
-- BOOLEAN, BYTEA (SQLite stores it as a BLOB), partial indexes, CHECK; times RFC 3339 UTC
-- text, scheduling times unix seconds (BIGINT), money as decimal text.

-- The transactional outbox: every output effect of a case step becomes a row in the same
-- transaction as the case change. The delivery worker claims a due row by raising `revision`
-- and setting a lease (`lease_until`, unix seconds) in one conditional UPDATE, so two server
-- processes never deliver one row twice while the lease runs.
CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL CHECK (kind IN ('mail', 'document', 'filing')),
    label TEXT NOT NULL,
    -- What to deliver (JSON: the engine's effect and what the worker needs besides).
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt BIGINT NOT NULL,
    lease_until BIGINT,
    revision BIGINT NOT NULL DEFAULT 1,
    last_error TEXT,
    -- SHA-256 (hex) and size of the bytes that left.
    sha256 TEXT,
    size BIGINT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX deliveries_due ON deliveries (next_attempt) WHERE status = 'pending';
CREATE INDEX deliveries_status ON deliveries (status, created_at);
CREATE INDEX deliveries_case ON deliveries (case_id, created_at);

-- Links for the applicant, who has no account: a Rückfrage's one-time answer link
-- (`purpose` query, `used_at` set by the one answer it takes) and the case's status link.
-- Only the SHA-256 of the token is stored; the token itself leaves in the mail.
CREATE TABLE case_links (
    token_hash TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    -- The engine's task id (query links).
    task TEXT,
    purpose TEXT NOT NULL CHECK (purpose IN ('query', 'status')),
    -- JSON: what the page shows (question, requested documents, deadline).
    detail TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX case_links_case ON case_links (case_id, purpose);

-- Documents of a case (uploads of the applicant, the rendered Bescheid), bytes in the
-- database so that several server processes share them.
CREATE TABLE case_documents (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('upload', 'rendered')),
    data BYTEA NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX case_documents_case ON case_documents (case_id, created_at);

-- Payment requests of Zahlung blocks: one per case and engine task, the Kassenzeichen unique
-- (the callback finds the request by it and is idempotent by it).
CREATE TABLE payment_requests (
    case_id TEXT NOT NULL REFERENCES cases (id),
    task TEXT NOT NULL,
    amount TEXT NOT NULL,
    kassenzeichen TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    paid_at TEXT,
    paid_by TEXT,
    source TEXT CHECK (source IN ('clerk', 'callback')),
    PRIMARY KEY (case_id, task)
);
