-- Migration 1: accounts and directory.
--
-- Written once for SQLite and PostgreSQL: an id column's type is written
-- as pk in braces, which becomes each engine's auto-numbered primary key
-- (see src/db/migrations.rs). Released
-- migrations never change: sqlx records each one's checksum and refuses a
-- database whose applied migrations no longer match.

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
