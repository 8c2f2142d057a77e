"""End-to-end crawls of a fixture site: discovery, politeness, failures, dedup, revisits."""

from __future__ import annotations

import functools
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archiver.crawl import run_crawl, turns
from archiver.crawl.config import make_plan
from archiver.crawl.outcome import next_revisit
from archiver.fetch import RobotsCache
from archiver.replay import Entry, ReplaySite, ReplayTransport
from archiver.replay import ResponseSpec as R
from archiver.store.rows import decompress
from crawl_support import BASE, FAST, HOST, PRINT_COPY, article_html, article_url, build, rows


def crawl(db: Path | str, site: ReplaySite, *, quiet: bool = True, **overrides):
    plan = make_plan([f"{BASE}/"], overrides={**FAST, **overrides})
    return run_crawl(plan, db=str(db), transport=ReplayTransport(site), live=False, quiet=quiet)


@pytest.fixture(scope="module")
def first_crawl(tmp_path_factory, module_db_target):
    """One crawl of the fixture site, shared by the read-only assertions below (on a SQLite
    file, then on PostgreSQL, where host slots are leased in the database)."""
    root = tmp_path_factory.mktemp("crawl")
    site = ReplaySite(build(root / "site", crawl_delay=0.05))
    db = module_db_target
    status, stats = crawl(db, site)
    return db, site, status, stats


def test_crawl_finds_articles_through_sitemap_feed_and_paginated_listing(first_crawl):
    db, _, status, stats = first_crawl
    assert status == "finished"
    urls = {r[0] for r in rows(db, "SELECT url FROM articles")}
    urls |= {r[0] for r in rows(db, "SELECT url FROM article_urls")}
    # 1-4 come from the sitemap, 5-6 from the feed, 7-9 from the listing and its second page.
    assert {article_url(n) for n in range(1, 10)} <= urls
    assert stats.articles_new == rows(db, "SELECT count(*) FROM articles")[0][0] == 10


def test_robots_disallow_is_obeyed(first_crawl):
    db, site, _, _ = first_crawl
    assert not [r for r in site.log.records(HOST) if "/private/" in (r.target or "")]
    assert rows(db, "SELECT count(*) FROM fetches WHERE url LIKE '%/private/%'") == [(0,)]


def test_every_fetched_page_is_stored_compressed_and_reads_back_as_served(first_crawl):
    # The crawl drops a page's raw bytes once its worker has prepared it; what the archive
    # holds must still be that page: its hash, its length, compressed.
    db, _, _, _ = first_crawl
    fetched = rows(
        db,
        "SELECT f.sha256, f.length, b.compression, b.size, b.data FROM fetches f "
        "JOIN bodies b ON b.sha256 = f.sha256 WHERE f.content_type LIKE 'text/html%'",
    )
    assert len(fetched) >= 10
    assert rows(db, "SELECT count(*) FROM fetches WHERE sha256 IS NULL AND length > 0") == [(0,)]
    for sha, length, compression, size, data in fetched:
        body = decompress(compression, bytes(data))
        assert (hashlib.sha256(body).hexdigest(), len(body), size) == (sha, length, length)
        if length > 2000:  # a few bytes of HTML may not shrink: those are stored as they are
            assert compression == "zstd" and len(data) < length / 2


def test_politeness_one_request_in_flight_and_crawl_delay_between_requests(first_crawl):
    _, site, _, _ = first_crawl
    assert site.log.max_in_flight(HOST) == 1
    assert site.log.min_gap(HOST) >= 0.05  # robots.txt Crawl-delay, above the 0 s asked for


def test_retry_after_429_and_503_are_retried_and_every_attempt_recorded(first_crawl):
    db, _, _, _ = first_crawl
    statuses = rows(db, "SELECT status FROM fetches WHERE url = ? ORDER BY id", article_url(3))
    assert statuses == [(429,), (200,)]
    statuses = rows(db, "SELECT status FROM fetches WHERE url = ? ORDER BY id", article_url(6))
    assert statuses == [(503,), (200,)]


def test_redirect_to_a_known_article_adds_no_article_and_loops_fail(first_crawl):
    db, _, _, _ = first_crawl
    assert rows(db, "SELECT count(*) FROM articles WHERE url = ?", article_url(5)) == [(1,)]
    loop = rows(db, "SELECT state, last_error FROM frontier WHERE url = ?", f"{BASE}/vong-1")
    assert loop[0][0] == "failed" and "loop" in loop[0][1]


