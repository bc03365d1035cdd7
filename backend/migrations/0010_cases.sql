-- Case processing (issue 18): workflow versions in operation, the organisation (persons, their
-- roles, signing limits, deputies), cases with their engine state, the tasks and timers the
-- engine opened (copied out of the state so they can be listed and fired by index), the audit
-- trail and the idempotency keys of the intake. Same dialect rules as 0001: TEXT, BIGINT,
-- BOOLEAN, partial indexes, CHECK; times RFC 3339 UTC text, money as decimal text.

-- Workflow versions taken into operation ("in Betrieb nehmen"), with the workflow as it was
-- published. A case points at (key, version) and keeps running on it; activating a newer
-- version only flips `active`, at most one version per key is active.
CREATE TABLE runtime_workflows (
    workflow_key TEXT NOT NULL,
    version TEXT NOT NULL,
    workflow TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    activated_by TEXT NOT NULL REFERENCES accounts (id),
    activated_at TEXT NOT NULL,
    PRIMARY KEY (workflow_key, version)
);
CREATE UNIQUE INDEX runtime_workflows_active ON runtime_workflows (workflow_key) WHERE active;

-- Persons of the organisation. A person has a stable id (cases and the audit name it) and may
-- be linked to one account (the login). `signing_limit` is the personal Zeichnungsbefugnis
-- (euro, decimal text; NULL: none). `deputy_id` stands in while the person is `absent`.
CREATE TABLE persons (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    account_id TEXT REFERENCES accounts (id),
    signing_limit TEXT,
    deputy_id TEXT REFERENCES persons (id),
    absent BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX persons_account ON persons (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX persons_deputy ON persons (deputy_id) WHERE deputy_id IS NOT NULL;

-- Role memberships: a person holds a role declared by a workflow (key + role id).
CREATE TABLE person_roles (
    person_id TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    workflow_key TEXT NOT NULL,
    role_id TEXT NOT NULL,
    PRIMARY KEY (person_id, workflow_key, role_id)
);
CREATE INDEX person_roles_role ON person_roles (workflow_key, role_id);

-- Cases. `state` is the engine's state (JSON); `revision` grows by one per change and is the
-- ETag/If-Match of completions. `workflow_version` pins the case to the version it started on.
CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    aktenzeichen TEXT NOT NULL UNIQUE,
    workflow_key TEXT NOT NULL,
    workflow_version TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'ended', 'blocked')),
    state TEXT NOT NULL,
    revision BIGINT NOT NULL CHECK (revision >= 1),
    initiator_id TEXT REFERENCES persons (id),
    created_by TEXT NOT NULL REFERENCES accounts (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    FOREIGN KEY (workflow_key, workflow_version)
        REFERENCES runtime_workflows (workflow_key, version)
);
CREATE INDEX cases_workflow ON cases (workflow_key, status, created_at);

-- Running numbers for Aktenzeichen, one counter per scope (e.g. "beschaffung/2026").
CREATE TABLE case_counters (
    scope TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);

-- Open and finished tasks, denormalised for fast lists: "my tasks" (claimed by me or assigned
-- to me by name), "my roles' tasks" (open, of a role I or the person I stand in for hold).
-- A task belongs to a role, or (without one) to the one person in `assignee` (the initiator,
-- a fixed person; the person's id); role `*`: anyone holding a role of the workflow.
CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    engine_task TEXT NOT NULL,
    block_id TEXT NOT NULL,
    label TEXT NOT NULL,
    workflow_key TEXT NOT NULL,
    role_id TEXT,
    assignee TEXT,
    exits TEXT NOT NULL,
    -- Persons a person rule keeps from this task (Vier-Augen, initiator …), each id between
    -- spaces (" p1 p2 "), so that "my roles' tasks" can leave them out with one LIKE.
    excluded TEXT NOT NULL DEFAULT '',
    claimed_by TEXT REFERENCES persons (id),
    due TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
    created_at TEXT NOT NULL,
    finished_at TEXT,
    finished_by TEXT REFERENCES persons (id),
    UNIQUE (case_id, engine_task)
);
CREATE INDEX tasks_claimed ON tasks (claimed_by, due) WHERE status = 'open';
CREATE INDEX tasks_role ON tasks (workflow_key, role_id, due) WHERE status = 'open';
CREATE INDEX tasks_assignee ON tasks (assignee, due) WHERE status = 'open';
CREATE INDEX tasks_case ON tasks (case_id);

-- Timers the engine scheduled (Frist, Wiedervorlage, Eskalation). A worker fires each due
-- timer once: it sets `fired` in the same transaction that applies the event to the case.
CREATE TABLE timers (
    case_id TEXT NOT NULL REFERENCES cases (id),
    timer_id TEXT NOT NULL,
    due TEXT NOT NULL,
    fired BOOLEAN NOT NULL DEFAULT FALSE,
    cancelled BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (case_id, timer_id)
);
CREATE INDEX timers_due ON timers (due) WHERE NOT fired AND NOT cancelled;

-- The audit trail: every event of a case with who and when, append-only (numbered per case;
-- no statement of the server updates or deletes it).
CREATE TABLE case_events (
    case_id TEXT NOT NULL REFERENCES cases (id),
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor_account TEXT REFERENCES accounts (id),
    actor_person TEXT REFERENCES persons (id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);

-- Intake idempotency: the same key (per account) gives the same case.
CREATE TABLE idempotency_keys (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    idem_key TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (account_id, idem_key)
);
