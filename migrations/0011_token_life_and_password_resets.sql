-- Migration 11: API tokens that expire and can be revoked, and one-time
-- links that set a new password.
--
-- Written once for SQLite and PostgreSQL: an id column's type is written
-- as pk in braces, which becomes each engine's auto-numbered primary key
-- (see src/db/migrations.rs). Released
-- migrations never change: sqlx records each one's checksum and refuses a
-- database whose applied migrations no longer match.

-- When a token stops working by itself (NULL: never), and when it was
-- revoked: by its owner, an administrator, a new password or the account
-- being disabled. A revoked token is kept for the list, and never works
-- again, whatever happens to the account afterwards.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
ALTER TABLE api_tokens ADD COLUMN revoked_at BIGINT;

-- A link that sets a new password: issued by an administrator or asked
-- for by e-mail, stored only as the SHA-256 of its token, usable once,
-- until it expires.
CREATE TABLE password_resets (
    id {pk},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX password_resets_user ON password_resets (user_id);
