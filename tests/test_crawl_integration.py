"""The whole crawler against two hostile sites on their own loopback addresses and ports.

Two sites, 127.0.0.2:PORT and 127.0.0.3:PORT, with everything that goes wrong on the
real web: a 503, a 429 with Retry-After, a windows-1258 page, an NFD page, a redirect
loop, a 5 MB junk file, listings that answer slowly, a robots.txt to obey. The crawl is
killed with SIGKILL halfway, then run again to the end, then run once more as a
scheduled run would. The servers' own request logs are the evidence for politeness.
"""

from __future__ import annotations

import os
import signal
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archiver.store import Archive
from crawl_support import (
    TOPICS,
    VN,
    article_page,
    children_of,
    count,
    crawl_command,
    listing_page,
    rows,
    running,
    slug,
    to_cp1258,
    wait_for,
)
from hostile import Reply, Site, Web, html, redirect, text

NOW = datetime.now(UTC).replace(microsecond=0)
#: Articles per site, and how each one misbehaves ("" for none).
QUIRKS = {
    "a": ["", "503", "429", "cp1258", "", "", "", ""],
    "b": ["", "nfd", "", "503", "", "views"],
}
#: Articles per listing page; every listing page answers after this many seconds.
PER_PAGE = 3
SLOW_LISTING = 0.8


def _article(site: str, number: int) -> tuple[str, str, str, datetime]:
    """(path, title, author, published) of article ``number`` of ``site``."""
    index = (number - 1 + (4 if site == "b" else 0)) % len(TOPICS)
    title, author = TOPICS[index]
    path = f"/tin-tuc/{slug(title)}-{site}{number}.html"
    return path, title, author, NOW - timedelta(days=number, hours=3)


def _serve(site: Site, name: str) -> None:
    quirks = QUIRKS[name]
    site.route("/robots.txt", text("User-agent: *\nDisallow: /private/\n"))
    site.route("/private/noi-bo.html", html("<h1>Nội bộ</h1>"))
    links = []
    for number, quirk in enumerate(quirks, start=1):
        path, title, author, published = _article(name, number)
        markup = article_page(title, author, published, views=1234 if quirk == "views" else None)
        page = html(markup)
        if quirk == "cp1258":
            data = to_cp1258(markup.replace('meta charset="utf-8"', 'meta charset="windows-1258"'))
            page = Reply(headers=[("Content-Type", "text/html")], body=data)
        elif quirk == "nfd":
            page = html(unicodedata.normalize("NFD", markup))
        if quirk == "503":
            site.route(path, [Reply(503, body=b"busy"), page])
        elif quirk == "429":
            site.route(path, [Reply(429, [("Retry-After", "1")], b"slow down"), page])
        else:
            site.route(path, page)
        links.append((path, title))
    pages = [links[i : i + PER_PAGE] for i in range(0, len(links), PER_PAGE)]
    for index, chunk in enumerate(pages, start=1):
        next_page = f"/tin-tuc/trang-{index + 1}" if index < len(pages) else None
        listing = html(listing_page(chunk, next_page).replace('class="next"', 'rel="next"'))
        site.route(f"/tin-tuc/trang-{index}", replace(listing, delay=SLOW_LISTING))
    extras = [
        ("/tin-tuc/trang-1", "Tin tức"),
        ("/private/noi-bo.html", "Nội bộ"),
        ("/vong-1", "Vòng"),
        ("/tai-lieu/du-lieu.dat", "Dữ liệu"),
    ]
    site.route("/", html(listing_page(extras)))
    site.route("/vong-1", redirect("/vong-2"))
    site.route("/vong-2", redirect("/vong-1"))
    junk = os.urandom(64 * 1024) * 80  # 5 MB
    site.route("/tai-lieu/du-lieu.dat", Reply(headers=[("Content-Type", "text/plain")], body=junk))


