-- Migration 9: statements.
--
-- Written once for SQLite and PostgreSQL: an id column's type is written
-- as pk in braces, which becomes each engine's auto-numbered primary key
-- (see src/db/migrations.rs). Released
-- migrations never change: sqlx records each one's checksum and refuses a
-- database whose applied migrations no longer match.

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
