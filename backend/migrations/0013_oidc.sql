-- Single sign-on with OpenID Connect (issue 23).
--
-- Logins in progress: the browser went to the identity provider and comes back to
-- `/api/oidc/callback` with `state`, possibly on another server process. Keyed by the SHA-256
-- of `state`; the nonce and the PKCE verifier are needed to finish the login. A row is taken
-- (deleted) by the callback, or forgotten after `expires_unix`.
CREATE TABLE oidc_flows (
    state_hash TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    expires_unix BIGINT NOT NULL
);
CREATE INDEX oidc_flows_expiry ON oidc_flows (expires_unix);

-- Accounts created by single sign-on: the provider's issuer and subject (`iss`, `sub`) the
-- account's id was derived from. Such accounts have no password.
CREATE TABLE oidc_accounts (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id),
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL
);
CREATE UNIQUE INDEX oidc_accounts_subject ON oidc_accounts (issuer, subject);

-- The ID token of a session opened by single sign-on: logging out sends it to the provider's
-- end_session_endpoint as `id_token_hint`. Goes with its session.
CREATE TABLE oidc_sessions (
    token_hash TEXT PRIMARY KEY REFERENCES sessions (token_hash) ON DELETE CASCADE,
    id_token TEXT NOT NULL
);
