"""The SQLite engine: opening an archive file safely, configuring it, and its errors.

Everything specific to SQLite outside the SQL itself is here: the checks before the
first write, WAL mode and the other pragmas, ``BEGIN IMMEDIATE``, and turning
``sqlite3`` errors into one-line ``StoreError`` messages. Opening never writes before it has
checked that the file is a SQLite database, that it is an archive (or empty), and
that its schema is not newer than this code; a file that fails any check is left
exactly as it was. ``:memory:`` opens an archive that lives in memory only.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from archiver.errors import StoreError
from archiver.store import indexes
from archiver.store.database import MEMORY, Database
from archiver.store.folding import index_fold
from archiver.store.migrations import check_version, latest_version, migrate

__all__ = [
    "Checkpointer",
    "SQLiteDatabase",
    "check_pages",
    "configure",
    "open_connection",
    "store_error",
]

#: Page cache per connection (negative = KiB): the FTS index and dedup lookups stay warm.
CACHE_KIB = 65536
#: Files up to this size get a full ``PRAGMA quick_check`` before the first write (about
#: a second for 1 GiB from the page cache); larger ones check every table but the bulk
#: ones (raw bodies, the full-text index's data), which a damaged write then reports.
QUICK_CHECK_BYTES = 1 << 30
_BULK_TABLES = frozenset({"bodies", "articles_fts_data"})


def _adapt_as_is() -> None:
    """Give ``None`` and ``bytes`` parameters an adapter that returns them unchanged.

    CPython's ``sqlite3`` binds ``int``, ``float`` and ``str`` directly but first looks
    every ``None`` and ``bytes`` up among the registered adapters, and on a miss asks the
    protocol type for ``__adapt__``: an AttributeError formatted and cleared each time.
    The writer binds some thirty such values an article (empty columns, signatures, raw
    pages); a registered adapter is one dict hit and a C call (``executemany`` of rows
    with five of them: 2.9 -> 1.7 us a row). The values bound are the same objects. An
    adapter someone registered before is kept (process-wide, like ``register_adapter``).
    """
    for kind, same in ((type(None), {None: None}.get), (bytes, bytes)):
        if (kind, sqlite3.PrepareProtocol) not in sqlite3.adapters:
            sqlite3.register_adapter(kind, same)


_adapt_as_is()


def _describe(error: sqlite3.Error) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def store_error(error: sqlite3.Error, path: str, action: str, timeout: float = 0) -> StoreError:
    """A ``StoreError`` saying in one line what went wrong with ``path`` while doing ``action``."""
    text = _describe(error)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        message = (
            f"{path} is locked by another writer (waited {timeout:g}s) while {action}; "
            "retry when the other process is done"
        )
    elif "full" in lowered:
        message = (
            f"{path}: disk or database full while {action}; that transaction was rolled "
            "back and everything committed before it is intact - free space and retry"
        )
    elif "readonly" in lowered or "read-only" in lowered:
        message = f"{path} is read-only: cannot write while {action}"
    elif "not a database" in lowered or "encrypted" in lowered:
        message = f"{path} is not a SQLite database (nothing was changed)"
    elif "malformed" in lowered or "corrupt" in lowered:
        message = f"{path} is damaged ({text}); try `sqlite3 {path} .recover` on a copy"
    elif "unable to open" in lowered:
        message = f"cannot open {path} ({text})"
    else:
        message = f"{path}: {text} (while {action})"
    return StoreError(message)


def _check_writable(path: Path) -> None:
    if path.exists():
        if path.is_dir():
            raise StoreError(f"{path} is a directory, not an archive file")
        # Root may write anywhere, so also honour the permission bits: a file marked
        # read-only is not written even when the process could.
        if not os.access(path, os.W_OK) or not path.stat().st_mode & (
            stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
        ):
            raise StoreError(
                f"{path} is read-only; only search, export and stats can use it "
                "(or fix its permissions)"
            )
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise StoreError(f"cannot create {path}: directory {directory} does not exist")
    if not os.access(directory, os.W_OK):
        raise StoreError(
            f"cannot write in {directory}: the archive needs its directory for the WAL files"
        )


def open_connection(path: str, *, readonly: bool, timeout: float) -> sqlite3.Connection:
    """Connect to ``path`` and prove it is a readable SQLite file; nothing is written yet."""
    file = Path(path)
    if path == MEMORY:
        if readonly:
            raise StoreError(f"an archive in {MEMORY} starts empty: it cannot be opened read-only")
        target, uri = path, False
    elif readonly:
        if not file.is_file():
            raise StoreError(f"no archive at {path} (set --db or ARCHIVER_DB, or crawl first)")
        target, uri = f"file:{quote(str(file.resolve()))}?mode=ro", True
    else:
        _check_writable(file)
        target, uri = path, False
    try:
        conn = sqlite3.connect(
            target, timeout=timeout, isolation_level=None, uri=uri, check_same_thread=False
        )
    except sqlite3.Error as error:
        raise store_error(error, path, "opening") from error
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        conn.close()
        raise store_error(error, path, "opening") from error
    return conn


def check_pages(conn: sqlite3.Connection, path: str) -> None:
    """Refuse to write into a damaged file: ``PRAGMA quick_check`` before the first write.

    Raises a one-line ``StoreError`` with the ``.recover`` hint; nothing is written.
    """
    if path == MEMORY:
        return
    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0
    if size <= QUICK_CHECK_BYTES:
        pragmas = ["PRAGMA quick_check(5)"]
    else:
        tables = [
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if row[0] not in _BULK_TABLES
        ]
        pragmas = [f'PRAGMA quick_check("{name}")' for name in tables]
    for pragma in pragmas:
        problems = [row[0] for row in conn.execute(pragma) if row[0] != "ok"]
        if problems:
            raise StoreError(
                f"{path} is damaged ({problems[0]}); nothing was written - try "
                f"`sqlite3 {path} .recover` on a copy"
            )


def configure(
    conn: sqlite3.Connection, *, readonly: bool, timeout: float, memory: bool = False
) -> None:
    """Per-connection settings; WAL (a property of the file) only when writing to a file."""
    if not readonly and not memory:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"could not switch the archive to WAL mode (got {mode})")
        # NORMAL is durable across application crashes in WAL mode; only an OS crash
        # or power cut can lose the last transactions, never corrupt the file.
        conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute("PRAGMA temp_store = MEMORY")
    # The folding the index uses, for author filters and ad-hoc SQL (`vn_fold(title)`).
    conn.create_function("vn_fold", 1, index_fold, deterministic=True)


class Checkpointer:
    """A thread with its own connection that checkpoints the WAL when asked (PASSIVE: it
    copies what is committed into the database file and never blocks the writer).

    The writer's connection checkpoints at the COMMIT that takes the WAL past 1,000 pages
    (``wal_autocheckpoint``), which a batch of a few hundred articles always does: it reads
    the batch's pages back from the WAL, writes them into the file and waits for two disk
    flushes before its next batch can begin. Here that happens while the writer goes on;
    SQLite runs a checkpoint beside a writer (WAL mode), and a kill at any moment leaves
    the file as consistent as a kill during the writer's own checkpoint would.
    """

    def __init__(self, path: str, timeout: float) -> None:
        self._conn = sqlite3.connect(
            path, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        self._changed = threading.Condition()
        self._asked = self._running = self._closing = False
        self._thread = threading.Thread(target=self._run, name="archiver-checkpoint", daemon=True)
        self._thread.start()

    def ask(self) -> None:
        """Checkpoint soon (asks made while one runs are served by one more)."""
        with self._changed:
            self._asked = True
            self._changed.notify_all()

    def wait(self) -> None:
        """Return once no checkpoint is asked for or running."""
        with self._changed:
            self._changed.wait_for(lambda: not (self._asked or self._running))

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._asked or self._closing)
                if self._closing:
                    return
                self._asked, self._running = False, True
            # Only an early copy: should it fail, the writer's own checkpoints take over.
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            with self._changed:
                self._running = False
                self._changed.notify_all()

    def close(self) -> None:
        """Let a running checkpoint finish, then end the thread and its connection."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._thread.join()
        self._conn.close()


