"""Connections to a PostgreSQL archive: a pool, one-line errors, and the archive's SQL on it.

The archive's portable SQL is written once, with ``?`` and ``:name`` placeholders as
:mod:`sqlite3` takes them. :class:`PgConnection` gives a psycopg connection the small
part of the :mod:`sqlite3` interface the store uses (``execute``, ``executemany``,
``cursor``, ``fetchone``/``fetchall``/``fetchmany``, ``rowcount``, ``lastrowid``,
``total_changes``, ``in_transaction``) and rewrites, once per statement text, the few
SQLite spellings that PostgreSQL spells otherwise (:func:`translate`):

========================================  =============================================
SQLite                                    PostgreSQL
========================================  =============================================
``?``, ``:name``, a literal ``%``         ``%s``, ``%(name)s``, ``%%``
``BEGIN IMMEDIATE``                       ``BEGIN``
``INSERT OR IGNORE INTO t …``             ``INSERT INTO t … ON CONFLICT DO NOTHING``
``INSERT OR REPLACE INTO t …``            ``… ON CONFLICT (key) DO UPDATE SET …``
``max(a, b)``, ``min(a, b)`` (scalar)     ``GREATEST(a, b)``, ``LEAST(a, b)``
``instr(haystack, needle)``               ``strpos(haystack, needle)``
``lastrowid`` after an ``INSERT``         ``… RETURNING id``
========================================  =============================================

Everything PostgreSQL does differently in substance (the schema, full-text search,
leases on the frontier and host slots, export) lives in its own module of this package.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from archiver.errors import StoreError

__all__ = [
    "PREFIXES",
    "PgConnection",
    "connect_pool",
    "is_postgres",
    "pg_error",
    "redact",
    "translate",
]

#: Targets that name a PostgreSQL archive instead of a SQLite file.
PREFIXES = ("postgresql://", "postgres://")
#: Primary keys of the tables written with ``INSERT OR REPLACE``.
_REPLACE_KEYS = {
    "archive_meta": ("key",),
    "near_duplicates": ("article_id", "duplicate_of"),
    "view_counts": ("article_id", "observed_at"),
    "sites": ("name",),
}
#: Tables whose rows get an identity ``id``: an ``INSERT`` returns it as ``lastrowid``.
_ID_TABLES = frozenset({"crawl_runs", "fetches", "article_versions", "frontier", "articles"})

_INSERT = re.compile(
    r"^\s*INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+(\w+)\s*\(([^)]*)\)", re.IGNORECASE
)
_PLAIN_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)\b", re.IGNORECASE)
_SCALAR = re.compile(r"\b(max|min)\(([^(),]+),([^(),]+)\)", re.IGNORECASE)
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def is_postgres(target: object) -> bool:
    """Whether ``target`` (a ``--db`` value) is a PostgreSQL connection URL."""
    return isinstance(target, str) and target.startswith(PREFIXES)


def redact(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[2]}"))


@lru_cache(maxsize=1024)
def translate(sql: str, named: bool = False) -> str:
    """The PostgreSQL spelling of one statement of the archive's SQL (see the module doc)."""
    text = sql.strip()
    if re.fullmatch(r"BEGIN\s+IMMEDIATE", text, re.IGNORECASE):
        return "BEGIN"
    text = text.replace("%", "%%")
    suffix = ""
    match = _INSERT.match(text)
    if match:
        kind, table, columns = match.group(1).upper(), match.group(2), match.group(3)
        text = f"INSERT INTO {table}({columns})" + text[match.end() :]
        if kind == "IGNORE":
            suffix = " ON CONFLICT DO NOTHING"
        else:
            keys = _REPLACE_KEYS[table]
            names = [c.strip() for c in columns.split(",")]
            updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in names if c not in keys)
            suffix = f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    text = _SCALAR.sub(lambda m: f"{'GREATEST' if m.group(1).lower() == 'max' else 'LEAST'}"
                       f"({m.group(2)},{m.group(3)})", text)  # fmt: skip
    text = re.sub(r"\binstr\(", "strpos(", text)
    text = _NAMED.sub(r"%(\1)s", text) if named else text.replace("?", "%s")
    return text + suffix


