"""SIGTERM and Ctrl-C stop a crawl within seconds, a second signal at once; the archive
stays consistent and the next run picks up what the stopped one left."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from archiver.store import Archive
from crawl_support import crawl_command, loopback_article_path, publish, rows, wait_for
from hostile import Reply, Web, text

# The slow page answers after this long (the read timeout is longer): a stop never waits
# for it.
SLOW = 90.0


def _two_sites(web: Web, tmp_path: Path, settings: str = "") -> tuple[Path, object, object]:
    """A site whose robots.txt answers 503 (its host is paused for 10 minutes) and one
    whose third article is very slow to answer; the config crawling both."""
    paused = web.listen("127.0.0.2")
    paused.route("/robots.txt", text("busy", status=503))
    busy = web.listen("127.0.0.3")
    publish(busy, range(1, 4))
    busy.route(loopback_article_path(3), Reply(body=b"late", delay=SLOW))
    config = tmp_path / "sites.toml"
    config.write_text(
        f"delay = 0.0\nretry_backoff = 0.01\nretries = 1\nread_timeout = {SLOW * 2}\n"
        f"{settings}\n"
        f'[[site]]\nurl = "{paused.origin}/"\n[[site]]\nurl = "{busy.origin}/"\n',
        encoding="utf-8",
    )
    return config, paused, busy


def _slow_page_in_flight(web: Web, busy) -> bool:
    return any(
        r.finished is None and r.target == loopback_article_path(3)
        for r in web.log.records(busy.host)
    )


def _assert_consistent(db: Path) -> None:
    runs = rows(db, "SELECT status FROM crawl_runs")
    assert runs == [("interrupted",)]
    assert rows(db, "SELECT count(*) FROM frontier WHERE state = 'in_flight'") == [(0,)]
    with Archive(db) as archive:
        assert archive.check() == []


@pytest.mark.slow
def test_sigterm_stops_within_seconds_with_a_host_paused_and_a_page_in_flight(tmp_path):
    db = tmp_path / "archive.db"
    with Web() as web:
        # The page in flight gets a grace of 1 s (5 s by default) before it is given back.
        config, _, busy = _two_sites(web, tmp_path, "stop_grace = 1")
        with crawl_command(db, "--config", str(config), "--workers", "1") as crawl:
            wait_for(lambda: _slow_page_in_flight(web, busy), what="the slow page's request")
            crawl.send_signal(signal.SIGTERM)
            _, errors = crawl.communicate(timeout=SLOW / 3)
        assert crawl.returncode == 130, errors
        assert "Traceback" not in errors
    _assert_consistent(db)
    # The slow page was given back to the queue; the paused host's robots.txt waits.
    slow = busy.url(loopback_article_path(3))
    assert rows(db, "SELECT state FROM frontier WHERE url = ?", slow) == [("queued",)]
    assert rows(db, "SELECT count(*) FROM articles") == [(2,)]


def test_a_second_signal_stops_at_once(tmp_path):
    db = tmp_path / "archive.db"
    with Web() as web:
        # A grace longer than the test's patience: only the second signal can end it.
        config, _, busy = _two_sites(web, tmp_path, f"stop_grace = {SLOW * 2}")
        args = ("--config", str(config), "--workers", "0")
        with crawl_command(db, *args, quiet=False) as crawl:
            wait_for(lambda: _slow_page_in_flight(web, busy), what="the slow page's request")
            crawl.send_signal(signal.SIGINT)
            for line in crawl.stderr:  # the first signal is handled: it says so
                if "Stopping:" in line:
                    break
            assert _slow_page_in_flight(web, busy), "the grace is long: it is still waited for"
            crawl.send_signal(signal.SIGINT)
            _, errors = crawl.communicate(timeout=SLOW / 3)
        assert crawl.returncode == 130, errors
        assert "Traceback" not in errors
    _assert_consistent(db)
