-- Migration 4: twinning and needs.
--
-- Written once for SQLite and PostgreSQL: an id column's type is written
-- as pk in braces, which becomes each engine's auto-numbered primary key
-- (see src/db/migrations.rs). Released
-- migrations never change: sqlx records each one's checksum and refuses a
-- database whose applied migrations no longer match.

-- What twinning matches on besides sector and size: the languages a
-- branch's officers work in (comma-separated codes), a region it would like
-- its twin to be in, and whether it is at risk (in or near occupied
-- territory), which protects the contact details of everyone at it.
ALTER TABLE branches ADD COLUMN languages TEXT NOT NULL DEFAULT '';
ALTER TABLE branches ADD COLUMN wished_region TEXT NOT NULL DEFAULT '';
ALTER TABLE branches ADD COLUMN at_risk BIGINT NOT NULL DEFAULT 0;

-- A link between a British and a Ukrainian branch. One pair is linked once:
-- an ended link stays ended, and the pair cannot be proposed again.
-- last_activity_at drives the ninety-day dormancy rule;
-- dormant_notified records that coordinators were told.
CREATE TABLE twinnings (
    id {pk},
    gb_branch_id BIGINT NOT NULL REFERENCES branches (id),
    ua_branch_id BIGINT NOT NULL REFERENCES branches (id),
    status TEXT NOT NULL,
    proposed_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    last_activity_at BIGINT NOT NULL,
    dormant_notified BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX twinnings_pair ON twinnings (gb_branch_id, ua_branch_id);
CREATE INDEX twinnings_ua ON twinnings (ua_branch_id, status);
CREATE INDEX twinnings_status ON twinnings (status, last_activity_at);

-- The log of a link: meetings, messages, aid sent (with its amount, in
-- minor units of its currency), visits, joint statements. happened_on is
-- the date it happened (YYYY-MM-DD), never in the future. logged_by_name
-- keeps who logged it even if the account is later deleted.
CREATE TABLE twinning_activities (
    id {pk},
    twinning_id BIGINT NOT NULL REFERENCES twinnings (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    happened_on TEXT NOT NULL,
    logged_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    logged_by_name TEXT NOT NULL,
    note TEXT NOT NULL,
    amount_minor BIGINT,
    currency TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX twinning_activities_link ON twinning_activities (twinning_id, happened_on);

-- Things a Ukrainian branch needs. cost is an estimate in minor units of
-- its currency. Any branch may adopt an open need; the adopting branch (or
-- the Ukrainian branch, or a coordinator) marks it delivered.
CREATE TABLE needs (
    id {pk},
    branch_id BIGINT NOT NULL REFERENCES branches (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    cost_minor BIGINT,
    currency TEXT,
    urgency TEXT NOT NULL,
    status TEXT NOT NULL,
    adopted_by BIGINT REFERENCES branches (id),
    adopted_at BIGINT,
    delivered_at BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX needs_status ON needs (status, urgency);
CREATE INDEX needs_branch ON needs (branch_id);
