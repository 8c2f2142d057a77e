"""Schema version 8: the full-text index merges its segments eight at a time, not four.

Frozen: this file holds the statements as they were when version 8 was made, and
imports nothing from today's code, so a new archive and one migrated years later go
through the same steps. Never edit it; add a new version instead.
"""

from __future__ import annotations

import sqlite3

DESCRIPTION = "full-text index segments merged eight at a time (FTS5 automerge 8)"

#: FTS5 writes each write transaction's new index entries as a segment and merges the
#: segments of a level once it holds ``automerge`` of them (4 by default) into one of the
#: next level: every entry is rewritten once per level. Eight at a time makes fewer levels,
#: so each entry is rewritten fewer times (bench/HISTORY.md, stop 23). The setting is kept
#: in ``articles_fts_config``; a migration that creates ``articles_fts`` again must set it again.
AUTOMERGE = "INSERT INTO articles_fts(articles_fts, rank) VALUES ('automerge', 8)"


def apply(conn: sqlite3.Connection) -> None:
    conn.execute(AUTOMERGE)
