"""Schema version 6: captions and source of articles, captions in the full-text index.

Frozen: this file holds the statements as they were when version 6 was made, and
imports nothing from today's code, so a new archive and one migrated years later go
through the same steps. Never edit it; add a new version instead.
"""

from __future__ import annotations

import sqlite3

from archiver.store.migrations.ddl import run_ddl

DESCRIPTION = "captions and source of articles, captions in the full-text index"

#: Existing articles get empty values. An FTS5 table cannot gain a column: it is created
#: again with the new one, and the probe marked stale so that opening the archive
#: indexes every article again (as version 4 does).
DDL = """
ALTER TABLE articles ADD COLUMN "captions" TEXT NOT NULL DEFAULT '[]';
ALTER TABLE articles ADD COLUMN "source" TEXT;
DROP TABLE articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5(title, lead, body, captions, content="articles", \
content_rowid="id", tokenize='unicode61 remove_diacritics 2');
INSERT OR REPLACE INTO archive_meta(key, value) VALUES ('fold_probe', 'stale');
"""


def apply(conn: sqlite3.Connection) -> None:
    run_ddl(conn, DDL)