def _returns_id(sql: str) -> bool:
    """Whether an ``INSERT`` adds a row with an identity ``id`` (then it is returned)."""
    match = _INSERT.match(sql)
    table = match.group(2) if match else None
    if match is None and (plain := _PLAIN_INSERT.match(sql)):
        table = plain.group(1)
    return table in _ID_TABLES and "RETURNING" not in sql.upper()


class PgCursor:
    """A psycopg cursor with :mod:`sqlite3`'s interface, as the store uses it."""

    def __init__(self, owner: PgConnection) -> None:
        self.connection = owner
        self._cur = owner.raw.cursor()
        self.lastrowid: int | None = None

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> PgCursor:
        named = isinstance(params, Mapping)
        text = translate(sql, named)
        returning = _returns_id(sql)
        if returning:
            text += " RETURNING id"
        self._cur.execute(text, params)
        if returning:
            row = self._cur.fetchone()
            self.lastrowid = row[0] if row else None
        self.connection.count(self._cur)
        return self

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> PgCursor:
        rows = list(rows)
        if rows:
            self._cur.executemany(translate(sql, isinstance(rows[0], Mapping)), rows)
            self.connection.count(self._cur)
        return self

    @property
    def rowcount(self) -> int:
        return self._cur.rowcount

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._cur.fetchone()

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self._cur.fetchall() if self._cur.description else []

    def fetchmany(self, size: int = 100) -> list[tuple[Any, ...]]:
        return self._cur.fetchmany(size)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._cur) if self._cur.description else iter(())

    def close(self) -> None:
        self._cur.close()


class PgConnection:
    """A pooled psycopg connection (autocommit: transactions are explicit ``BEGIN``s)."""

    def __init__(self, raw: Any, url: str) -> None:
        self.raw = raw
        self.url = url
        self.total_changes = 0

    def count(self, cur: Any) -> None:
        if cur.rowcount and cur.rowcount > 0 and cur.description is None:
            self.total_changes += cur.rowcount

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def cursor(self) -> PgCursor:
        return PgCursor(self)

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> PgCursor:
        return self.cursor().execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> PgCursor:
        return self.cursor().executemany(sql, rows)


def pg_error(error: Exception, url: str, action: str) -> StoreError:
    """A ``StoreError`` saying in one line what went wrong with the server while ``action``."""
    import psycopg

    where = redact(url)
    text = " ".join(str(error).split()) or type(error).__name__
    if isinstance(error, psycopg.OperationalError) and (
        "connect" in text.lower() or "connection" in text.lower()
    ):
        return StoreError(
            f"cannot reach the PostgreSQL archive {where} while {action} ({text}); "
            "is the server running and the URL right?"
        )
    if isinstance(error, psycopg.errors.InsufficientPrivilege):
        return StoreError(f"{where}: permission denied while {action} ({text})")
    if isinstance(error, psycopg.errors.ReadOnlySqlTransaction):
        return StoreError(f"{where} is read-only: cannot write while {action}")
    return StoreError(f"{where}: {text} (while {action})")


def connect_pool(url: str, *, size: int = 4, timeout: float = 30.0) -> Any:
    """A psycopg pool of autocommit connections to ``url`` (opened and checked at once)."""
    try:
        import psycopg
        from psycopg_pool import ConnectionPool, PoolTimeout
    except ImportError:
        raise StoreError(
            f"{redact(url)}: a PostgreSQL archive needs psycopg and psycopg_pool; "
            "install them with pip install 'archiver[postgres]'"
        ) from None

    pool = ConnectionPool(
        url,
        min_size=1,
        max_size=size,
        timeout=timeout,
        open=False,
        kwargs={"autocommit": True, "application_name": "archiver"},
        name="archiver",
    )
    try:
        pool.open(wait=True, timeout=min(timeout, 10.0))
    except PoolTimeout:
        pool.close()
        # Say why: one direct attempt gives the server's own reason.
        try:
            psycopg.connect(url, connect_timeout=5).close()
        except psycopg.Error as error:
            raise pg_error(error, url, "connecting") from None
        raise StoreError(f"cannot reach the PostgreSQL archive {redact(url)} (timed out)") from None
    return pool