def test_oversized_response_is_cut_recorded_and_the_crawl_goes_on(first_crawl):
    db, _, status, _ = first_crawl
    assert status == "finished"
    ((truncated, length),) = rows(
        db, "SELECT truncated, length FROM fetches WHERE url = ?", f"{BASE}/bao-in.html"
    )
    assert truncated == 1 and length <= 10 * 1024 * 1024


def test_page_with_wrong_declared_charset_is_read_correctly(first_crawl):
    db, _, _, _ = first_crawl
    titles = {r[0] for r in rows(db, "SELECT title FROM articles")}
    assert "Cần Thơ mở hội chợ nông sản" in titles


def test_tracking_parameters_and_print_copy_do_not_duplicate_articles(first_crawl):
    db, _, _, _ = first_crawl
    assert rows(db, "SELECT count(*) FROM articles WHERE title LIKE 'Quảng Nam hỗ trợ%'") == [(1,)]
    assert rows(db, "SELECT count(*) FROM frontier WHERE url LIKE '%utm_source%'") == [(0,)]
    # The print copy and the article are one article under whichever URL came first.
    urls = {r[0] for r in rows(db, "SELECT url FROM articles")}
    urls |= {r[0] for r in rows(db, "SELECT url FROM article_urls")}
    assert {article_url(4), PRINT_COPY} <= urls


def test_second_run_is_incremental_and_uses_conditional_requests(first_crawl, tmp_path):
    db, site, _, _ = first_crawl
    site.log.clear()
    status, stats = crawl(db, site)
    assert status == "finished"
    assert stats.articles_new == 0
    refetched = {r.url for r in site.log.records(HOST)}
    # Only robots.txt and the indexes are read again; the sitemap's and feed's ETags give 304s.
    assert refetched <= {f"{BASE}/robots.txt", f"{BASE}/", f"{BASE}/sitemap.xml", f"{BASE}/rss.xml"}
    assert stats.not_modified == 2
    conditional = [r for r in site.log.records(HOST) if r.url.endswith((".xml",))]
    assert conditional and all(r.header("if-none-match") for r in conditional)


@pytest.mark.slow
def test_view_counts_are_recorded_again_on_revisit(tmp_path, db_target, monkeypatch):
    # Article 1 is published 28 s before the site's "now": its "30s" visit falls due 2 s
    # later. A machine slow to make the first visit would find that visit already past and
    # skip it, so the first visit is taken as made at the latest 1 s before it falls due;
    # the run then waits for the second visit in real time, as a crawl does.
    told: set[datetime] = set()

    def first_visit_in_time(published, seen, now, schedule):
        fresh = published is not None and now - published < timedelta(minutes=5)
        if fresh and published not in told:  # article 1's first visit, not the old ones'
            told.add(published)
            now = min(now, published + timedelta(seconds=29))
        return next_revisit(published, seen, now, schedule)

    monkeypatch.setattr(turns, "next_revisit", first_visit_in_time)
    site = ReplaySite(build(tmp_path / "site", revisit_views=(150, 175)))
    db = db_target
    status, _ = crawl(db, site, revisit_after=("30s", "30d"))
    assert status == "finished"
    series = rows(
        db,
        "SELECT v.view_count FROM view_counts v JOIN articles a ON a.id = v.article_id "
        "WHERE a.url = ? ORDER BY v.observed_at",
        article_url(1),
    )
    assert series == [(150,), (175,)]
    (revisits,) = rows(db, "SELECT revisits FROM frontier WHERE url = ?", article_url(1))[0]
    assert revisits == 2  # the 30-day visit is scheduled for a later run


def test_max_pages_stops_the_run(tmp_path, db_target):
    site = ReplaySite(build(tmp_path / "site"))
    status, stats = crawl(db_target, site, max_pages=5)
    assert status == "finished"
    assert stats.pages <= 5


def test_recorded_crawl_replays_into_the_same_articles(tmp_path):
    site = ReplaySite(build(tmp_path / "site"))
    plan = make_plan([f"{BASE}/"], overrides=FAST)
    first = tmp_path / "first.db"
    run_crawl(
        plan,
        db=str(first),
        transport=ReplayTransport(site),
        record=tmp_path / "recorded",
        live=False,
        quiet=True,
    )
    replayed = ReplaySite(tmp_path / "recorded")
    second = tmp_path / "second.db"
    run_crawl(plan, db=str(second), transport=ReplayTransport(replayed), live=False, quiet=True)
    titles = "SELECT title FROM articles ORDER BY title"
    assert rows(second, titles) == rows(first, titles)
    assert len(rows(first, titles)) >= 9