class SQLiteDatabase(Database):
    """An archive in one SQLite file (WAL mode: readers never block the writer), or in memory."""

    engine = "sqlite"

    @classmethod
    def open(
        cls, path: str, *, readonly: bool, timeout: float, compress_level: int
    ) -> SQLiteDatabase:
        """Open ``path``: check it, migrate an older schema in place, rebuild stale indexes."""
        conn = open_connection(path, readonly=readonly, timeout=timeout)
        rebuilt: list[str] = []
        try:
            version = check_version(conn, path)
            if not readonly:
                check_pages(conn, path)
            configure(conn, readonly=readonly, timeout=timeout, memory=path == MEMORY)
            if readonly and version < latest_version():
                raise StoreError(
                    f"{path} has schema version {version} and needs upgrading to "
                    f"{latest_version()}; open it once for writing (e.g. run a crawl or reparse)"
                )
            if not readonly:
                migrate(conn, path)
                conn.execute("BEGIN IMMEDIATE")
                rebuilt = indexes.ensure_probes(conn)
                conn.execute("COMMIT")
        except sqlite3.Error as error:
            conn.close()
            raise store_error(error, path, "opening", timeout) from error
        except BaseException:
            conn.close()
            raise
        database = cls(
            path, conn, readonly=readonly, timeout=timeout, compress_level=compress_level
        )
        database.rebuilt = rebuilt
        return database

    def begin_write(self) -> None:
        # IMMEDIATE: the write lock now, so two writers queue on busy_timeout instead of
        # one failing at its first write with "database is locked".
        self.conn.execute("BEGIN IMMEDIATE")

    def in_transaction(self) -> bool:
        return bool(self.conn.in_transaction)

    def is_engine_error(self, error: BaseException) -> bool:
        return isinstance(error, sqlite3.Error)

    _checkpointer: Checkpointer | None = None
    #: Every this many commits beside a :class:`Checkpointer`, the writer waits for it and
    #: checkpoints the last batch itself. SQLite starts the WAL over only at a write
    #: transaction that begins with all of it copied, which the next batch, begun at once,
    #: never finds while a checkpoint is still copying: this bounds the WAL to that many
    #: batches.
    CATCH_UP = 4
    _commits = 0

    @contextmanager
    def checkpoints_aside(self) -> Iterator[None]:
        if self.path == MEMORY or self._checkpointer is not None:
            yield
            return
        conn = self.conn
        (pages,) = conn.execute("PRAGMA wal_autocheckpoint").fetchone()
        self._checkpointer = Checkpointer(self.path, self.timeout)
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            yield
        finally:
            self._checkpointer.close()
            self._checkpointer = None
            if not self.closed:
                self.conn.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")

    def committed(self) -> None:
        if self._checkpointer is None:
            return
        self._commits += 1
        if self._commits % self.CATCH_UP:
            self._checkpointer.ask()
        else:
            self._checkpointer.wait()
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def limit_cache(self, kib: int) -> None:
        self.conn.execute(f"PRAGMA cache_size = -{min(int(kib), CACHE_KIB)}")

    def store_error(self, error: BaseException, action: str) -> StoreError:
        assert isinstance(error, sqlite3.Error)
        return store_error(error, self.path, action, self.timeout)
