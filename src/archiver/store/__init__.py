"""The archive: a deduplicated, searchable store of fetches and articles (SQLite today).

Only this package talks to the database. Start with :class:`Archive`, the façade::

    with Archive("archive.db") as archive:                 # or Archive.memory()
        archive.add(article, html=page_bytes)               # an Article you extracted
        for article in archive.articles(site="vnexpress", since="2024-03"):
            print(article.title, archive.view_counts(article))
        hits = archive.search("da nang")

The crawler saves whole exchanges (``save``, ``save_many``, ``start_run``…). Under the
façade, :class:`Database` (:mod:`archiver.store.database`) holds the connection and its
single writer; the frontier, ``reparse`` and the WARC lookups take it. Engine specifics
live in :mod:`archiver.store.sqlite`, schema versions in :mod:`archiver.store.migrations`.
"""

from __future__ import annotations

import os

from archiver.store.archive import DEFAULT_PATH, Archive
from archiver.store.database import MEMORY, Database
from archiver.store.postgres.connection import is_postgres
from archiver.store.results import (
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
    "is_postgres",
]

#: Environment variable naming the archive (a file, or a ``postgresql://`` URL) when
#: ``--db`` is not given.
ENV_VAR = "ARCHIVER_DB"


def default_path() -> str:
    """``$ARCHIVER_DB`` if set, else ``archive.db`` in the current directory."""
    return os.environ.get(ENV_VAR) or DEFAULT_PATH