def test_parsing_in_worker_processes_stores_the_same_articles(first_crawl, tmp_path):
    inline_db = first_crawl[0]
    site = ReplaySite(build(tmp_path / "site", crawl_delay=0.05))
    plan = make_plan([f"{BASE}/"], overrides=FAST)
    db = tmp_path / "workers.db"
    status, _ = run_crawl(
        plan, db=str(db), transport=ReplayTransport(site), workers=1, live=False, quiet=True
    )
    assert status == "finished"
    titles = "SELECT title, author, body FROM articles ORDER BY title"  # dates move with now
    assert rows(db, titles) == rows(inline_db, titles)


def test_while_the_parsers_are_behind_the_loop_waits_for_a_turn_to_end(tmp_path, monkeypatch):
    # The parsers' backlog is one page, and each page is held until the loop has gone to
    # sleep for long with that backlog full (2 s at most). The loop may wake once for a
    # host's politeness gap, then must wait for a turn's end (or its flush): it must not
    # poll the hosts that are ready to fetch more while no page can be parsed.
    from archiver.crawl import engine, workers

    long_sleep = threading.Event()
    short_sleeps = 0
    real_sleep = engine.Crawl._sleep

    async def sleep(self, seconds):
        nonlocal short_sleeps
        if self.turns.analysing >= engine.ANALYSIS_BACKLOG:
            if seconds >= engine.FLUSH_SECONDS:
                long_sleep.set()
            else:
                short_sleeps += 1
        await real_sleep(self, seconds)

    class Gated(ThreadPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            def gated():
                long_sleep.wait(2)
                long_sleep.clear()
                return fn(*args, **kwargs)

            return super().submit(gated)

    monkeypatch.setattr(engine, "ANALYSIS_BACKLOG", 1)
    monkeypatch.setattr(engine.Crawl, "_sleep", sleep)
    # run_crawl starts the pool itself (before it opens the archive).
    monkeypatch.setattr(workers, "start_workers", lambda count, close_fds=(): Gated(count))
    site = ReplaySite(build(tmp_path / "site", crawl_delay=0.0))
    plan = make_plan([f"{BASE}/"], overrides=FAST)
    status, stats = run_crawl(
        plan,
        db=str(tmp_path / "a.db"),
        transport=ReplayTransport(site),
        workers=1,
        live=False,
        quiet=True,
    )
    assert status == "finished" and stats.articles_new == 10
    assert short_sleeps <= stats.pages


def test_a_link_to_the_https_form_of_the_host_gets_that_origins_robots_txt(tmp_path):
    html = (("Content-Type", "text/html; charset=utf-8"),)
    article = f"https://{HOST}/da-nang-khoi-cong-cau-vuot-12345678.html"
    site = ReplaySite(
        entries=(
            Entry(f"{BASE}/robots.txt", (R(text="User-agent: *\nDisallow: /private/\n"),)),
            Entry(
                f"{BASE}/",
                (R(text=f'<html><body><a href="{article}">Tin</a></body></html>', headers=html),),
            ),
            Entry(article, (R(text=article_html(1, datetime.now(UTC)), headers=html),)),
        )
    )
    status, stats = crawl(tmp_path / "archive.db", site)
    assert status == "finished"
    assert stats.articles_new == 1
    fetched = [u for (u,) in rows(tmp_path / "archive.db", "SELECT url FROM fetches ORDER BY id")]
    assert fetched[:4] == [f"{BASE}/robots.txt", f"{BASE}/", f"https://{HOST}/robots.txt", article]


def test_robots_txt_that_expires_during_a_run_is_read_again_and_the_run_ends(tmp_path, monkeypatch):
    # A policy lasts a day; a run that outlives it must fetch robots.txt again, not stall.
    monkeypatch.setattr(turns, "RobotsCache", functools.partial(RobotsCache, ttl=0.05))
    site = ReplaySite(build(tmp_path / "site", crawl_delay=0.02))
    status, stats = crawl(tmp_path / "archive.db", site)
    assert status == "finished"
    assert stats.articles_new == 10
    robots = [r for r in site.log.records(HOST) if r.url.endswith("/robots.txt")]
    assert len(robots) > 1


def test_concurrency_limits_how_many_hosts_are_fetched_from_at_once(tmp_path):
    html = (("Content-Type", "text/html; charset=utf-8"),)
    hosts = ["a.example", "b.example", "c.example"]
    entries = []
    for host in hosts:
        links = "".join(f'<a href="http://{host}/trang-{n}">{n}</a>' for n in range(3))
        entries.append(Entry(f"http://{host}/robots.txt", (R(text="User-agent: *\n"),)))
        entries.append(
            Entry(f"http://{host}/", (R(text=f"<body>{links}</body>", headers=html, delay=0.03),))
        )
        entries += [
            Entry(f"http://{host}/trang-{n}", (R(text="<p>x</p>", headers=html, delay=0.03),))
            for n in range(3)
        ]
    site = ReplaySite(entries=entries)
    plan = make_plan([f"http://{h}/" for h in hosts], overrides={**FAST, "concurrency": 2})
    status, _ = run_crawl(
        plan, db=str(tmp_path / "a.db"), transport=ReplayTransport(site), live=False, quiet=True
    )
    assert status == "finished"
    requests = site.log.records()
    assert len(requests) == 15
    # How many hosts were being served as each request started: never more than two.
    serving = [
        len({r.host for r in requests if r.started <= q.started < (r.finished or 0)})
        for q in requests
    ]
    assert max(serving) == 2


def test_sitemaps_are_handed_to_the_parsers_a_few_at_a_time(tmp_path, monkeypatch):
    # A sitemap's analysis may list 50,000 URLs: with every sitemap of a crawl in the
    # parsers' backlog at once, their results would all land in the crawl's process
    # together. The executor holds a sitemap's job until a second one arrives (or a
    # while has passed): with one sitemap at a time, none ever does.
    from archiver.crawl import workers

    monkeypatch.setattr(turns, "SITEMAPS_AT_ONCE", 1)
    lock = threading.Condition()
    held = 0
    most = 0

    class Counting(ThreadPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            if fn.keywords.get("kind") != "sitemap":
                return super().submit(fn, *args, **kwargs)

            def counted():
                nonlocal held, most
                with lock:
                    held += 1
                    most = max(most, held)
                    lock.notify_all()
                    lock.wait_for(lambda: held > 1, timeout=0.5)
                    held -= 1
                return fn(*args, **kwargs)

            return super().submit(counted)

    # run_crawl starts the pool itself (before it opens the archive).
    monkeypatch.setattr(workers, "start_workers", lambda count, close_fds=(): Counting(4))
    html = (("Content-Type", "text/html; charset=utf-8"),)
    xml = (("Content-Type", "application/xml"),)
    articles = [f"{BASE}/bai-so-{n}-1234567{n}.html" for n in range(6)]
    sitemaps = [f"{BASE}/sitemap-{n}.xml" for n in range(3)]
    robots = "User-agent: *\n" + "".join(f"Sitemap: {s}\n" for s in sitemaps)
    entries = [
        Entry(f"{BASE}/robots.txt", (R(text=robots),)),
        Entry(f"{BASE}/", (R(text="<html><body>Trang chủ</body></html>", headers=html),)),
    ]
    for n, sitemap in enumerate(sitemaps):
        locs = "".join(f"<url><loc>{a}</loc></url>" for a in articles[2 * n : 2 * n + 2])
        entries.append(Entry(sitemap, (R(text=f"<urlset>{locs}</urlset>", headers=xml),)))
    when = datetime.now(UTC) - timedelta(hours=1)
    entries += [
        Entry(a, (R(text=article_html(n + 1, when), headers=html),)) for n, a in enumerate(articles)
    ]
    plan = make_plan([f"{BASE}/"], overrides=FAST)
    status, _ = run_crawl(
        plan,
        db=str(tmp_path / "a.db"),
        transport=ReplayTransport(ReplaySite(entries=entries)),
        workers=4,
        live=False,
        quiet=True,
    )
    assert status == "finished"
    assert most == 1
    fetched = {u for (u,) in rows(tmp_path / "a.db", "SELECT url FROM fetches")}
    assert set(sitemaps) | set(articles) <= fetched


@pytest.mark.parametrize(("quiet", "counted"), [(True, False), (False, True)])
def test_a_quiet_log_spares_the_count_of_urls_due_on_each_tick(
    tmp_path, monkeypatch, quiet, counted
):
    # The progress line's "N due" is a query over the frontier, run once a second: a log
    # that shows no progress (--quiet, JSON) must not pay for it.
    from archiver.crawl import engine

    counts = []
    real = engine.Crawl._count_due

    def count_due(self, hosts):
        counts.append(len(hosts))
        return real(self, hosts)

    monkeypatch.setattr(engine.Crawl, "_count_due", count_due)
    site = ReplaySite(build(tmp_path / "site", crawl_delay=0.0))
    status, stats = crawl(tmp_path / "a.db", site, quiet=quiet)
    assert status == "finished" and stats.articles_new == 10
    # Counted once before the run (is it a long one?), then on ticks only when shown.
    assert (len(counts) > 1) is counted
