"""A fleet: three ``archiver crawl`` processes sharing one PostgreSQL archive and frontier.

Four news sites on their own loopback addresses; three crawlers on the same config. The
first is killed with SIGKILL while it holds leased URLs; the two others, started then, must
finish the work, the dead one's URLs included once its leases expire (a short lease,
``ARCHIVER_LEASE_SECONDS``, keeps the test quick), with every article archived exactly
once and, from the servers' own request log, never two requests in flight on a host.
"""

from __future__ import annotations

import signal
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archiver.store import Archive
from crawl_support import (
    FAST_CONFIG,
    TOPICS,
    article_page,
    crawl_command,
    listing_page,
    slug,
    wait_for,
)
from hostile import Site, Web, html, text
from store_support import rows

NOW = datetime.now(UTC).replace(microsecond=0)
HOSTS = ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5")
ARTICLES = 10
#: Seconds each article page takes to answer: the crawlers overlap, a lease is held.
SLOW = 0.2
#: Short, so the killed crawler's leases expire soon; not so short that a live crawler
#: stalled by a loaded machine (renewing every third of it) loses its host to another while
#: its request is in flight, which the test would report as two requests on one host.
LEASE = {"ARCHIVER_LEASE_SECONDS": "5"}


def _serve(site: Site, index: int) -> list[str]:
    site.route("/robots.txt", text("User-agent: *\nDisallow: /private/\n"))
    links = []
    for number in range(1, ARTICLES + 1):
        title, author = TOPICS[(number + index) % len(TOPICS)]
        path = f"/tin-tuc/{slug(title)}-{index}-{number}.html"
        published = NOW - timedelta(days=number, hours=index)
        reply = html(article_page(f"{title} ({index}-{number})", author, published))
        site.route(path, replace(reply, delay=SLOW))
        links.append((path, title))
    site.route("/", html(listing_page(links)))
    return [site.url(path) for path, _ in links]


def _config(tmp_path: Path, sites: list[Site]) -> Path:
    config = tmp_path / "sites.toml"
    entries = "".join(f'[[site]]\nurl = "{site.origin}/"\n' for site in sites)
    config.write_text(FAST_CONFIG + entries, encoding="utf-8")
    return config


def _count(url: str, sql: str, *params: object) -> int:
    return rows(url, sql, *params)[0][0]


def _run_of(url: str, pid: int) -> int | None:
    found = rows(url, "SELECT id FROM crawl_runs WHERE arguments LIKE ?", f'%"process": "{pid}:%')
    return found[0][0] if found else None


@pytest.mark.slow
def test_three_crawlers_share_the_work_and_a_killed_ones_urls_are_done_by_the_others(
    tmp_path, pg_url
):
    Archive(pg_url).close()  # the schema, before three crawlers race to create it
    with Web() as web:
        sites = [web.listen(host) for host in HOSTS]
        expected = {url for index, site in enumerate(sites) for url in _serve(site, index)}
        config = _config(tmp_path, sites)
        args = ("--config", str(config), "--workers", "0")
        # The first crawler starts alone and is killed as soon as it holds leased URLs
        # (then it still has most of its 40 slow pages ahead: killed after the two others
        # had started, it could have finished them all on a fast machine, holding none);
        # the two others start then and must do its URLs once its leases expire.
        with crawl_command(pg_url, *args, env=LEASE) as victim:
            wait_for(lambda: _run_of(pg_url, victim.pid) is not None, what="the first run")
            dead = _run_of(pg_url, victim.pid)
            held = "SELECT url FROM frontier WHERE run_id = ? AND state = 'in_flight'"
            wait_for(lambda: len(rows(pg_url, held, dead)) >= 2, what="the first crawler's leases")
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            orphaned = {row[0] for row in rows(pg_url, held, dead)}
            with (
                crawl_command(pg_url, *args, env=LEASE) as second,
                crawl_command(pg_url, *args, env=LEASE) as third,
            ):
                for crawler in (second, third):
                    _, errors = crawler.communicate(timeout=180)
                    assert crawler.returncode == 0, errors

    stored = [row[0] for row in rows(pg_url, "SELECT url FROM articles")]
    assert sorted(stored) == sorted(expected), "every article, each exactly once"
    assert orphaned, "the killed crawler held leased URLs"
    finished = rows(
        pg_url,
        "SELECT url, state, run_id FROM frontier WHERE url = ANY(?)",
        sorted(orphaned),
    )
    assert {url for url, _, _ in finished} == orphaned
    assert all(state == "done" and run != dead for _, state, run in finished), finished
    assert _count(pg_url, "SELECT count(*) FROM frontier WHERE state = 'in_flight'") == 0
    for site in sites:
        assert web.log.max_in_flight(site.host) == 1, f"two requests in flight on {site.host}"
        assert not site.requests(web, "/private/noi-bo.html")
    statuses = dict(rows(pg_url, "SELECT id, status FROM crawl_runs"))
    assert sorted(s for run, s in statuses.items() if run != dead) == ["finished", "finished"]
    with Archive(pg_url) as archive:
        assert archive.check() == []
