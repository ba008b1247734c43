-- Migration 6: affiliations.
--
-- Written once for SQLite and PostgreSQL: an id column's type is written
-- as pk in braces, which becomes each engine's auto-numbered primary key
-- (see src/db/migrations.rs). Released
-- migrations never change: sqlx records each one's checksum and refuses a
-- database whose applied migrations no longer match.

-- The fee table coordinators keep: members from min_members to max_members
-- (no upper bound when NULL) pay fee_minor of currency a year. The rows
-- below are a starting point to edit.
CREATE TABLE fee_bands (
    id {pk},
    name TEXT NOT NULL,
    min_members BIGINT NOT NULL,
    max_members BIGINT,
    fee_minor BIGINT NOT NULL,
    currency TEXT NOT NULL
);
INSERT INTO fee_bands (name, min_members, max_members, fee_minor, currency) VALUES ('Under 100 members', 1, 99, 2500, 'GBP');
INSERT INTO fee_bands (name, min_members, max_members, fee_minor, currency) VALUES ('100 to 999 members', 100, 999, 5000, 'GBP');
INSERT INTO fee_bands (name, min_members, max_members, fee_minor, currency) VALUES ('1,000 to 9,999 members', 1000, 9999, 10000, 'GBP');
INSERT INTO fee_bands (name, min_members, max_members, fee_minor, currency) VALUES ('10,000 members or more', 10000, NULL, 25000, 'GBP');

-- Applications and affiliations. The fee is fixed when the application is
-- made (fee_minor and currency), so a later change to the table does not
-- rewrite what an affiliate was asked to pay. renewal_on is a date
-- (YYYY-MM-DD); reminded records that the renewal reminder was queued.
CREATE TABLE affiliations (
    id {pk},
    kind TEXT NOT NULL,
    organisation TEXT NOT NULL,
    union_name TEXT NOT NULL,
    members BIGINT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    fee_band TEXT,
    fee_minor BIGINT,
    currency TEXT,
    status TEXT NOT NULL,
    renewal_on TEXT,
    reminded BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX affiliations_status ON affiliations (status, renewal_on);
