"""Opening a PostgreSQL archive, and what differs about it beyond single statements.

``Archive("postgresql://user@host/db")`` comes here: a psycopg pool is opened, the
schema migrated (:mod:`.schema`) unless read-only, and the derived indexes checked
against the code of the day (the probes of :mod:`archiver.store.indexes`). Runs of a
fleet are told alive or dead by their heartbeat (``crawl_runs.beat_at``), not by a
process id that means nothing on another machine.
"""

from __future__ import annotations

from typing import Any

from archiver.errors import SchemaTooNewError, StoreError
from archiver.store import indexes
from archiver.store.postgres import fts
from archiver.store.postgres.connection import PgConnection, connect_pool, pg_error, redact
from archiver.store.postgres.frontier import lease_seconds
from archiver.store.postgres.schema import fold_function_sql, latest_version, migrate, version

__all__ = ["RETRYABLE", "check", "fleet", "mark_dead_runs", "open_archive", "retryable"]

#: SQLSTATEs after which a write transaction is run again: unique violation (two
#: crawlers inserting the same row), serialization failure, deadlock detected.
RETRYABLE = frozenset({"23505", "40001", "40P01"})


def retryable(error: BaseException | None) -> bool:
    return getattr(error, "sqlstate", None) in RETRYABLE


def _rebuild_index(conn: Any) -> None:
    conn.raw.execute(fold_function_sql())
    fts.rebuild(conn)


def open_archive(url: str, *, readonly: bool, timeout: float) -> tuple[Any, PgConnection, list]:
    """The pool, the archive's connection from it, and the indexes rebuilt on opening."""
    where = redact(url)
    pool = connect_pool(url, timeout=timeout)  # first: says so when psycopg is missing
    import psycopg

    raw = pool.getconn()
    conn = PgConnection(raw, url)
    try:
        current = version(conn)
        rebuilt: list[str] = []
        if current > latest_version():
            raise SchemaTooNewError(
                f"{where} has archive schema version {current}, newer than the "
                f"{latest_version()} this archiver understands; upgrade archiver"
            )
        if readonly and current == 0:
            raise StoreError(f"no archive in {where} (run `archiver init` or crawl first)")
        if readonly and current < latest_version():
            raise StoreError(
                f"{where} has schema version {current} and needs upgrading to "
                f"{latest_version()}; run `archiver init`"
            )
        if not readonly:
            migrate(conn, where)
            conn.execute("BEGIN")
            rebuilt = indexes.ensure_probes(conn, rebuild_index=_rebuild_index)
            conn.execute("COMMIT")
    except psycopg.Error as error:
        close(pool, conn)
        raise pg_error(error, url, "opening") from error
    except BaseException:
        close(pool, conn)
        raise
    return pool, conn, rebuilt


def close(pool: Any, conn: PgConnection) -> None:
    if conn.in_transaction:
        conn.raw.rollback()
    pool.putconn(conn.raw)
    pool.close()


def mark_dead_runs(cur: Any) -> int:
    """Mark ``killed`` the runs whose last sign of life is older than three leases."""
    cur.execute(
        "UPDATE crawl_runs SET status = 'killed' WHERE status = 'running' AND "
        "coalesce(beat_at, started_at::timestamptz) < "
        "clock_timestamp() - make_interval(secs => ?)",
        (3 * lease_seconds(),),
    )
    return cur.rowcount


def fleet(conn: Any) -> dict[str, Any]:
    """The crawlers at work: each running run with its leased URLs and host slots."""
    rows = conn.execute(
        "SELECT r.id, r.started_at, r.beat_at, "
        "(SELECT count(*) FROM frontier f WHERE f.run_id = r.id AND f.state = 'in_flight' "
        " AND f.leased_until > clock_timestamp()), "
        "(SELECT count(*) FROM host_leases h WHERE h.run_id = r.id "
        " AND h.leased_until > clock_timestamp()) "
        "FROM crawl_runs r WHERE r.status = 'running' ORDER BY r.id"
    ).fetchall()
    expired = conn.execute(
        "SELECT count(*) FROM frontier WHERE state = 'in_flight' "
        "AND leased_until < clock_timestamp()"
    ).fetchone()[0]
    return {
        "runs": [
            {
                "id": run_id,
                "started_at": started,
                "last_beat": beat.isoformat(timespec="seconds") if beat else None,
                "leased_urls": urls,
                "host_slots": slots,
            }
            for run_id, started, beat, urls, slots in rows
        ],
        "expired_leases": expired,
    }


def check(conn: Any) -> list[str]:
    """Consistency problems: foreign keys hold by themselves; the index and the links."""
    problems = []
    missing = conn.execute(
        "SELECT count(*) FROM articles WHERE search IS NULL AND "
        "coalesce(title, lead, body) IS NOT NULL"
    ).fetchone()[0]
    if missing:
        problems.append(f"{missing} articles missing from the index")
    orphans = conn.execute(
        "SELECT count(*) FROM fetches f WHERE f.sha256 IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM bodies b WHERE b.sha256 = f.sha256)"
    ).fetchone()[0]
    if orphans:
        problems.append(f"{orphans} fetches without their body")
    return problems
