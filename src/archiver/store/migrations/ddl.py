"""Running a block of DDL statements (one per ``;`` at a line's end) on an open transaction.

Frozen like the migrations that use it: changing how statements run would change what
an old migration does.
"""

from __future__ import annotations

import sqlite3

__all__ = ["run_ddl"]


def run_ddl(conn: sqlite3.Connection, ddl: str) -> None:
    """Execute each statement of ``ddl`` in turn (``execute``, never ``executescript``,
    which would commit the caller's transaction)."""
    for statement in ddl.split(";\n"):
        if statement.strip():
            conn.execute(statement)
