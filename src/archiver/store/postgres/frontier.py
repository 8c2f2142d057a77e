"""The frontier shared by a fleet of crawlers: URLs claimed with leases.

A crawler claims due URLs of a host with ``FOR UPDATE SKIP LOCKED``: two crawlers
asking at the same moment get different rows, and neither waits for the other. A crawler
claims a few URLs of a host at a time (:data:`CLAIM_WINDOW`), so that the others find work
too, and an idle crawler stays while others hold leases (:func:`next_due`): what they
find, or leave behind when they die, is soon claimable. A
claimed row is ``in_flight`` with ``leased_until`` set :func:`lease_seconds` ahead;
the crawler renews its leases while it runs (:func:`heartbeat`). A crawler that dies
stops renewing: once its leases expire, its rows are claimable again, by any crawler,
with their attempt counted. Nothing is lost and nothing is fetched twice at once.

The other frontier statements (adding URLs, finishing a turn) are the SQLite ones
(:mod:`archiver.store.frontier`), run through :class:`~.connection.PgConnection`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from archiver.dates.stored import iso
from archiver.store.frontier import Claimed, NewURL, add

__all__ = [
    "DEFAULT_LEASE",
    "LEASE_ENV",
    "claim",
    "claim_url",
    "heartbeat",
    "lease_seconds",
    "next_due",
    "recover",
    "release",
]

#: Seconds a claimed URL (and a host slot) stays leased without renewal.
DEFAULT_LEASE = 300.0
#: Environment variable overriding :data:`DEFAULT_LEASE` (the same for the whole fleet).
LEASE_ENV = "ARCHIVER_LEASE_SECONDS"
#: URLs of one host a crawler claims at a time: the fleet has one request in flight per
#: host (or a few), so a long queue in one crawler would only keep the others idle.
CLAIM_WINDOW = 8
#: Seconds an idle crawler waits before looking again while others hold leases.
FLEET_POLL = 1.0

_RETURNED = (
    "f.id, f.url, f.host, f.site, f.kind, f.depth, f.attempts, f.etag, f.last_modified, "
    "f.article_id, f.revisits, f.priority"
)
_TAKE = (
    "UPDATE frontier f SET state = 'in_flight', attempts = f.attempts + 1, run_id = ?, "
    "leased_until = clock_timestamp() + make_interval(secs => ?) "
    "FROM picked WHERE f.id = picked.id RETURNING " + _RETURNED
)
#: Frontier rows (matching ``{}``) locked in the order of their ids. Every statement
#: that changes many rows of the frontier at once takes them so (lease renewal, recovery,
#: release; a commit finishes its turns in id order): two crawlers' transactions then
#: never each hold a row the other waits for, the deadlock PostgreSQL would break by
#: rolling one of them back.
_IN_ID_ORDER = "id IN (SELECT id FROM frontier WHERE {} ORDER BY id FOR UPDATE)"
#: A row anyone may claim: queued, or in flight under a lease that ran out.
_CLAIMABLE = (
    "(state = 'queued' OR (state = 'in_flight' AND leased_until < clock_timestamp())) "
    "AND next_fetch_at <= ?"
)


def lease_seconds() -> float:
    """The lease of a claimed URL or host slot, in seconds (``$ARCHIVER_LEASE_SECONDS``)."""
    try:
        value = float(os.environ.get(LEASE_ENV) or DEFAULT_LEASE)
    except ValueError:
        return DEFAULT_LEASE
    return value if value > 0 else DEFAULT_LEASE


def _claimed(rows: list[Any]) -> list[Claimed]:
    rows = sorted(rows, key=lambda row: (-row[11], row[0]))
    return [Claimed(*row[:11]) for row in rows]


def recover(cur: Any) -> int:
    """Put rows whose lease ran out back in the queue; return how many.

    Rows other crawlers hold under a live lease are theirs: they stay in flight.
    """
    expired = "state = 'in_flight' AND (leased_until IS NULL OR leased_until < clock_timestamp())"
    cur.execute(
        "UPDATE frontier SET state = 'queued', leased_until = NULL "
        f"WHERE {_IN_ID_ORDER.format(expired)} AND {expired}"
    )
    return cur.rowcount


def claim(cur: Any, host: str, limit: int, now: str, run_id: int | None) -> list[Claimed]:
    """Lease up to ``limit`` (at most :data:`CLAIM_WINDOW`) due URLs of ``host``, highest
    priority first."""
    limit = min(limit, CLAIM_WINDOW)
    cur.execute(
        "WITH picked AS (SELECT id FROM frontier "
        f"WHERE host = ? AND {_CLAIMABLE} ORDER BY priority DESC, id LIMIT ? "
        f"FOR UPDATE SKIP LOCKED) {_TAKE}",
        (host, now, limit, run_id, lease_seconds()),
    )
    return _claimed(cur.fetchall())


def claim_url(cur: Any, new: NewURL, now: str, run_id: int | None) -> Claimed | None:
    """Lease ``new``'s row at once: added if unknown, queued again if done or failed.

    None while another crawler (or turn) holds it, or it waits for a later time.
    """
    add(cur, [new], now)
    cur.execute(
        "UPDATE frontier SET state = 'queued', next_fetch_at = ?, attempts = 0 "
        "WHERE url = ? AND state IN ('done', 'failed')",
        (now, new.url),
    )
    cur.execute(
        "WITH picked AS (SELECT id FROM frontier "
        f"WHERE url = ? AND {_CLAIMABLE} FOR UPDATE SKIP LOCKED) {_TAKE}",
        (new.url, now, run_id, lease_seconds()),
    )
    taken = _claimed(cur.fetchall())
    return taken[0] if taken else None


def release(cur: Any, ids: Iterable[int]) -> None:
    """Give claimed rows back unfetched: queued, lease dropped, attempt not counted."""
    ids = list(ids)
    if ids:
        held = "state = 'in_flight' AND id = ANY(?)"
        cur.execute(
            "UPDATE frontier SET state = 'queued', leased_until = NULL, "
            f"attempts = GREATEST(attempts - 1, 0) WHERE {_IN_ID_ORDER.format(held)} AND {held}",
            (ids, ids),
        )


def next_due(cur: Any, hosts: Iterable[str]) -> str | None:
    """When to look for claimable URLs of ``hosts`` again: a queued one's due time; while
    other crawlers hold leases there, :data:`FLEET_POLL` seconds from now (the pages they
    fetch add URLs, and a dead one's leases run out); None when there is nothing left."""
    hosts = list(hosts)
    queued, leased = cur.execute(
        "SELECT min(next_fetch_at) FILTER (WHERE state = 'queued'), "
        "min(leased_until) FILTER (WHERE state = 'in_flight') "
        "FROM frontier WHERE host = ANY(?) AND state IN ('queued', 'in_flight')",
        (hosts,),
    ).fetchone()
    soon = iso(datetime.now(UTC) + timedelta(seconds=FLEET_POLL)) if leased is not None else None
    times = [t for t in (queued, soon) if t is not None]
    return min(times, key=datetime.fromisoformat) if times else None


def heartbeat(cur: Any, run_id: int | None) -> int:
    """Renew the leases of ``run_id``'s rows and host slots, and the run's sign of life."""
    if run_id is None:
        return 0
    seconds = lease_seconds()
    mine = "state = 'in_flight' AND run_id = ?"
    cur.execute(
        "UPDATE frontier SET leased_until = clock_timestamp() + make_interval(secs => ?) "
        f"WHERE {_IN_ID_ORDER.format(mine)} AND {mine}",
        (seconds, run_id, run_id),
    )
    renewed = cur.rowcount
    cur.execute(
        "UPDATE host_leases SET leased_until = clock_timestamp() + make_interval(secs => ?) "
        "WHERE id IN (SELECT id FROM host_leases WHERE run_id = ? ORDER BY id FOR UPDATE)",
        (seconds, run_id),
    )
    cur.execute("UPDATE crawl_runs SET beat_at = clock_timestamp() WHERE id = ?", (run_id,))
    return renewed
