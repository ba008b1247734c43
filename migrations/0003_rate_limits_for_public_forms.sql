-- Migration 3: rate limits for public forms.
--
-- Written once for SQLite and PostgreSQL: an id column's type is written
-- as pk in braces, which becomes each engine's auto-numbered primary key
-- (see src/db/migrations.rs). Released
-- migrations never change: sqlx records each one's checksum and refuses a
-- database whose applied migrations no longer match.

-- Submissions of public forms, per client address, for rate limits that
-- hold across instances. scope is '<form>:<address>'; rows older than the
-- longest window are deleted as new ones come.
CREATE TABLE rate_events (
    id {pk},
    scope TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX rate_events_scope_at ON rate_events (scope, at);
