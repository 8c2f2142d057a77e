"""Crawl runs and sites: the ``crawl_runs`` rows that record each run, and the ``sites`` rows.

A run records its process, so a run it never finished (``kill -9``) can be told from
one still going (:func:`mark_dead_runs`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from archiver.dates.stored import now_iso
from archiver.errors import StoreError
from archiver.processes import alive, start_token
from archiver.store.database import Database

__all__ = ["RUN_STATUSES", "finish_run", "mark_dead_runs", "register_site", "start_run"]

RUN_STATUSES = frozenset({"running", "finished", "failed", "interrupted", "killed"})


def _json(values: Mapping[str, Any]) -> str:
    """Values JSON cannot hold are stored as their text."""
    return json.dumps(dict(values), ensure_ascii=False, default=str)


def start_run(database: Database, arguments: Mapping[str, Any]) -> int:
    """Record the start of a crawl run (``arguments`` as JSON, with this process); its id."""
    values = {**arguments, "process": start_token(os.getpid())}
    with database.transaction("starting a crawl run") as writer:
        writer.cur.execute(
            "INSERT INTO crawl_runs(started_at, arguments, status) VALUES (?, ?, 'running')",
            (now_iso(), _json(values)),
        )
        return writer.cur.lastrowid or 0


def _dead(arguments: str | None, crawl_lock_held: bool) -> bool:
    try:
        recorded = json.loads(arguments or "{}")
    except ValueError:
        recorded = {}
    if not isinstance(recorded, dict):
        return False
    process = recorded.get("process")
    if isinstance(process, str):
        return not alive(process)
    return crawl_lock_held and "targets" in recorded


def mark_dead_runs(database: Database, *, crawl_lock_held: bool = False) -> int:
    """Mark ``killed`` the runs left ``running`` by a process that is gone; how many.

    A run without the record of its process (older archives) is known dead only when
    it is a crawl and ``crawl_lock_held`` (no other crawl can run).
    """
    with database.transaction("marking dead crawl runs") as writer:
        if database.shared:  # a fleet's runs live on other machines: judged by heartbeat
            from archiver.store.postgres.engine import mark_dead_runs as unheard

            return unheard(writer.cur)
        rows = writer.cur.execute(
            "SELECT id, arguments FROM crawl_runs WHERE status = 'running'"
        ).fetchall()
        dead = [run_id for run_id, arguments in rows if _dead(arguments, crawl_lock_held)]
        writer.cur.executemany(
            "UPDATE crawl_runs SET status = 'killed' WHERE id = ?", [(i,) for i in dead]
        )
    return len(dead)


def finish_run(database: Database, run_id: int, status: str, stats: Mapping[str, Any]) -> None:
    """Record the end of a run: its status (one of :data:`RUN_STATUSES`) and statistics."""
    if status not in RUN_STATUSES:
        raise StoreError(f"unknown run status {status!r}; use one of {sorted(RUN_STATUSES)}")
    with database.transaction("finishing a crawl run") as writer:
        writer.cur.execute(
            "UPDATE crawl_runs SET finished_at = ?, status = ?, stats = ? WHERE id = ?",
            (now_iso(), status, _json(stats), run_id),
        )
        if writer.cur.rowcount == 0:
            raise StoreError(f"no crawl run {run_id} in {database.path}")


def register_site(
    database: Database, name: str, *, base_url: str | None = None, profile: str | None = None
) -> None:
    """Create or update a ``sites`` row (the crawler calls this once per configured site)."""
    with database.transaction("registering a site") as writer:
        writer.cur.execute(
            "INSERT INTO sites(name, base_url, profile, first_seen_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET "
            "base_url = coalesce(excluded.base_url, sites.base_url), "
            "profile = coalesce(excluded.profile, sites.profile)",
            (name, base_url, profile, now_iso()),
        )
