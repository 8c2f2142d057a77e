"""The archive: a deduplicated, searchable SQLite store of fetches and articles.

Only this package talks to SQLite. Start with :class:`Archive`::

    with Archive("archive.db") as archive:
        run = archive.start_run({"sites": ["vnexpress"]})
        result = archive.save(exchange, article, run_id=run)
        archive.finish_run(run, "finished", {"pages": 1})
        hits = archive.search("da nang")
"""

from __future__ import annotations

import os

from archiver.store.archive import DEFAULT_PATH, Archive
from archiver.store.database import MEMORY, Database
from archiver.store.records import (
    Outcome,
    ReparseSummary,
    RunInfo,
    SaveResult,
    SearchHit,
    SiteStats,
    Stats,
    ViewCount,
)

__all__ = [
    "DEFAULT_PATH",
    "ENV_VAR",
    "MEMORY",
    "Archive",
    "Database",
    "Outcome",
    "ReparseSummary",
    "RunInfo",
    "SaveResult",
    "SearchHit",
    "SiteStats",
    "Stats",
    "ViewCount",
    "default_path",
]

#: Environment variable naming the archive file when ``--db`` is not given.
ENV_VAR = "ARCHIVER_DB"


def default_path() -> str:
    """``$ARCHIVER_DB`` if set, else ``archive.db`` in the current directory."""
    return os.environ.get(ENV_VAR) or DEFAULT_PATH
