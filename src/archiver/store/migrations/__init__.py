"""The archive's schema versions, one frozen module per version, keyed by ``PRAGMA user_version``.

``v1`` creates the first schema; each later ``vN`` brings a database at version ``N - 1``
to ``N``. A module holds its statements as they were when its version was made and
imports nothing from today's code, so a new archive (which runs every step from
version 1) and one migrated years later end with the same schema; the test suite
checks it on real archive files of every version (``fixtures/archives/``).

To change the schema, add ``vN.py`` (``DESCRIPTION`` and ``apply(conn)``) and append
it to :data:`MIGRATIONS`; never edit an applied one. Each migration runs in its own
transaction together with the ``user_version`` bump, so a database is always at
exactly one version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from archiver.errors import SchemaTooNewError, StoreError
from archiver.store.migrations import v1, v2, v3, v4, v5, v6, v7
from archiver.store.schema import FTS_TABLE, TABLES

__all__ = ["MIGRATIONS", "Migration", "check_version", "latest_version", "migrate"]


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: ``apply`` brings a database at ``version - 1`` to ``version``."""

    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]


def _step(version: int, module: ModuleType) -> Migration:
    return Migration(version, module.DESCRIPTION, module.apply)


MIGRATIONS: tuple[Migration, ...] = tuple(
    _step(number, module) for number, module in enumerate((v1, v2, v3, v4, v5, v6, v7), start=1)
)


def latest_version() -> int:
    return MIGRATIONS[-1].version


def _foreign_tables(conn: sqlite3.Connection) -> list[str]:
    names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return [n for n in names if not n.startswith(("sqlite_", FTS_TABLE)) and n not in TABLES]


def check_version(conn: sqlite3.Connection, path: str) -> int:
    """The database's schema version; raises if it is newer than this code or not an archive."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > latest_version():
        raise SchemaTooNewError(
            f"{path} has archive schema version {version}, newer than the {latest_version()} this "
            "archiver understands; upgrade archiver (the file was not touched)"
        )
    if version == 0 and (others := _foreign_tables(conn)):
        raise StoreError(
            f"{path} is a SQLite database but not an archive (it has tables such as "
            f"{', '.join(sorted(others)[:3])}); refusing to add archive tables to it"
        )
    return version


def migrate(conn: sqlite3.Connection, path: str) -> list[Migration]:
    """Apply every pending migration, each atomically; returns the ones applied."""
    applied = []
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated meanwhile.
            version = check_version(conn, path)
            pending = [m for m in MIGRATIONS if m.version > version]
            if not pending:
                conn.execute("COMMIT")
                return applied
            step = pending[0]
            step.apply(conn)
            conn.execute(f"PRAGMA user_version = {int(step.version)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(step)
