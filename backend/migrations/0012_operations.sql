-- Operations (issue 23): state that several server processes on one database share.
--
-- Failed logins per account (`account:<name>`) and per client address (`client:<ip>`), so the
-- login back-off holds across instances behind a load balancer. Times are milliseconds since
-- the Unix epoch; a row is forgotten an hour after its last failure.
CREATE TABLE login_failures (
    scope TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_failure_ms BIGINT NOT NULL,
    blocked_until_ms BIGINT NOT NULL
);
CREATE INDEX login_failures_last ON login_failures (last_failure_ms);

-- Fixed-window rate limits per client address (anonymous validation: `validate:<ip>`), shared
-- by all processes: the window's start (milliseconds since the epoch) and its hits so far.
CREATE TABLE rate_limits (
    scope TEXT PRIMARY KEY,
    window_start_ms BIGINT NOT NULL,
    hits BIGINT NOT NULL
);
CREATE INDEX rate_limits_window ON rate_limits (window_start_ms);
