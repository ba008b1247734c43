-- Migration 5: appeals and donations.
--
-- Written once for SQLite and PostgreSQL: an id column's type is written
-- as pk in braces, which becomes each engine's auto-numbered primary key
-- (see src/db/migrations.rs). Released
-- migrations never change: sqlx records each one's checksum and refuses a
-- database whose applied migrations no longer match.

-- Aid appeals. The target is an amount in minor units of one currency;
-- donations may come in any currency and are totalled per currency, never
-- converted. opens_on and closes_on are dates (YYYY-MM-DD) or NULL.
CREATE TABLE appeals (
    id {pk},
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    title_uk TEXT,
    description TEXT NOT NULL,
    description_uk TEXT NOT NULL,
    beneficiary TEXT NOT NULL,
    target_minor BIGINT NOT NULL,
    target_currency TEXT NOT NULL,
    opens_on TEXT,
    closes_on TEXT,
    donate_url TEXT NOT NULL,
    status TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Running totals per appeal and currency, changed in the same transaction
-- as every donation, so that pages and the dashboard read them instead of
-- adding up the donations table. pledged_minor is what is promised and not
-- yet received; count is the donations that are not cancelled.
-- `solidarnist check` recomputes them from the donations.
CREATE TABLE appeal_totals (
    appeal_id BIGINT NOT NULL REFERENCES appeals (id) ON DELETE CASCADE,
    currency TEXT NOT NULL,
    pledged_minor BIGINT NOT NULL,
    received_minor BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (appeal_id, currency)
);

-- Donations and pledges: from a branch, a named person or anonymous.
-- idempotency_key is the client's (or the form's) key; with request_hash,
-- the SHA-256 of the request, it makes a repeated request return the first
-- result instead of recording the money twice.
CREATE TABLE donations (
    id {pk},
    appeal_id BIGINT NOT NULL REFERENCES appeals (id),
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    branch_id BIGINT REFERENCES branches (id),
    donor_name TEXT NOT NULL,
    status TEXT NOT NULL,
    received_on TEXT,
    reference TEXT NOT NULL,
    notes TEXT NOT NULL,
    idempotency_key TEXT,
    request_hash TEXT,
    recorded_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX donations_idempotency ON donations (appeal_id, idempotency_key);
CREATE INDEX donations_appeal ON donations (appeal_id, status);
CREATE INDEX donations_branch ON donations (branch_id);
