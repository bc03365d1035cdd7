-- Catalogue push (issue 23): the state of mirroring the catalogue to a configured remote,
-- shared by all server processes (and `fachwerk catalog push`), one row per remote.
--
-- `remote` is the remote as shown (credentials masked; the token is never stored). What is
-- still to push is not stored: it is the difference between the catalogue's refs (`main` and
-- the tags) and `pushed_refs`, the digest of the refs at the last successful push. So a
-- publication can never be forgotten, whatever happens between its commit and the push.
-- Times are milliseconds since the Unix epoch. Whoever pushes first takes the lease
-- (`lease_until_ms`, `lease_holder`) with a conditional update, so one process pushes at a
-- time; a lease of a process that died runs out.
CREATE TABLE catalog_push (
    remote TEXT PRIMARY KEY,
    pushed_refs TEXT,
    attempts BIGINT NOT NULL,
    last_attempt_ms BIGINT,
    last_success_ms BIGINT,
    last_error TEXT,
    next_attempt_ms BIGINT NOT NULL,
    lease_until_ms BIGINT NOT NULL,
    lease_holder TEXT
);
