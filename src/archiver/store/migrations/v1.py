"""Schema version 1: initial schema.

Frozen: this file holds the statements as they were when version 1 was made, and
imports nothing from today's code, so a new archive and one migrated years later go
through the same steps. Never edit it; add a new version instead.
"""

from __future__ import annotations

import sqlite3

from archiver.store.migrations.ddl import run_ddl

DESCRIPTION = "initial schema"

DDL = """
CREATE TABLE archive_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE sites (
    name TEXT PRIMARY KEY,
    base_url TEXT,
    profile TEXT,
    first_seen_at TEXT NOT NULL
);
CREATE TABLE crawl_runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    arguments TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'running',
    stats TEXT
);
CREATE TABLE bodies (
    sha256 TEXT PRIMARY KEY,
    compression TEXT NOT NULL CHECK (compression IN ('zlib', 'none')),
    size INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE fetches (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES crawl_runs(id),
    site TEXT,
    url TEXT NOT NULL,
    final_url TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT 'GET',
    status INTEGER,
    fetched_at TEXT NOT NULL,
    request_headers TEXT NOT NULL DEFAULT '[]',
    response_headers TEXT NOT NULL DEFAULT '[]',
    content_type TEXT,
    length INTEGER NOT NULL DEFAULT 0,
    sha256 TEXT REFERENCES bodies(sha256),
    truncated INTEGER NOT NULL DEFAULT 0,
    http_version TEXT,
    ip_address TEXT,
    redirects TEXT NOT NULL DEFAULT '[]',
    elapsed REAL,
    error TEXT,
    article_id INTEGER REFERENCES articles(id) DEFERRABLE INITIALLY DEFERRED,
    outcome TEXT
);
CREATE INDEX fetches_url ON fetches(url);
CREATE INDEX fetches_article ON fetches(article_id);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    site TEXT NOT NULL REFERENCES sites(name),
    title TEXT,
    lead TEXT,
    body TEXT,
    published_at TEXT,
    published_raw TEXT,
    updated_at TEXT,
    author TEXT,
    author_raw TEXT,
    view_count INTEGER,
    language TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',
    content_hash TEXT NOT NULL,
    minhash BLOB,
    story_id INTEGER,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    content_since TEXT NOT NULL,
    fetch_id INTEGER REFERENCES fetches(id),
    extractor_version TEXT
);
CREATE INDEX articles_content_hash ON articles(content_hash);
CREATE INDEX articles_site_published ON articles(site, published_at);
CREATE INDEX articles_published ON articles(published_at);
CREATE INDEX articles_story ON articles(story_id);
CREATE TABLE article_urls (
    url TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    matched_by TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    fetch_id INTEGER REFERENCES fetches(id)
);
CREATE INDEX article_urls_article ON article_urls(article_id);
CREATE TABLE article_versions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    title TEXT,
    lead TEXT,
    body TEXT,
    author TEXT,
    published_at TEXT,
    updated_at TEXT,
    content_hash TEXT NOT NULL,
    seen_from TEXT NOT NULL,
    seen_until TEXT NOT NULL,
    fetch_id INTEGER REFERENCES fetches(id),
    extractor_version TEXT,
    replaced_by TEXT NOT NULL
);
CREATE INDEX article_versions_article ON article_versions(article_id);
CREATE TABLE view_counts (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    observed_at TEXT NOT NULL,
    view_count INTEGER NOT NULL,
    fetch_id INTEGER REFERENCES fetches(id),
    PRIMARY KEY (article_id, observed_at)
) WITHOUT ROWID;
CREATE TABLE near_duplicates (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    duplicate_of INTEGER NOT NULL REFERENCES articles(id),
    similarity REAL NOT NULL,
    found_at TEXT NOT NULL,
    PRIMARY KEY (article_id, duplicate_of)
) WITHOUT ROWID;
CREATE INDEX near_duplicates_of ON near_duplicates(duplicate_of);
CREATE TABLE minhash_bands (
    band_key INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    PRIMARY KEY (band_key, article_id)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, lead, body,
    content='',
    tokenize='unicode61 remove_diacritics 2'
);
"""


def apply(conn: sqlite3.Connection) -> None:
    run_ddl(conn, DDL)
