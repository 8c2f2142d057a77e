"""The PostgreSQL engine under :class:`~archiver.store.Archive`: a :class:`Database` on a pool.

Opening (:func:`.engine.open_archive`) migrates and checks the schema; writes go
through :class:`~.writer.PgWriter` and are run again after a conflict with another
crawler (:data:`.engine.RETRYABLE`); search ranks with ``ts_rank`` (:mod:`.fts`),
export writes the SQLite export's bytes (:mod:`.export`), and a crawl run leases host
slots (:mod:`.hosts`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archiver.errors import StoreError
from archiver.store.database import Database
from archiver.store.postgres import engine, fts
from archiver.store.postgres.connection import pg_error
from archiver.store.postgres.writer import PgWriter

__all__ = ["PostgresDatabase"]


class PostgresDatabase(Database):
    """An archive in a PostgreSQL database, shared by any number of crawlers."""

    engine = "postgresql"
    shared = True
    ranker = staticmethod(fts.ranked)

    @classmethod
    def open(
        cls, target: str, *, readonly: bool, timeout: float, compress_level: int
    ) -> PostgresDatabase:
        pool, conn, rebuilt = engine.open_archive(target, readonly=readonly, timeout=timeout)
        database = cls(
            target, conn, readonly=readonly, timeout=timeout, compress_level=compress_level
        )
        database._writer = PgWriter(conn)
        database._pool = pool
        database.rebuilt = rebuilt
        return database

    def close(self) -> None:
        if self._conn is not None:
            engine.close(self._pool, self._conn)
            self._conn = None

    def begin_write(self) -> None:
        # READ COMMITTED: each statement sees what other crawlers committed before it; the
        # writer's advisory locks order the saves that could collide (see .writer).
        self.conn.execute("BEGIN")

    def in_transaction(self) -> bool:
        return bool(self.conn.in_transaction)

    def is_engine_error(self, error: BaseException) -> bool:
        return type(error).__module__.startswith("psycopg")

    def store_error(self, error: BaseException, action: str) -> StoreError:
        assert isinstance(error, Exception)
        return pg_error(error, self.path, action)

    def is_conflict(self, error: BaseException | None) -> bool:
        return engine.retryable(error)

    def exporter(self) -> Callable[..., int] | None:
        from archiver.store.postgres.export import export

        return export

    def fleet(self) -> dict[str, Any] | None:
        return engine.fleet(self.conn)

    def check(self) -> list[str]:
        return engine.check(self.conn)

    def host_slots(self, run_id: int | None) -> Any:
        from archiver.store.postgres.hosts import HostSlots

        return HostSlots(self._pool, self.path, run_id)
