"""Schema version 3: WARC pointers on fetches.

Frozen: this file holds the statements as they were when version 3 was made, and
imports nothing from today's code, so a new archive and one migrated years later go
through the same steps. Never edit it; add a new version instead.
"""

from __future__ import annotations

import sqlite3

from archiver.store.migrations.ddl import run_ddl

DESCRIPTION = "WARC pointers on fetches"

DDL = """
ALTER TABLE fetches ADD COLUMN "warc_file" TEXT;
ALTER TABLE fetches ADD COLUMN "warc_offset" INTEGER;
ALTER TABLE fetches ADD COLUMN "warc_length" INTEGER;
"""


def apply(conn: sqlite3.Connection) -> None:
    run_ddl(conn, DDL)
