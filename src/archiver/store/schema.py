"""The archive's schema: DDL per version and a migrations registry keyed by ``PRAGMA user_version``.

To change the schema, append a :class:`Migration` to :data:`MIGRATIONS` (never edit
an applied one). Each migration runs in its own transaction together with the
``user_version`` bump, so a database is always at exactly one version. Migration
functions get a :class:`sqlite_utils.Database` over the open transaction; its
helpers (``add_column``, ``create_index``, ``transform``) nest as savepoints, e.g.::

    def _warc_pointers(db):
        for column, kind in (("warc_file", str), ("warc_offset", int), ("warc_length", int)):
            db["fetches"].add_column(column, kind)

    MIGRATIONS.append(Migration(2, "WARC pointers on fetches", _warc_pointers))
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from archiver.errors import SchemaTooNewError, StoreError

__all__ = [
    "FTS_TABLE",
    "MIGRATIONS",
    "TABLES",
    "VIEWS",
    "Migration",
    "latest_version",
    "migrate",
]

FTS_TABLE = "articles_fts"

_V1 = """
CREATE TABLE archive_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE sites (
    name TEXT PRIMARY KEY,
    base_url TEXT,
    profile TEXT,
    first_seen_at TEXT NOT NULL
);
CREATE TABLE crawl_runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    arguments TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'running',
    stats TEXT
);
CREATE TABLE bodies (
    sha256 TEXT PRIMARY KEY,
    compression TEXT NOT NULL CHECK (compression IN ('zlib', 'none')),
    size INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE fetches (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES crawl_runs(id),
    site TEXT,
    url TEXT NOT NULL,
    final_url TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT 'GET',
    status INTEGER,
    fetched_at TEXT NOT NULL,
    request_headers TEXT NOT NULL DEFAULT '[]',
    response_headers TEXT NOT NULL DEFAULT '[]',
    content_type TEXT,
    length INTEGER NOT NULL DEFAULT 0,
    sha256 TEXT REFERENCES bodies(sha256),
    truncated INTEGER NOT NULL DEFAULT 0,
    http_version TEXT,
    ip_address TEXT,
    redirects TEXT NOT NULL DEFAULT '[]',
    elapsed REAL,
    error TEXT,
    article_id INTEGER REFERENCES articles(id) DEFERRABLE INITIALLY DEFERRED,
    outcome TEXT
);
CREATE INDEX fetches_url ON fetches(url);
CREATE INDEX fetches_article ON fetches(article_id);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    site TEXT NOT NULL REFERENCES sites(name),
    title TEXT,
    lead TEXT,
    body TEXT,
    published_at TEXT,
    published_raw TEXT,
    updated_at TEXT,
    author TEXT,
    author_raw TEXT,
    view_count INTEGER,
    language TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',
    content_hash TEXT NOT NULL,
    minhash BLOB,
    story_id INTEGER,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    content_since TEXT NOT NULL,
    fetch_id INTEGER REFERENCES fetches(id),
    extractor_version TEXT
);
CREATE INDEX articles_content_hash ON articles(content_hash);
CREATE INDEX articles_site_published ON articles(site, published_at);
CREATE INDEX articles_published ON articles(published_at);
CREATE INDEX articles_story ON articles(story_id);
CREATE TABLE article_urls (
    url TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    matched_by TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    fetch_id INTEGER REFERENCES fetches(id)
);
CREATE INDEX article_urls_article ON article_urls(article_id);
CREATE TABLE article_versions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    title TEXT,
    lead TEXT,
    body TEXT,
    author TEXT,
    published_at TEXT,
    updated_at TEXT,
    content_hash TEXT NOT NULL,
    seen_from TEXT NOT NULL,
    seen_until TEXT NOT NULL,
    fetch_id INTEGER REFERENCES fetches(id),
    extractor_version TEXT,
    replaced_by TEXT NOT NULL
);
CREATE INDEX article_versions_article ON article_versions(article_id);
CREATE TABLE view_counts (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    observed_at TEXT NOT NULL,
    view_count INTEGER NOT NULL,
    fetch_id INTEGER REFERENCES fetches(id),
    PRIMARY KEY (article_id, observed_at)
) WITHOUT ROWID;
CREATE TABLE near_duplicates (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    duplicate_of INTEGER NOT NULL REFERENCES articles(id),
    similarity REAL NOT NULL,
    found_at TEXT NOT NULL,
    PRIMARY KEY (article_id, duplicate_of)
) WITHOUT ROWID;
CREATE INDEX near_duplicates_of ON near_duplicates(duplicate_of);
CREATE TABLE minhash_bands (
    band_key INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    PRIMARY KEY (band_key, article_id)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, lead, body,
    content='',
    tokenize='unicode61 remove_diacritics 2'
);
"""

#: The archive's views.
VIEWS: tuple[str, ...] = ("article_list",)
#: The archive's own tables (FTS5 shadow tables aside), in creation order.
TABLES: tuple[str, ...] = (
    "archive_meta",
    "frontier",
    "sites",
    "crawl_runs",
    "bodies",
    "fetches",
    "articles",
    "article_urls",
    "article_versions",
    "view_counts",
    "near_duplicates",
    "minhash_bands",
    FTS_TABLE,
)


def _create_v1(db: sqlite_utils.Database) -> None:
    _run_ddl(db, _V1)


def _run_ddl(db: sqlite_utils.Database, ddl: str) -> None:
    for statement in ddl.split(";\n"):
        if statement.strip():
            db.execute(statement)


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: ``apply`` brings a database at ``version - 1`` to ``version``."""

    version: int
    description: str
    apply: Callable[[sqlite_utils.Database], None]


