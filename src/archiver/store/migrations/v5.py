"""Schema version 5: article_list view.

Frozen: this file holds the statements as they were when version 5 was made, and
imports nothing from today's code, so a new archive and one migrated years later go
through the same steps. Never edit it; add a new version instead.
"""

from __future__ import annotations

import sqlite3

from archiver.store.migrations.ddl import run_ddl

DESCRIPTION = "article_list view"

#: A row per article, short enough to read as a list (Datasette's default browsing view).
DDL = """
CREATE VIEW article_list AS
SELECT id, title, site, published_at, author, view_count,
    CASE WHEN length(coalesce(lead, body)) > 200
        THEN substr(coalesce(lead, body), 1, 200) || '…'
        ELSE coalesce(lead, body)
    END AS excerpt,
    url
FROM articles
"""


def apply(conn: sqlite3.Connection) -> None:
    run_ddl(conn, DDL)
