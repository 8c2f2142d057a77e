"""The :class:`Archive`: one SQLite file holding fetches, articles, their history and indexes."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from itertools import islice
from typing import IO, Any, TypeVar

from archiver import __version__
from archiver.article import Article
from archiver.errors import StoreError
from archiver.fetch.exchange import Exchange
from archiver.processes import alive, start_token
from archiver.store import export as _export
from archiver.store import indexes
from archiver.store import reparse as _reparse
from archiver.store import search as _search
from archiver.store import stats as _stats
from archiver.store.connection import check_pages, configure, open_connection, store_error
from archiver.store.postgres.connection import is_postgres
from archiver.store.prepare import Prepared, prepare
from archiver.store.records import ReparseSummary, SaveResult, SearchHit, Stats
from archiver.store.rows import decompress
from archiver.store.schema import check_version, latest_version, migrate
from archiver.store.times import now_iso
from archiver.store.warcs import WarcPointer
from archiver.store.writer import Writer

__all__ = ["DEFAULT_PATH", "EXTRACTOR_VERSION", "Archive"]

DEFAULT_PATH = "archive.db"
#: Recorded with each article when the caller does not name the extractor's version.
EXTRACTOR_VERSION = f"archiver {__version__}"
#: Tries of a write transaction that a shared archive rolls back for a conflict.
WRITE_TRIES = 5
T = TypeVar("T")
RUN_STATUSES = frozenset({"running", "finished", "failed", "interrupted", "killed"})


class Archive:
    """A crawl archive in one SQLite file (WAL mode: readers never block the writer).

    Opening creates the file if needed and migrates an older schema in place. A
    file that is not SQLite, not an archive, read-only (when writing) or from a
    newer archiver raises :class:`~archiver.errors.StoreError` (or
    :class:`~archiver.errors.SchemaTooNewError`) and is left untouched.
    One connection, to be used by one thread at a time.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = DEFAULT_PATH,
        *,
        readonly: bool = False,
        timeout: float = 30.0,
        compress_level: int = 6,
        extractor_version: str = EXTRACTOR_VERSION,
    ) -> None:
        self.path = os.fspath(path)
        self.extractor_version = extractor_version
        self.readonly = readonly
        self.timeout = timeout
        self.compress_level = compress_level
        self.rebuilt: list[str] = []
        #: "sqlite" (a file) or "postgresql" (a server shared by a fleet of crawlers).
        self.engine = "postgresql" if is_postgres(self.path) else "sqlite"
        self._pool: Any = None
        if self.engine == "postgresql":
            self._open_postgres()
            return
        conn = open_connection(self.path, readonly=readonly, timeout=timeout)
        try:
            version = check_version(conn, self.path)
            if not readonly:
                check_pages(conn, self.path)
            configure(conn, readonly=readonly, timeout=timeout)
            if readonly and version < latest_version():
                raise StoreError(
                    f"{self.path} has schema version {version} and needs upgrading to "
                    f"{latest_version()}; open it once for writing (e.g. run a crawl or reparse)"
                )
            if not readonly:
                migrate(conn, self.path)
                conn.execute("BEGIN IMMEDIATE")
                self.rebuilt = indexes.ensure_probes(conn)
                conn.execute("COMMIT")
        except sqlite3.Error as error:
            conn.close()
            raise store_error(error, self.path, "opening", timeout) from error
        except BaseException:
            conn.close()
            raise
        self._conn: sqlite3.Connection | None = conn
        self._writer = Writer(conn)

    def _open_postgres(self) -> None:
        from archiver.store.postgres.engine import open_archive
        from archiver.store.postgres.writer import PgWriter

        self._pool, conn, self.rebuilt = open_archive(
            self.path, readonly=self.readonly, timeout=self.timeout
        )
        self._conn = conn
        self._writer = PgWriter(conn)

    # -- plumbing ----------------------------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"{self.path}: the archive is closed")
        return self._conn

    def close(self) -> None:
        if self._conn is not None and self._pool is not None:
            from archiver.store.postgres.engine import close

            close(self._pool, self._conn)
            self._conn = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Archive({self.path!r}{', readonly=True' if self.readonly else ''})"

    @contextmanager
    def transaction(self, action: str) -> Iterator[Writer]:
        """One write transaction; SQLite errors roll it back and become one-line StoreErrors."""
        if self.readonly:
            raise StoreError(f"{self.path} was opened read-only; cannot {action}")
        conn = self.conn
        try:
            self._writer.begin()
            yield self._writer
            conn.execute("COMMIT")
        except BaseException as error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._writer.forget()
            translated = self._store_error(error, action)
            if translated is not None:
                raise translated from error
            raise

    def write(self, action: str, work: Callable[[Writer], T]) -> T:
        """``work(writer)`` in one write transaction, run again (up to :data:`WRITE_TRIES`
        times) when a shared archive rolls it back for a conflict with another writer."""
        for attempt in range(1, WRITE_TRIES + 1):
            try:
                with self.transaction(action) as writer:
                    return work(writer)
            except StoreError as error:
                if attempt == WRITE_TRIES or not self._conflict(error.__cause__):
                    raise
        raise AssertionError("unreachable")

    def _conflict(self, error: BaseException | None) -> bool:
        if self.engine != "postgresql":
            return False
        from archiver.store.postgres.engine import retryable

        return retryable(error)

    def _store_error(self, error: BaseException, action: str) -> StoreError | None:
        """The one-line ``StoreError`` for an engine's error (None: not the engine's)."""
        if isinstance(error, sqlite3.Error):
            return store_error(error, self.path, action, self.timeout)
        if type(error).__module__.startswith("psycopg"):
            from archiver.store.postgres.connection import pg_error

            return pg_error(error, self.path, action)
        return None

    @contextmanager
    def reading(self, action: str) -> Iterator[Any]:
        try:
            yield self.conn
        except Exception as error:
            translated = self._store_error(error, action)
            if translated is None:
                raise
            raise translated from error

    @property
    def shared(self) -> bool:
        """Whether many crawlers may use this archive at once (a PostgreSQL server)."""
        return self.engine == "postgresql"

    def host_slots(self, run_id: int | None) -> Any:
        """On a shared archive, the host slots a crawl run leases (its fleet's politeness,
        :class:`archiver.store.postgres.hosts.HostSlots`); None on a SQLite file."""
        if not self.shared:
            return None
        from archiver.store.postgres.hosts import HostSlots

        return HostSlots(self._pool, self.path, run_id)

    def body_known(self, sha256: str) -> bool:
        """Whether a response body with this SHA-256 (hex) is already archived."""
        row = self.conn.execute("SELECT 1 FROM bodies WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None

    # -- crawl runs and sites ----------------------------------------------------------

    def start_run(self, arguments: Mapping[str, Any]) -> int:
        """Record the start of a crawl run; returns its id for :meth:`save` and :meth:`finish_run`.

        ``arguments`` is stored as JSON (values that JSON cannot hold are stored as text).
        """
        # The process is recorded too, so a run it never finished (kill -9) can be told
        # from one still going: see mark_dead_runs.
        values = {**arguments, "process": start_token(os.getpid()), "host": socket.gethostname()}
        with self.transaction("starting a crawl run") as writer:
            writer.cur.execute(
                "INSERT INTO crawl_runs(started_at, arguments, status) VALUES (?, ?, 'running')",
                (now_iso(), json.dumps(values, ensure_ascii=False, default=str)),
            )
            return writer.cur.lastrowid or 0

    def mark_dead_runs(self, *, crawl_lock_held: bool = False) -> int:
        """Mark ``killed`` the runs left ``running`` by a process that is gone; how many.

        A run records its process; one without that record (older archives) is known
        dead only when it is a crawl and ``crawl_lock_held`` (no other crawl can run).
        """
        with self.transaction("marking dead crawl runs") as writer:
            if self.engine == "postgresql":
                from archiver.store.postgres.engine import mark_dead_runs

                return mark_dead_runs(writer.cur)
            rows = writer.cur.execute(
                "SELECT id, arguments FROM crawl_runs WHERE status = 'running'"
            ).fetchall()
            dead = []
            for run_id, arguments in rows:
                try:
                    recorded = json.loads(arguments or "{}")
                except ValueError:
                    recorded = {}
                process = recorded.get("process") if isinstance(recorded, dict) else None
                if isinstance(process, str):
                    if not alive(process):
                        dead.append(run_id)
                elif crawl_lock_held and isinstance(recorded, dict) and "targets" in recorded:
                    dead.append(run_id)
            writer.cur.executemany(
                "UPDATE crawl_runs SET status = 'killed' WHERE id = ?", [(i,) for i in dead]
            )
        return len(dead)

    def finish_run(self, run_id: int, status: str, stats: Mapping[str, Any]) -> None:
        if status not in RUN_STATUSES:
            raise StoreError(f"unknown run status {status!r}; use one of {sorted(RUN_STATUSES)}")
        with self.transaction("finishing a crawl run") as writer:
            writer.cur.execute(
                "UPDATE crawl_runs SET finished_at = ?, status = ?, stats = ? WHERE id = ?",
                (
                    now_iso(),
                    status,
                    json.dumps(dict(stats), ensure_ascii=False, default=str),
                    run_id,
                ),
            )
            if writer.cur.rowcount == 0:
                raise StoreError(f"no crawl run {run_id} in {self.path}")

    def register_site(
        self, name: str, *, base_url: str | None = None, profile: str | None = None
    ) -> None:
        """Create or update a ``sites`` row (the crawler calls this once per configured site)."""
        with self.transaction("registering a site") as writer:
            writer.cur.execute(
                "INSERT INTO sites(name, base_url, profile, first_seen_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET "
                "base_url = coalesce(excluded.base_url, sites.base_url), "
                "profile = coalesce(excluded.profile, sites.profile)",
                (name, base_url, profile, now_iso()),
            )

    # -- writing -----------------------------------------------------------------------

    def save(
        self,
        exchange: Exchange,
        article: Article | None,
        *,
        run_id: int | None = None,
        extractor_version: str | None = None,
        site: str | None = None,
    ) -> SaveResult:
        """Store one exchange and, if it gave an article, the article — in one transaction.

        ``site`` names the site of a fetch that gave no article (an article names its own);
        ``extractor_version`` defaults to the archive's :attr:`extractor_version`.
        """
        return self.save_many(
            [(exchange, article)], run_id=run_id, extractor_version=extractor_version, site=site
        )[0]

    def prepare(
        self,
        exchange: Exchange,
        article: Article | None,
        *,
        site: str | None = None,
        warc: WarcPointer | None = None,
    ) -> Prepared:
        """The CPU part of saving ``exchange`` (see :func:`archiver.store.prepare.prepare`),
        skipping the compression of a body this archive already holds."""
        return prepare(
            exchange,
            article,
            site=site,
            body_known=self.body_known,
            compress_level=self.compress_level,
            warc=warc,
        )

    def save_many(
        self,
        items: Iterable[
            tuple[Exchange, Article | None] | tuple[Exchange, Article | None, WarcPointer | None]
        ],
        *,
        run_id: int | None = None,
        extractor_version: str | None = None,
        site: str | None = None,
        batch_size: int = 500,
    ) -> list[SaveResult]:
        """:meth:`save` for many exchanges, one transaction per ``batch_size`` of them.

        An item may carry a third element, the :class:`WarcPointer` of its WARC record.
        """
        results: list[SaveResult] = []
        iterator = iter(items)
        version = extractor_version or self.extractor_version
        while batch := list(islice(iterator, batch_size)):
            with self.reading("checking stored bodies"):  # CPU work, before the write lock
                prepared = [
                    self.prepare(exchange, article, site=site, warc=warc[0] if warc else None)
                    for exchange, article, *warc in batch
                ]
            results.extend(
                self.write(
                    "saving fetched pages",
                    lambda writer, batch=prepared: [  # type: ignore[misc]
                        writer.save(item, run_id, version) for item in batch
                    ],
                )
            )
        return results

    # -- reading -----------------------------------------------------------------------

    def body(self, sha256: str) -> bytes:
        """The raw bytes of a stored response body."""
        with self.reading("reading a stored body") as conn:
            row = conn.execute(
                "SELECT compression, data FROM bodies WHERE sha256 = ?", (sha256,)
            ).fetchone()
        if row is None:
            raise StoreError(f"no stored body with sha256 {sha256} in {self.path}")
        compression, data = row
        return decompress(compression, data)

    def search(
        self,
        query: str,
        *,
        site: str | None = None,
        since: str | None = None,
        until: str | None = None,
        author: str | None = None,
        limit: int = 20,
        exact: bool = False,
    ) -> list[SearchHit]:
        """Accent-insensitive full-text search, best first (see :mod:`archiver.store.search`)."""
        return list(
            self.iter_search(
                query, site=site, since=since, until=until, author=author, limit=limit, exact=exact
            )
        )

    def iter_search(self, query: str, **options: Any) -> Iterator[SearchHit]:
        """:meth:`search`, yielding each hit as soon as it is found (for streaming output)."""
        with self.reading("searching") as conn:
            if self.engine == "postgresql":
                from archiver.store.postgres.fts import ranked

                options["ranker"] = ranked
            yield from _search.iter_search(conn, query, **options)

    def export(
        self,
        *,
        format: str = "jsonl",
        site: str | None = None,
        since: str | None = None,
        until: str | None = None,
        author: str | None = None,
        query: str | None = None,
        fields: Sequence[str] | None = None,
        raw: bool = False,
        out: IO[str],
        bom: bool = False,
    ) -> int:
        """Stream articles to ``out`` as JSON lines or CSV; returns the number of rows written.

        ``author`` and ``query`` filter as ``archiver search`` does (every match of the
        query, not only the best); ``fields`` picks the columns; ``raw`` writes CSV cells
        that start like a formula verbatim (see :mod:`archiver.store.export`).
        """
        selection = _export.Selection(site, since, until, author, query)
        with self.reading("exporting") as conn:
            if self.engine == "postgresql":
                from archiver.store.postgres.export import export

                return export(
                    conn,
                    format=format,
                    selection=selection,
                    fields=fields,
                    raw=raw,
                    out=out,
                    bom=bom,
                )
            return _export.export(
                conn, format=format, selection=selection, fields=fields, raw=raw, out=out, bom=bom
            )

    def stats(self) -> Stats:
        with self.reading("computing statistics") as conn:
            found = _stats.stats(conn)
            if self.engine == "postgresql":
                from archiver.store.postgres.engine import fleet

                found = replace(found, fleet=fleet(conn))
            return found

    def check(self) -> list[str]:
        """Consistency problems (empty list when sound): integrity, FTS, orphan rows."""
        with self.reading("checking the archive") as conn:
            if self.engine == "postgresql":
                from archiver.store.postgres.engine import check

                return check(conn)
            return indexes.check(conn)

    def reparse(
        self,
        *,
        site: str | None = None,
        extract: Callable[..., Article] | None = None,
        extractor_version: str | None = None,
        batch_size: int = 200,
    ) -> ReparseSummary:
        """Re-run extraction over stored raw pages, updating articles and keeping history.

        ``extract`` defaults to :func:`archiver.extract`; it is called as
        ``extract(html, url, headers=..., fetched_at=...)``.
        """
        return _reparse.reparse(
            self,
            site=site,
            extract=extract,
            extractor_version=extractor_version,
            batch_size=batch_size,
        )
