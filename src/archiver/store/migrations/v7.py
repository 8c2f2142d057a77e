"""Schema version 7: raw pages may be stored compressed with Zstandard.

Frozen: this file holds the statements as they were when version 7 was made, and
imports nothing from today's code, so a new archive and one migrated years later go
through the same steps. Never edit it; add a new version instead.
"""

from __future__ import annotations

import sqlite3

DESCRIPTION = "raw pages compressed with Zstandard (bodies.compression 'zstd')"

OLD = "CHECK (compression IN ('zlib', 'none'))"
NEW = "CHECK (compression IN ('zlib', 'zstd', 'none'))"


def apply(conn: sqlite3.Connection) -> None:
    """Widen the CHECK constraint of ``bodies.compression`` in place.

    Only the constraint's text changes: no stored row does, and every row passes the
    wider check. SQLite documents editing the schema text for such changes (ALTER
    TABLE, "making other kinds of table schema changes"); rebuilding the table would
    copy every stored page. The schema version is bumped so other connections reload.
    """
    (sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'bodies'"
    ).fetchone()
    if OLD not in sql:
        raise sqlite3.OperationalError("bodies table without the expected compression check")
    (schema_version,) = conn.execute("PRAGMA schema_version").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'bodies'",
            (sql.replace(OLD, NEW),),
        )
        conn.execute(f"PRAGMA schema_version = {schema_version + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
