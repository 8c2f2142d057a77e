"""Schema version 4: full-text index over the articles table.

Frozen: this file holds the statements as they were when version 4 was made, and
imports nothing from today's code, so a new archive and one migrated years later go
through the same steps. Never edit it; add a new version instead.
"""

from __future__ import annotations

import sqlite3

from archiver.store.migrations.ddl import run_ddl

DESCRIPTION = "full-text index over the articles table"

#: The contentless index becomes an external-content one over ``articles``, which
#: sqlite-utils, Datasette and ``snippet()`` can use. It is created empty and the probe
#: marked stale, so that opening the archive indexes every article again with the code
#: of the day (``archiver.store.indexes.ensure_probes``).
DDL = """
DROP TABLE articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5(title, lead, body, content="articles", \
content_rowid="id", tokenize='unicode61 remove_diacritics 2');
INSERT OR REPLACE INTO archive_meta(key, value) VALUES ('fold_probe', 'stale');
"""


def apply(conn: sqlite3.Connection) -> None:
    run_ddl(conn, DDL)
