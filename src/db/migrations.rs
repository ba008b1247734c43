//! The schema, as an ordered list of migrations written once for both engines.
//!
//! The only word that differs between SQLite and PostgreSQL is how an
//! auto-numbered primary key is declared; migrations write `{pk}` and the
//! runner puts in each engine's form. Statements are separated by a `;` at
//! the end of a line. A migration, once released, is never edited: a change
//! to the schema is a new migration at the end.

use sqlx::{Executor, Row};

use super::{Backend, Db, DbError};

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "accounts and directory",
        sql: r#"
-- Instance-wide values, such as the hash of the one-time setup token.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Unions: national unions, federations and confederations, British and
-- Ukrainian. name_uk is the Ukrainian name where one is known; pages fall
-- back to name. search_key is name and name_uk lower-cased in Rust, for
-- case-insensitive search that also works for Cyrillic on SQLite.
CREATE TABLE unions (
    id {pk},
    name TEXT NOT NULL,
    name_uk TEXT,
    country TEXT NOT NULL CHECK (country IN ('GB', 'UA')),
    kind TEXT NOT NULL,
    search_key TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX unions_country_name ON unions (country, name);

-- Branches of a union. sector and size_band come from fixed vocabularies in
-- directory::model, because twinning matches on them; region is free text
-- (British regions and nations, Ukrainian oblasts).
CREATE TABLE branches (
    id {pk},
    union_id BIGINT NOT NULL REFERENCES unions (id),
    name TEXT NOT NULL,
    name_uk TEXT,
    region TEXT NOT NULL,
    sector TEXT NOT NULL,
    size_band TEXT NOT NULL,
    search_key TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX branches_union_name ON branches (union_id, name);
CREATE INDEX branches_sector ON branches (sector);

-- People known to the campaign and their role at a branch. This is
-- special-category data (union membership): every read is scoped by branch.
-- at_risk marks a Ukrainian partner whose details must be shown to as few
-- people as possible.
CREATE TABLE people (
    id {pk},
    branch_id BIGINT REFERENCES branches (id),
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    role TEXT NOT NULL,
    at_risk BIGINT NOT NULL DEFAULT 0,
    search_key TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX people_branch ON people (branch_id);

-- Accounts that log in. email is stored lower-cased; password_hash is an
-- Argon2id PHC string. lang is the account's chosen language, or NULL to
-- follow the browser.
CREATE TABLE users (
    id {pk},
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    lang TEXT,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The branches a branch officer acts for.
CREATE TABLE user_branches (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    branch_id BIGINT NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, branch_id)
);
CREATE INDEX user_branches_branch ON user_branches (branch_id);

-- Server-side sessions, kept in the database so that several instances
-- share them. Only a SHA-256 of the session id is stored: a copy of this
-- table does not let anyone log in.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- API bearer tokens, stored as SHA-256: the token itself is shown once.
CREATE TABLE api_tokens (
    id {pk},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);

-- Failed logins, per account and per client address, for throttling that
-- holds across instances. scope is 'account:<sha256 of e-mail>' or
-- 'ip:<address>'; rows older than the window are deleted as we go.
CREATE TABLE login_failures (
    id {pk},
    scope TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_scope_at ON login_failures (scope, at);

-- Who did what, when: logins, failed logins, account changes, views of
-- partners at risk. detail never holds a password, token or session id.
CREATE TABLE audit_log (
    id {pk},
    at BIGINT NOT NULL,
    user_id BIGINT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
"#,
    },
    Migration {
        version: 2,
        name: "speakers, requests and the outbox",
        sql: r#"
-- A speaker's profile. user_id links the account they log in with, if they
-- have one. languages, topics and regions are comma-separated lists
-- (languages as ISO 639-1 codes: 'uk,en'). time_zone is their home IANA
-- zone, in which their weekly hours are kept. lang is the language their
-- e-mails go out in. feed_token is the secret in their calendar feed's URL;
-- it is kept as is (not hashed) because the profile page shows the URL.
-- booking_lock is bumped first in every change to their bookings: that
-- write takes the row's lock on PostgreSQL (the whole database's on
-- SQLite), so two offers of one speaker are checked one after the other.
CREATE TABLE speakers (
    id {pk},
    user_id BIGINT UNIQUE REFERENCES users (id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    email TEXT,
    bio TEXT NOT NULL,
    languages TEXT NOT NULL,
    topics TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    online BIGINT NOT NULL,
    in_person BIGINT NOT NULL,
    regions TEXT NOT NULL,
    lang TEXT NOT NULL,
    feed_token TEXT NOT NULL UNIQUE,
    booking_lock BIGINT NOT NULL DEFAULT 0,
    search_key TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Weekly hours a speaker is usually free, in their home zone: weekday 1
-- (Monday) to 7, minutes after midnight. No rows means "ask me any time".
CREATE TABLE speaker_windows (
    id {pk},
    speaker_id BIGINT NOT NULL REFERENCES speakers (id) ON DELETE CASCADE,
    weekday BIGINT NOT NULL,
    start_minute BIGINT NOT NULL,
    end_minute BIGINT NOT NULL
);
CREATE INDEX speaker_windows_speaker ON speaker_windows (speaker_id);

-- Days a speaker is away, inclusive, as YYYY-MM-DD in their home zone.
CREATE TABLE speaker_blackouts (
    id {pk},
    speaker_id BIGINT NOT NULL REFERENCES speakers (id) ON DELETE CASCADE,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL
);
CREATE INDEX speaker_blackouts_speaker ON speaker_blackouts (speaker_id);

-- A request for a speaker and the booking it becomes. starts_at is UTC
-- seconds; time_zone is the zone it was planned in, through which its
-- wall-clock time is shown. branch_id is NULL for a visitor's request until
-- a coordinator links it to a branch; contact_* and branch_text hold what
-- the visitor gave. reminder_sent and report_asked record the e-mails the
-- scheduler has already queued, so that each goes once.
CREATE TABLE speaker_requests (
    id {pk},
    branch_id BIGINT REFERENCES branches (id),
    requested_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    contact_name TEXT NOT NULL,
    contact_email TEXT,
    branch_text TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    time_zone TEXT NOT NULL,
    duration_minutes BIGINT NOT NULL,
    format TEXT NOT NULL,
    place TEXT NOT NULL,
    meeting_link TEXT NOT NULL,
    audience BIGINT,
    interpretation BIGINT NOT NULL,
    topics TEXT NOT NULL,
    notes TEXT NOT NULL,
    status TEXT NOT NULL,
    speaker_id BIGINT REFERENCES speakers (id),
    attendance BIGINT,
    report TEXT NOT NULL,
    reminder_sent BIGINT NOT NULL DEFAULT 0,
    report_asked BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX speaker_requests_speaker ON speaker_requests (speaker_id, starts_at);
CREATE INDEX speaker_requests_branch ON speaker_requests (branch_id, starts_at);
CREATE INDEX speaker_requests_status ON speaker_requests (status, starts_at);

-- Calendar feeds of branches, by the secret in their URL.
CREATE TABLE branch_feeds (
    branch_id BIGINT PRIMARY KEY REFERENCES branches (id) ON DELETE CASCADE,
    feed_token TEXT NOT NULL UNIQUE
);

-- Every e-mail, written in the same transaction as the change that caused
-- it and sent afterwards by the outbox worker. Subject and body are
-- rendered in the recipient's language when queued. A worker claims rows
-- by writing its name and a lease into claimed_by/claimed_until; a row is
-- sent once, then sent_at is set. Failures back off through
-- next_attempt_at; after the last attempt failed_at is set.
CREATE TABLE outbox (
    id {pk},
    kind TEXT NOT NULL,
    to_address TEXT NOT NULL,
    lang TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_by TEXT,
    claimed_until BIGINT,
    sent_at BIGINT,
    failed_at BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);

-- The zone an account sees times in (NULL: Europe/London).
ALTER TABLE users ADD COLUMN time_zone TEXT;
"#,
    },
    Migration {
        version: 3,
        name: "rate limits for public forms",
        sql: r#"
-- Submissions of public forms, per client address, for rate limits that
-- hold across instances. scope is '<form>:<address>'; rows older than the
-- longest window are deleted as new ones come.
CREATE TABLE rate_events (
    id {pk},
    scope TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX rate_events_scope_at ON rate_events (scope, at);
"#,
    },
    Migration {
        version: 4,
        name: "twinning and needs",
        sql: r#"
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
"#,
    },
    Migration {
        version: 5,
        name: "appeals and donations",
        sql: r#"
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
"#,
    },
    Migration {
        version: 6,
        name: "affiliations",
        sql: r#"
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
"#,
    },
    Migration {
        version: 7,
        name: "donation_references",
        sql: r#"
-- A donation's reference (a bank or payment reference) names one payment:
-- recorded once per appeal, so that importing a statement twice, or
-- resuming an import, adds nothing twice. Donations without one are exempt.
CREATE UNIQUE INDEX donations_reference ON donations (appeal_id, reference) WHERE reference <> '';
"#,
    },
    Migration {
        version: 8,
        name: "links",
        sql: r#"
-- Short links /s/{slug}. A branch's copy of a link has the original as its
-- parent and credits that branch; a branch has at most one copy of a link.
CREATE TABLE links (
    id {pk},
    slug TEXT NOT NULL,
    target_url TEXT NOT NULL,
    title TEXT NOT NULL,
    appeal_id BIGINT REFERENCES appeals (id),
    -- One of the campaign's six actions the link promotes (home::ACTIONS).
    action TEXT,
    parent_id BIGINT REFERENCES links (id),
    branch_id BIGINT REFERENCES branches (id),
    expires_at BIGINT,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX links_slug ON links (slug);
CREATE UNIQUE INDEX links_branch_copy ON links (parent_id, branch_id);
CREATE INDEX links_appeal ON links (appeal_id);
-- Clicks per link and day (UTC): nothing about who clicked.
CREATE TABLE link_clicks (
    link_id BIGINT NOT NULL REFERENCES links (id),
    day TEXT NOT NULL,
    clicks BIGINT NOT NULL,
    PRIMARY KEY (link_id, day)
);
-- Bumped with every change to what instances keep in memory, so that each
-- instance sees another's change on its next look.
CREATE TABLE cache_versions (
    name TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO cache_versions (name, version) VALUES ('links', 1);
"#,
    },
    Migration {
        version: 9,
        name: "statements",
        sql: r#"
-- Statements and news, in English and Ukrainian (Markdown). original_lang
-- is the language it was written in; the other is a translation, checked or
-- not as translation_reviewed says.
CREATE TABLE statements (
    id {pk},
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    title_uk TEXT NOT NULL,
    body TEXT NOT NULL,
    body_uk TEXT NOT NULL,
    source TEXT NOT NULL,
    source_url TEXT NOT NULL,
    published_on TEXT NOT NULL,
    original_lang TEXT NOT NULL,
    translation_reviewed BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX statements_slug ON statements (slug);
CREATE INDEX statements_published ON statements (published_on);
-- A short link can promote a statement.
ALTER TABLE links ADD COLUMN statement_id BIGINT REFERENCES statements (id);
"#,
    },
];

pub(super) async fn run(db: &Db) -> Result<(), DbError> {
    let mut conn = db.conn().await?;
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at BIGINT NOT NULL
        )",
    )
    .await?;
    drop(conn);
    for m in MIGRATIONS {
        if applied(db, m.version).await? {
            continue;
        }
        if let Err(source) = apply(db, m).await {
            // Another instance starting at the same moment may have applied it
            // first; then our attempt lost a race, not the schema.
            if applied(db, m.version).await? {
                continue;
            }
            return Err(DbError::Migration {
                version: m.version,
                name: m.name,
                source,
            });
        }
        tracing::info!(version = m.version, name = m.name, "applied migration");
    }
    Ok(())
}

async fn applied(db: &Db, version: i64) -> Result<bool, DbError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM schema_migrations WHERE version = $1")
        .bind(version)
        .fetch_one(db.pool())
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

async fn apply(db: &Db, m: &Migration) -> Result<(), sqlx::Error> {
    let mut tx = db.pool().begin().await?;
    for statement in statements(m.sql, db.backend()) {
        tx.execute(statement.as_str()).await?;
    }
    sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
        .bind(m.version)
        .bind(m.name)
        .bind(crate::common::clock::now())
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

fn statements(sql: &str, backend: Backend) -> Vec<String> {
    let pk = match backend {
        Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
        Backend::Postgres => "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    };
    let sql = sql.replace("{pk}", pk);
    let mut out = Vec::new();
    let mut current = String::new();
    for line in sql.lines() {
        if line.trim_start().starts_with("--") {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if line.trim_end().ends_with(';') {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_strictly_increasing() {
        for pair in MIGRATIONS.windows(2) {
            assert!(pair[0].version < pair[1].version);
        }
    }

    #[test]
    fn statements_split_and_primary_keys_differ_per_engine() {
        let sqlite = statements(MIGRATIONS[0].sql, Backend::Sqlite);
        let pg = statements(MIGRATIONS[0].sql, Backend::Postgres);
        assert_eq!(sqlite.len(), pg.len());
        assert!(sqlite.iter().all(|s| !s.contains("{pk}")));
        assert!(sqlite.iter().any(|s| s.contains("AUTOINCREMENT")));
        assert!(pg.iter().any(|s| s.contains("IDENTITY")));
    }
}
