-- Migration 7: donation_references.
--
-- Written once for SQLite and PostgreSQL: an id column's type is written
-- as pk in braces, which becomes each engine's auto-numbered primary key
-- (see src/db/migrations.rs). Released
-- migrations never change: sqlx records each one's checksum and refuses a
-- database whose applied migrations no longer match.

-- A donation's reference (a bank or payment reference) names one payment:
-- recorded once per appeal, so that importing a statement twice, or
-- resuming an import, adds nothing twice. Donations without one are exempt.
CREATE UNIQUE INDEX donations_reference ON donations (appeal_id, reference) WHERE reference <> '';