def _create_frontier(db: sqlite_utils.Database) -> None:
    from archiver.store.frontier import DDL

    _run_ddl(db, DDL)


def _warc_pointers(db: sqlite_utils.Database) -> None:
    from archiver.store.warcs import add_pointer_columns

    add_pointer_columns(db)


def _fts_over_articles(db: sqlite_utils.Database) -> None:
    """The contentless index becomes an external-content one over ``articles`` (see
    :mod:`archiver.store.fts`), which sqlite-utils, Datasette and ``snippet()`` can use.

    The table is created empty; the probe is marked stale so that opening the archive
    indexes every article again with the code of the day (``indexes.ensure_probes``).
    """
    from archiver.store.fts import create_sql

    db.execute(f"DROP TABLE {FTS_TABLE}")
    db.execute(create_sql(("title", "lead", "body")))
    db.execute("INSERT OR REPLACE INTO archive_meta(key, value) VALUES ('fold_probe', 'stale')")


#: A row per article, short enough to read as a list (Datasette's default browsing view).
ARTICLE_LIST = """
CREATE VIEW article_list AS
SELECT id, title, site, published_at, author, view_count,
    CASE WHEN length(coalesce(lead, body)) > 200
        THEN substr(coalesce(lead, body), 1, 200) || '…'
        ELSE coalesce(lead, body)
    END AS excerpt,
    url
FROM articles
"""


def _article_list(db: sqlite_utils.Database) -> None:
    db.execute(ARTICLE_LIST)


def _captions_and_source(db: sqlite_utils.Database) -> None:
    """Captions (a JSON list) and the credited source on articles; captions in the index.

    Existing articles get empty values. An FTS5 table cannot gain a column: it is created
    again with the new one, and the probe is marked stale so that opening the archive
    indexes every article again (as migration 4 does).
    """
    from archiver.store.fts import create_sql

    db["articles"].add_column("captions", str, not_null_default="[]")
    db["articles"].add_column("source", str)
    db.execute(f"DROP TABLE {FTS_TABLE}")
    db.execute(create_sql(("title", "lead", "body", "captions")))
    db.execute("INSERT OR REPLACE INTO archive_meta(key, value) VALUES ('fold_probe', 'stale')")


MIGRATIONS: list[Migration] = [
    Migration(1, "initial schema", _create_v1),
    Migration(2, "crawl frontier", _create_frontier),
    Migration(3, "WARC pointers on fetches", _warc_pointers),
    Migration(4, "full-text index over the articles table", _fts_over_articles),
    Migration(5, "article_list view", _article_list),
    Migration(
        6, "captions and source of articles, captions in the full-text index", _captions_and_source
    ),
]


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
    db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
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
            step.apply(db)
            conn.execute(f"PRAGMA user_version = {int(step.version)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(step)
