"""The layer under :class:`~archiver.store.Archive`: one open archive database and its writer.

A :class:`Database` owns the connection, hands out write transactions (each one a
:class:`~archiver.store.writer.Writer` inside ``BEGIN``/``COMMIT``) and read access, and
turns the engine's errors into one-line :class:`~archiver.errors.StoreError` messages. The
frontier (:mod:`archiver.store.frontier`), re-extraction (:mod:`archiver.store.reparse`)
and the WARC lookups (:mod:`archiver.store.warcs`) take a ``Database``, not the façade.

What depends on the engine is in one place per engine: :mod:`archiver.store.sqlite`
(opening, checking and configuring a SQLite file, its errors, its migrations in
:mod:`archiver.store.migrations`). :func:`open_database` picks the engine from the
target: SQLite (a file path or ``:memory:``) or PostgreSQL (a ``postgresql://`` URL,
:mod:`archiver.store.postgres`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from archiver.article import Article
from archiver.errors import InputError, StoreError
from archiver.fetch.exchange import Exchange
from archiver.store.prepare import Prepared, prepare, prepare_many
from archiver.store.warcs import WarcPointer
from archiver.store.writer import Writer

__all__ = ["MEMORY", "Database", "open_database"]

T = TypeVar("T")

#: The target of an archive that lives in memory only (notebooks, tests).
MEMORY = ":memory:"


class Database:
    """An open archive database: its connection, its single writer, its transactions.

    Subclasses (one per engine) open the connection and say how to begin a write
    transaction (:meth:`begin_write`, :meth:`in_transaction`) and which errors are the
    engine's (:meth:`is_engine_error`, :meth:`store_error`). One connection, used by one
    thread at a time.
    """

    #: The engine's name, as a target names it (``sqlite``, ``postgresql``).
    engine = ""
    #: Whether many crawlers may use the archive at once (leases, not a run lock).
    shared = False
    #: Ranks search matches where the index is not SQLite's FTS5 (see
    #: :func:`archiver.store.search.iter_search`); None: bm25 over FTS5.
    ranker: Any = None
    #: Tries of a write transaction that :meth:`is_conflict` says to run again.
    WRITE_TRIES = 5

    def __init__(
        self,
        target: str,
        conn: Any,
        *,
        readonly: bool,
        timeout: float,
        compress_level: int,
    ) -> None:
        self.path = target
        self.readonly = readonly
        self.timeout = timeout
        self.compress_level = compress_level
        #: Derived indexes rebuilt when this database was opened (their code had changed).
        self.rebuilt: list[str] = []
        self._conn: Any = conn
        self._writer = Writer(conn)

    # -- engine hooks ------------------------------------------------------------------

    def begin_write(self) -> None:
        """Begin a write transaction that holds the database's write lock at once."""
        raise NotImplementedError

    def in_transaction(self) -> bool:
        raise NotImplementedError

    def is_engine_error(self, error: BaseException) -> bool:
        raise NotImplementedError

    def store_error(self, error: BaseException, action: str) -> StoreError:
        raise NotImplementedError

    def limit_cache(self, kib: int) -> None:
        """Keep at most ``kib`` KiB of the database cached in this process: a crawl writes
        pages it never reads back, and a cache full of them is only memory (engines
        without a cache of their own ignore it)."""

    def is_conflict(self, error: BaseException | None) -> bool:
        """Whether a write transaction failed only for a conflict with another writer
        (run it again); never on SQLite, whose writers queue for the lock instead."""
        return False

    @contextmanager
    def checkpoints_aside(self) -> Iterator[None]:
        """While inside, an engine that copies its log into the database file at commit
        (SQLite's WAL checkpoints) does it beside the writer instead: a run of batches
        then does not wait for that copying and its disk flushes (none here)."""
        yield

    def committed(self) -> None:
        """Called after each write transaction's COMMIT (:meth:`checkpoints_aside`)."""

    def exporter(self) -> Callable[..., int] | None:
        """The engine's own export (None: :func:`archiver.store.export.export`)."""
        return None

    def fleet(self) -> dict[str, Any] | None:
        """The crawlers at work on a shared archive, with their leases (None: not shared)."""
        return None

    def check(self) -> list[str]:
        """Consistency problems, on an engine with its own checks."""
        raise NotImplementedError

    def host_slots(self, run_id: int | None) -> Any:
        """The host slots a crawl run leases on a shared archive (None: not shared)."""
        return None

    # -- connection ----------------------------------------------------------------------

    @property
    def conn(self) -> Any:
        """The open DB-API connection (for ad-hoc SQL); a closed database raises StoreError."""
        if self._conn is None:
            raise StoreError(f"{self.path}: the archive is closed")
        return self._conn

    @property
    def closed(self) -> bool:
        return self._conn is None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.path!r}{', readonly=True' if self.readonly else ''})"

    @contextmanager
    def transaction(self, action: str) -> Iterator[Writer]:
        """One write transaction; engine errors roll it back and become one-line StoreErrors."""
        if self.readonly:
            raise StoreError(f"{self.path} was opened read-only; cannot {action}")
        conn = self.conn
        try:
            self.begin_write()
            self._writer.begin()
            yield self._writer
            self._writer.flush()
            conn.execute("COMMIT")
            self.committed()
        except BaseException as error:
            if self.in_transaction():
                conn.execute("ROLLBACK")
            self._writer.forget()
            if self.is_engine_error(error):
                raise self.store_error(error, action) from error
            raise

    def write(self, action: str, work: Callable[[Writer], T]) -> T:
        """``work(writer)`` in one write transaction, run again (up to :attr:`WRITE_TRIES`
        times) when the engine rolls it back for a conflict with another writer."""
        for attempt in range(1, self.WRITE_TRIES + 1):
            try:
                with self.transaction(action) as writer:
                    return work(writer)
            except StoreError as error:
                if attempt == self.WRITE_TRIES or not self.is_conflict(error.__cause__):
                    raise
        raise AssertionError("unreachable")

    @contextmanager
    def reading(self, action: str) -> Iterator[Any]:
        """The connection, for reads; engine errors become one-line StoreErrors."""
        try:
            yield self.conn
        except Exception as error:
            if self.is_engine_error(error):
                raise self.store_error(error, action) from error
            raise

    # -- bodies and prepared saves -------------------------------------------------------

    def body_known(self, sha256: str) -> bool:
        """Whether a response body with this SHA-256 (hex) is already archived."""
        row = self.conn.execute("SELECT 1 FROM bodies WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None

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

    def prepare_many(
        self,
        items: Sequence[tuple[Exchange, Article | None, WarcPointer | None]],
        *,
        site: str | None = None,
    ) -> list[Prepared]:
        """:meth:`prepare` of each (exchange, article, WARC pointer), signatures computed
        for the whole batch at once."""
        return prepare_many(
            items,
            site=site,
            known_bodies=self.bodies_known,
            compress_level=self.compress_level,
        )

    def bodies_known(self, hashes: set[str]) -> set[str]:
        """Which of these response bodies (SHA-256, hex) are already archived: one query
        (nothing is written while a batch is prepared, so it answers for all of it)."""
        wanted = sorted(hashes)
        known: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self.conn.execute(f"SELECT sha256 FROM bodies WHERE sha256 IN ({marks})", chunk)
            known.update(row[0] for row in rows)
        return known


#: Opens a database of one engine: ``opener(target, readonly=, timeout=, compress_level=)``.
Opener = Callable[..., Database]


def _engine_of(target: str) -> str:
    scheme, sep, _ = target.partition("://")
    return scheme.lower() if sep and scheme.isalpha() else "sqlite"


def open_database(
    target: str | os.PathLike[str],
    *,
    readonly: bool = False,
    timeout: float = 30.0,
    compress_level: int = 3,
) -> Database:
    """Open (creating and migrating if needed) the archive at ``target``.

    ``target`` is a file path or :data:`MEMORY` (SQLite), or a ``postgresql://`` URL
    (PostgreSQL); another engine's URL raises :class:`~archiver.errors.StoreError`.
    """
    if not isinstance(target, (str, os.PathLike)):
        raise InputError(
            f"an archive is a file path or {MEMORY!r}, not {type(target).__name__} {target!r}"
        )
    target = os.fspath(target)
    if not isinstance(target, str) or not target:
        raise InputError(f"an archive is a file path or {MEMORY!r}, not {target!r}")
    engine = _engine_of(target)
    if engine in ("postgresql", "postgres"):
        from archiver.store.postgres.database import PostgresDatabase

        return PostgresDatabase.open(
            target, readonly=readonly, timeout=timeout, compress_level=compress_level
        )
    if engine != "sqlite":
        raise StoreError(
            f"{target}: no archive engine for {engine}:// "
            "(a SQLite file path, or postgresql://user@host/database)"
        )
    from archiver.store.sqlite import SQLiteDatabase

    return SQLiteDatabase.open(
        target, readonly=readonly, timeout=timeout, compress_level=compress_level
    )
