-- Migration 10: each side's agreement to a twinning.
--
-- Written once for SQLite and PostgreSQL: an id column's type is written
-- as pk in braces, which becomes each engine's auto-numbered primary key
-- (see src/db/migrations.rs). Released
-- migrations never change: sqlx records each one's checksum and refuses a
-- database whose applied migrations no longer match.

-- A link is agreed only when both branches have agreed, each through its
-- own officers (or a coordinator acting for it, which the audit log
-- records); until then neither side's officers may read the other's
-- people. When each side agreed, in UTC seconds; NULL while it has not.
ALTER TABLE twinnings ADD COLUMN gb_agreed_at BIGINT;
ALTER TABLE twinnings ADD COLUMN ua_agreed_at BIGINT;

-- Links that were agreed before the sides were told apart were agreed by
-- both, as far as anyone can now tell.
UPDATE twinnings SET gb_agreed_at = updated_at, ua_agreed_at = updated_at
WHERE status IN ('agreed', 'active', 'dormant');
