"""Time and page budgets: a run stops cleanly when its budget is spent, and the next resumes.

Through the real command against loopback sites on their own 127.0.0.x:PORT. The
sites' articles answer slowly, so a budget always ends a run before its work does,
however loaded the machine: no assertion depends on how fast anything runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.crawl import run_crawl
from archiver.crawl.budget import Budget
from archiver.crawl.config import make_plan
from crawl_support import crawl_output, daily_article_path, publish_daily, rows
from hostile import Web

ARTICLES = 20
#: Seconds each article takes to answer: 20 of them take 2 s or more, one at a time.
SLOW = 0.1


def _article_fetches(db: Path) -> dict[str, int]:
    return dict(
        rows(
            db,
            "SELECT url, count(*) FROM fetches WHERE status = 200 AND url LIKE '%/bai-viet/%' "
            "GROUP BY url",
        )
    )


@pytest.mark.slow
def test_max_time_stops_the_run_as_finished_and_the_next_run_archives_the_rest_once(tmp_path):
    db = tmp_path / "archive.db"
    with Web() as web:
        site = web.listen("127.0.0.2")
        days = publish_daily(site, ARTICLES, slow=SLOW)
        common = (f"{site.origin}/", "--delay", "0", "--workers", "0")
        code, errors = crawl_output(db, *common, "--max-time", "1s")
        assert code == 0, errors
        assert "Stopping: time budget of 1 s spent (--max-time)" in errors
        assert "stopped by its budget (--max-time):" in errors
        assert "Traceback" not in errors
        ((status, stats),) = rows(db, "SELECT status, stats FROM crawl_runs")
        stats = json.loads(stats)
        assert status == "finished"
        assert stats["stopped_by"] == "max_time" and stats["left"] > 0
        first = rows(db, "SELECT count(*) FROM articles")[0][0]
        assert first < ARTICLES, "1 s cannot hold 20 answers of 0.1 s each, one at a time"
        assert rows(db, "SELECT count(*) FROM frontier WHERE state = 'in_flight'") == [(0,)]

        code, errors = crawl_output(db, *common, "--quiet")
        assert code == 0, errors

    assert rows(db, "SELECT status FROM crawl_runs ORDER BY id") == [("finished",), ("finished",)]
    expected = {site.url(daily_article_path(day)) for day in days}
    assert {r[0] for r in rows(db, "SELECT url FROM articles")} == expected
    # Every article fetched exactly once over the two runs: a page cut off by the
    # budget was never recorded, so it was fetched whole by the second run only.
    assert _article_fetches(db) == dict.fromkeys(expected, 1)
    assert "stopped_by" not in json.loads(rows(db, "SELECT stats FROM crawl_runs")[1][0])


def test_a_sites_own_budget_stops_that_site_and_the_others_finish(tmp_path):
    db = tmp_path / "archive.db"
    with Web() as web:
        slow = web.listen("127.0.0.2")
        publish_daily(slow, ARTICLES, slow=SLOW)
        fast = web.listen("127.0.0.3")
        fast_days = publish_daily(fast, 5)
        config = {
            "delay": 0.0,
            "site": [
                {"url": f"{slow.origin}/", "max_time": "1s"},
                {"url": f"{fast.origin}/", "max_pages": 100},
            ],
        }
        status, stats = run_crawl(make_plan([], config=config), db=str(db), live=False, quiet=True)
    assert status == "finished"
    assert stats.stopped_by == "max_time" and stats.left > 0
    archived = {r[0] for r in rows(db, "SELECT url FROM articles")}
    assert {fast.url(daily_article_path(d)) for d in fast_days} <= archived
    assert len([u for u in archived if u.startswith(slow.origin)]) < ARTICLES
    queued = rows(
        db, "SELECT count(*) FROM frontier WHERE state = 'queued' AND host = ?", slow.host
    )
    assert queued[0][0] > 0, "the slow site's rest waits for the next run"


def test_a_sites_page_budget_from_its_config_entry_is_kept(tmp_path):
    db = tmp_path / "archive.db"
    with Web() as web:
        site = web.listen("127.0.0.2")
        publish_daily(site, 12)
        config = {"delay": 0.0, "site": [{"url": f"{site.origin}/", "max_pages": 4}]}
        status, stats = run_crawl(make_plan([], config=config), db=str(db), live=False, quiet=True)
        requests = len(site.requests(web))
    assert status == "finished" and stats.stopped_by == "max_pages"
    assert requests == 4  # robots.txt, the home page and two articles


# --- the budget itself, on a fake clock ----------------------------------------------------


def _plan(**top: object):
    return make_plan(
        [],
        config={
            **top,
            "site": [
                {"url": "http://a.vn/", "max_time": "10s"},
                {"url": "http://b.vn/", "max_pages": 2},
            ],
        },
    )


def test_each_site_spends_its_own_budget_and_the_run_ends_when_all_have(clock):
    budget = Budget(_plan(), clock=clock)
    assert budget.time_left() is None, "b.vn has no time limit: the run has none"
    budget.started_page("b.vn")
    assert budget.check("b.vn") is None and budget.run_spent() is None
    budget.started_page("b.vn")
    assert budget.check("b.vn") == "max_pages"
    assert budget.run_spent() is None and budget.next_deadline_in() == 10.0
    clock.now += 10
    assert budget.check("a.vn") == "max_time"
    assert budget.run_spent() == "max_time"
    assert budget.reason(None) == "max_time" and budget.reason("signal") is None


def test_a_run_wide_time_limit_and_page_limit(clock):
    budget = Budget(_plan(max_time=60.0), run_pages=3, clock=clock)
    # The entry's 10 s beats the top level's 60 s for a.vn; b.vn gets 60 s.
    assert budget.time_left() == 60.0
    clock.now += 30
    budget.restart()  # counted from the run's start
    assert budget.time_left() == 60.0
    for site in ("a.vn", "a.vn", "b.vn"):
        budget.started_page(site)
    assert budget.run_spent() == "max_pages"
    assert budget.reason("max_pages") == "max_pages"
