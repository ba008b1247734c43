-- Migration 2: speakers, requests and the outbox.
--
-- Written once for SQLite and PostgreSQL: an id column's type is written
-- as pk in braces, which becomes each engine's auto-numbered primary key
-- (see src/db/migrations.rs). Released
-- migrations never change: sqlx records each one's checksum and refuses a
-- database whose applied migrations no longer match.

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
