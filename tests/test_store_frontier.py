"""Claiming one frontier row out of turn (a robots.txt the crawl needs again)."""

from __future__ import annotations

from contextlib import contextmanager

from archiver.errors import StoreError
from archiver.store import Archive
from archiver.store.frontier import Frontier, NewURL

NOW = "2026-11-26T10:00:00+07:00"
LATER = "2026-11-26T11:00:00+07:00"
ROBOTS = NewURL("https://tin.example/robots.txt", "tin.example", "tin", "robots")


def test_claim_url_adds_an_unknown_url_and_takes_it(db_target):
    with Archive(db_target) as archive:
        claimed = Frontier(archive.database).claim_url(ROBOTS, NOW, run_id=None)
        assert claimed is not None and claimed.url == ROBOTS.url and claimed.kind == "robots"
        state = archive.conn.execute("SELECT state FROM frontier WHERE url = ?", [ROBOTS.url])
        assert state.fetchone() == ("in_flight",)


def test_claim_url_takes_a_done_row_again_but_not_one_in_flight(db_target):
    with Archive(db_target) as archive:
        frontier = Frontier(archive.database)
        assert frontier.claim_url(ROBOTS, NOW, run_id=None) is not None
        assert frontier.claim_url(ROBOTS, NOW, run_id=None) is None  # another turn has it
        with archive.transaction("test") as writer:
            writer.cur.execute("UPDATE frontier SET state = 'done'")
        assert frontier.claim_url(ROBOTS, NOW, run_id=None) is not None


def test_claim_url_leaves_a_row_that_waits_for_later(db_target):
    with Archive(db_target) as archive:
        frontier = Frontier(archive.database)
        frontier.claim_url(ROBOTS, NOW, run_id=None)
        with archive.transaction("test") as writer:
            writer.cur.execute("UPDATE frontier SET state = 'queued', next_fetch_at = ?", [LATER])
        assert frontier.claim_url(ROBOTS, NOW, run_id=None) is None
        assert frontier.claim_url(ROBOTS, LATER, run_id=None) is not None


class _Deadlocked(Exception):
    """What another crawler's transaction leaves this one with on a shared archive."""


def _conflict_once(archive, monkeypatch) -> list[str]:
    """Make the next write transaction of each action fail once as a conflict (PostgreSQL's
    "deadlock detected"), as the engine would roll it back; the actions tried are listed."""
    database = archive.database
    transaction, tried = database.transaction, []

    @contextmanager
    def conflicting(action):
        tried.append(action)
        if tried.count(action) == 1:
            raise StoreError(f"cannot {action}: deadlock detected") from _Deadlocked()
        with transaction(action) as writer:
            yield writer

    monkeypatch.setattr(database, "transaction", conflicting)
    monkeypatch.setattr(database, "is_conflict", lambda error: isinstance(error, _Deadlocked))
    return tried


def test_a_frontier_change_rolled_back_for_a_conflict_is_run_again(db_target, monkeypatch):
    with Archive(db_target) as archive:
        frontier = Frontier(archive.database)
        tried = _conflict_once(archive, monkeypatch)
        started = frontier.start([ROBOTS], hosts=["tin.example"], now=NOW)
        assert started["added"] == 1
        claimed = frontier.claim("tin.example", 4, NOW, run_id=None)
        assert [row.url for row in claimed] == [ROBOTS.url]
        frontier.release([row.id for row in claimed])
        assert frontier.claim_url(ROBOTS, NOW, run_id=None) is not None
        assert tried == [action for action in dict.fromkeys(tried) for _ in range(2)], (
            "each change tried twice: the conflict, then its run again"
        )
        assert len(dict.fromkeys(tried)) == 4
        state = archive.conn.execute("SELECT state FROM frontier WHERE url = ?", [ROBOTS.url])
        assert state.fetchone() == ("in_flight",)
