"""A crawl killed with SIGKILL at any moment resumes: nothing lost, nothing doubled."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archiver.replay import ReplayServer, ReplaySite
from archiver.store import Archive
from crawl_support import (
    BASE,
    FAST_CONFIG,
    article_url,
    build,
    children_of,
    count,
    crawl_command,
    publish,
    rows,
    running,
    wait_for,
)
from hostile import Web

CLI = "from archiver.cli import main; main()"


def slow_site(directory: Path) -> ReplaySite:
    """The fixture site with every article answering after 0.2 s, so a crawl takes a while."""
    build(directory)
    manifest = json.loads((directory / "manifest.json").read_text("utf-8"))
    for url, spec in manifest["pages"].items():
        if "/tin-tuc/" in url and "file" in spec:
            spec["delay"] = 0.2
    (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return ReplaySite(directory)


def crawl_process(db: Path, proxy: str) -> subprocess.Popen:
    config = db.parent / "fast.toml"
    config.write_text(FAST_CONFIG, encoding="utf-8")
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            CLI,
            "crawl",
            f"{BASE}/",
            "--db",
            str(db),
            "--proxy",
            proxy,
            "--config",
            str(config),
            "--workers",
            "0",
            "--quiet",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_killed_crawl_resumes_with_nothing_lost_or_doubled(tmp_path):
    site = slow_site(tmp_path / "site")
    db = tmp_path / "archive.db"
    with ReplayServer(site) as proxy:
        first = crawl_process(db, proxy)
        deadline = time.monotonic() + 60
        while count(db, "SELECT count(*) FROM articles") < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait()
        first.stderr.close()
        killed_with = count(db, "SELECT count(*) FROM articles")
        assert 3 <= killed_with < 10, "the kill must land mid-crawl"

        second = crawl_process(db, proxy)
        _, errors = second.communicate(timeout=120)
        assert second.returncode == 0, errors

    expected = {article_url(n) for n in range(1, 10)}
    conn = sqlite3.connect(db)
    stored = {r[0] for r in conn.execute("SELECT url FROM articles")}
    stored |= {r[0] for r in conn.execute("SELECT url FROM article_urls")}
    assert expected <= stored, "an article was lost"
    titles = [r[0] for r in conn.execute("SELECT title FROM articles")]
    assert len(titles) == len(set(titles)), "an article was stored twice"
    assert conn.execute("SELECT count(*) FROM frontier WHERE state = 'in_flight'").fetchone() == (
        0,
    )
    # Only pages in flight at the kill may be fetched again: never an article three times.
    fetched = conn.execute(
        "SELECT url, count(*) FROM fetches "
        "WHERE status = 200 AND url LIKE '%/tin-tuc/%' GROUP BY url"
    ).fetchall()
    assert max(n for _, n in fetched) <= 2
    assert sum(n - 1 for _, n in fetched) <= 2
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    runs = conn.execute("SELECT status FROM crawl_runs ORDER BY id").fetchall()
    conn.close()
    assert runs == [("killed",), ("finished",)]  # marked by the run after it
    with Archive(db) as archive:
        assert archive.check() == []


@pytest.mark.slow
def test_a_killed_crawl_takes_its_parsing_workers_with_it_and_the_next_run_starts(tmp_path):
    db = tmp_path / "archive.db"
    with Web() as web:
        site = web.listen("127.0.0.2")
        publish(site, range(1, 10), slow=0.3)
        args = (site.origin + "/", "--delay", "0", "--workers", "1")
        with crawl_command(db, *args) as first:
            wait_for(lambda: count(db, "SELECT count(*) FROM articles") >= 2, what="articles")
            workers = children_of(first.pid)
            assert workers, "the crawl parses in a worker process"
            first.kill()
            first.wait()
            try:
                wait_for(lambda: not any(running(w) for w in workers), 30, "the workers to die")
            finally:
                for worker in filter(running, workers):
                    os.kill(worker, signal.SIGKILL)
        with crawl_command(db, *args) as second:
            _, errors = second.communicate(timeout=120)
        assert second.returncode == 0, errors
    runs = [r[0] for r in rows(db, "SELECT status FROM crawl_runs ORDER BY id")]
    assert runs == ["killed", "finished"]
    assert rows(db, "SELECT count(*) FROM articles") == [(9,)]