def _config(tmp_path: Path, sites: list[Site]) -> Path:
    config = tmp_path / "sites.toml"
    entries = "".join(f'[[site]]\nurl = "{site.origin}/"\n' for site in sites)
    config.write_text(f"delay = 0.0\nretry_backoff = 0.05\n{entries}", encoding="utf-8")
    return config


#: On PostgreSQL a dead run's leases expire instead of being recovered at the next start:
#: a short lease keeps the test quick (a run is marked killed after three silent leases).
LEASE = {"ARCHIVER_LEASE_SECONDS": "1"}


def _run(db: Path | str, config: Path) -> None:
    with crawl_command(db, "--config", str(config), "--workers", "1", env=LEASE) as crawl:
        _, errors = crawl.communicate(timeout=120)
    assert crawl.returncode == 0, errors


@pytest.mark.slow
def test_two_hostile_sites_killed_midway_are_archived_exactly_once_then_crawled_incrementally(
    tmp_path, db_target
):
    db = db_target
    with Web() as web:
        sites = {"a": web.listen("127.0.0.2"), "b": web.listen("127.0.0.3")}
        for name, site in sites.items():
            _serve(site, name)
        config = _config(tmp_path, list(sites.values()))

        with crawl_command(db, "--config", str(config), "--workers", "1", env=LEASE) as first:
            wait_for(lambda: count(db, "SELECT count(*) FROM articles") >= 3, what="articles")
            workers = children_of(first.pid)
            assert first.poll() is None, "the kill must land mid-crawl"
            first.send_signal(signal.SIGKILL)
            first.wait()
        wait_for(lambda: not any(running(w) for w in workers), 30, "the workers to die")
        killed_with = count(db, "SELECT count(*) FROM articles")
        _run(db, config)  # resumes
        first_run = len(web.log)
        _run(db, config)  # a scheduled run: only what is new
        second_run = len(web.log) - first_run

    expected = {}
    for name, quirks in QUIRKS.items():
        for number in range(1, len(quirks) + 1):
            path, title, author, published = _article(name, number)
            expected[sites[name].url(path)] = (title, author, published.astimezone(VN))
    stored = rows(
        db, "SELECT url, title, author, published_at, body, view_count, language FROM articles"
    )
    assert len(stored) == len(expected) and killed_with < len(expected)
    assert {r[0] for r in stored} == set(expected), "every article, each exactly once"
    for url, title, author, published_at, body, views, language in stored:
        want_title, want_author, want_published = expected[url]
        assert (title, author) == (want_title, want_author), url
        assert published_at == want_published.isoformat(timespec="seconds"), url
        assert body.startswith(f"Sáng {want_published.day}/{want_published.month},"), url
        assert unicodedata.is_normalized("NFC", title + body) and language == "vi", url
        assert views == (1234 if url.endswith("b6.html") else None), url

    for site in sites.values():
        assert web.log.max_in_flight(site.host) == 1, "two requests in flight on one host"
        assert not site.requests(web, "/private/noi-bo.html"), "robots.txt disobeyed"
    assert second_run * 5 <= first_run, (first_run, second_run)
    runs = [r[0] for r in rows(db, "SELECT status FROM crawl_runs ORDER BY id")]
    assert runs == ["killed", "finished", "finished"]
    loop = rows(db, "SELECT state, last_error FROM frontier WHERE url LIKE '%/vong-1'")
    assert len(loop) == 2 and all(s == "failed" and "loop" in e for s, e in loop)
    junk = rows(db, "SELECT url, length FROM fetches WHERE url LIKE '%du-lieu.dat'")
    assert {u for u, _ in junk} == {s.url("/tai-lieu/du-lieu.dat") for s in sites.values()}
    assert all(n == 5 * 1024 * 1024 for _, n in junk), "recorded whole, not parsed"
    with Archive(db) as archive:
        assert archive.check() == []
    print(f"requests: first run {first_run}, incremental run {second_run}")
