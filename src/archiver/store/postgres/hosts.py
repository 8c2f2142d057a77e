"""Host slots leased in the database: one politeness for every crawler of a fleet.

``host_slots`` holds each host's pace as the fleet knows it (delay, its floor from
robots.txt Crawl-delay, the earliest next request, a Retry-After pause), in seconds of
the database server's clock, so crawlers on machines whose clocks differ agree.
``host_leases`` holds one row per request in flight: a crawler may start a request
when the host has fewer live leases than its per-host limit and its pause and delay
have passed; the check and the lease are one transaction holding the host's row lock.
A lease ends when the request does, or expires with its crawler (a lease is renewed
with the crawler's frontier leases, :func:`.frontier.heartbeat`).

Each call is its own short transaction on its own pooled connection, never inside the
archive's write transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archiver.store.postgres.connection import PgConnection
from archiver.store.postgres.frontier import lease_seconds

__all__ = ["HostSlots", "SlotState"]

_NOW = "extract(epoch FROM clock_timestamp())"


@dataclass(frozen=True, slots=True)
class SlotState:
    """A host's pace as the fleet knows it (times in the server's epoch seconds)."""

    base_delay: float
    delay: float
    next_start: float
    paused_until: float
    now: float
    in_flight: int

    def wait(self) -> float:
        """Seconds until a request may start as far as pace and pauses go."""
        return max(0.0, max(self.next_start, self.paused_until) - self.now)


class HostSlots:
    """The host slots of one PostgreSQL archive, used by one crawl run."""

    def __init__(self, pool: Any, url: str, run_id: int | None) -> None:
        self.pool = pool
        self.url = url
        self.run_id = run_id
        self._known: set[str] = set()

    def _run(self, work: Any) -> Any:
        with self.pool.connection() as raw:
            conn = PgConnection(raw, self.url)
            conn.execute("BEGIN")
            try:
                result = work(conn)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return result

    def _locked(self, conn: PgConnection, host: str, delay: float) -> SlotState:
        if host not in self._known:
            conn.execute(
                "INSERT INTO host_slots(host, base_delay, delay) VALUES (?, ?, ?) "
                "ON CONFLICT (host) DO NOTHING",
                (host, delay, delay),
            )
            self._known.add(host)
        row = conn.execute(
            f"SELECT base_delay, delay, next_start, paused_until, {_NOW}, "
            "(SELECT count(*) FROM host_leases l WHERE l.host = s.host "
            " AND l.leased_until > clock_timestamp()) "
            "FROM host_slots s WHERE host = ? FOR UPDATE",
            (host,),
        ).fetchone()
        return SlotState(*(float(v) for v in row[:5]), int(row[5]))

    def _call(self, sql: str, params: tuple[Any, ...]) -> Any:
        """One statement in its own transaction (autocommit) on a pooled connection."""
        with self.pool.connection() as raw:
            return PgConnection(raw, self.url).execute(sql, params).fetchone()

    def acquire(self, host: str, *, per_host: int, delay: float) -> tuple[int | None, SlotState]:
        """Lease a request slot of ``host`` if the fleet allows one now: (lease id, state).

        ``delay`` is this crawler's configured delay, the host's floor when it is new.
        One round trip: ``archiver_take_host`` (schema version 1) checks and takes.
        """
        row = self._call(
            "SELECT * FROM archiver_take_host(?, ?, ?, ?, ?)",
            (host, per_host, delay, self.run_id, lease_seconds()),
        )
        return row[0], SlotState(*(float(v) for v in row[1:6]), int(row[6]))

    def release(
        self, lease: int | None, host: str, *, delay: float, retry_after: float | None
    ) -> None:
        """End a request: drop its lease, set the host's delay (AutoThrottle's new value,
        never below the floor) and its next start ``delay`` from now, and a Retry-After
        pause if any (``archiver_give_host``, one round trip)."""
        self._call(
            "SELECT archiver_give_host(?, ?, ?, ?)", (host, lease, delay, retry_after or 0.0)
        )

    def cancel(self, lease: int) -> None:
        """Drop a lease whose request never started (the pace it reserved stays)."""
        self._run(lambda conn: conn.execute("DELETE FROM host_leases WHERE id = ?", (lease,)))

    def set_floor(self, host: str, seconds: float) -> None:
        """Raise the host's minimum delay for the whole fleet (robots.txt Crawl-delay)."""

        def work(conn: PgConnection) -> None:
            self._locked(conn, host, seconds)
            conn.execute(
                "UPDATE host_slots SET base_delay = GREATEST(base_delay, ?), "
                "delay = GREATEST(delay, ?) WHERE host = ?",
                (seconds, seconds, host),
            )

        self._run(work)

    def pause(self, host: str, seconds: float, delay: float) -> None:
        """No request to ``host`` from any crawler for ``seconds`` (Retry-After, robots 5xx)."""

        def work(conn: PgConnection) -> None:
            state = self._locked(conn, host, delay)
            conn.execute(
                "UPDATE host_slots SET paused_until = GREATEST(paused_until, ?) WHERE host = ?",
                (state.now + seconds, host),
            )

        self._run(work)

    def state(self, host: str, delay: float) -> SlotState:
        return self._run(lambda conn: self._locked(conn, host, delay))
