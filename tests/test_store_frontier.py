"""Claiming one frontier row out of turn (a robots.txt the crawl needs again)."""

from __future__ import annotations

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
