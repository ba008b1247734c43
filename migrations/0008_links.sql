-- Migration 8: links.
--
-- Written once for SQLite and PostgreSQL: an id column's type is written
-- as pk in braces, which becomes each engine's auto-numbered primary key
-- (see src/db/migrations.rs). Released
-- migrations never change: sqlx records each one's checksum and refuses a
-- database whose applied migrations no longer match.

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
