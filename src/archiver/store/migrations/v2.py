"""Schema version 2: crawl frontier.

Frozen: this file holds the statements as they were when version 2 was made, and
imports nothing from today's code, so a new archive and one migrated years later go
through the same steps. Never edit it; add a new version instead.
"""

from __future__ import annotations

import sqlite3

from archiver.store.migrations.ddl import run_ddl

DESCRIPTION = "crawl frontier"

DDL = """
CREATE TABLE frontier (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    host TEXT NOT NULL,
    site TEXT,
    kind TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'in_flight', 'done', 'failed')),
    priority INTEGER NOT NULL DEFAULT 0,
    depth INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_fetch_at TEXT NOT NULL,
    discovered_at TEXT NOT NULL,
    discovered_from TEXT,
    last_fetch_at TEXT,
    last_status INTEGER,
    last_error TEXT,
    etag TEXT,
    last_modified TEXT,
    lastmod TEXT,
    article_id INTEGER,
    revisits INTEGER NOT NULL DEFAULT 0,
    run_id INTEGER
);
CREATE INDEX frontier_ready ON frontier(state, host, next_fetch_at);
CREATE INDEX frontier_article ON frontier(article_id);
"""


def apply(conn: sqlite3.Connection) -> None:
    run_ddl(conn, DDL)
