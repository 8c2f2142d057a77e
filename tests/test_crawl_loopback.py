"""Crawls of real servers on loopback addresses and ports, directly and through a proxy.

Each site is a real listener on 127.0.0.x:PORT (its own origin, a non-default port) or
a made-up host name behind ``--proxy``; the servers misbehave as real ones do
(tests/hostile.py). The servers' own request logs are the evidence.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import main
from archiver.crawl import run_crawl
from archiver.crawl.config import make_plan
from archiver.store import Archive
from crawl_support import (
    FAST,
    TOPICS,
    article_page,
    listing_page,
    loopback_article_path,
    publish,
    rows,
    story,
)
from hostile import Reply, Web, html, redirect, text

MODES = ["direct", "proxy"]


@pytest.fixture
def web():
    with Web() as running:
        yield running


def origin(web: Web, mode: str, number: int, name: str | None = None):
    """Site ``number``: 127.0.0.<number+1>:PORT directly, or a named host through the proxy."""
    if mode == "direct":
        return web.listen(f"127.0.0.{number + 1}")
    return web.named(f"http://{name or f'site{number}.example'}")


def crawl(db: Path, seeds: list[str], web: Web, mode: str, *, config=None, **overrides):
    plan = make_plan(seeds, config=config, overrides={**FAST, **overrides})
    return run_crawl(
        plan,
        db=str(db),
        proxy=web.proxy if mode == "proxy" else None,
        live=False,
        quiet=True,
    )


def archived(db: Path) -> set[str]:
    return {r[0] for r in rows(db, "SELECT url FROM articles")}


# --- 1. robots.txt is per origin -------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_site_on_its_own_port_is_crawled_with_robots_txt_from_that_origin(db_target, web, mode):
    site = origin(web, mode, 1, "tin.example:8123")
    publish(site, range(1, 4))
    db = db_target
    status, _stats = crawl(db, [site.origin + "/"], web, mode)
    assert status == "finished"
    assert archived(db) == {site.url(loopback_article_path(n)) for n in range(1, 4)}
    assert [r.status for r in site.requests(web, "/robots.txt")] == [200]
    robots = rows(db, "SELECT url FROM frontier WHERE kind = 'robots'")
    assert robots == [(site.url("/robots.txt"),)]
    assert not site.requests(web, "/private/noi-bo.html")  # and it was obeyed


def test_a_www_only_host_gets_robots_txt_and_pages_from_www(db_target, web):
    site = web.named("http://www.only.example")
    publish(site, range(1, 3), robots="User-agent: *\nDisallow: /tin-tuc/\n")
    db = db_target
    crawl(db, ["http://www.only.example/"], web, "proxy")
    assert [r.status for r in site.requests(web, "/robots.txt")] == [200]
    assert not web.log.records("only.example"), "robots.txt asked of the host without www."
    assert archived(db) == set()  # robots.txt of www.only.example forbids the articles
    assert not [r for r in web.log.records("www.only.example") if "/tin-tuc/" in r.target]


# --- 2. one over-long link ----------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_an_over_long_link_is_skipped_and_every_site_of_the_config_is_crawled(db_target, web, mode):
    first, second = origin(web, mode, 1), origin(web, mode, 2)
    publish(first, range(1, 3), home_extra=f'<a href="/{"x" * 100_000}">dài</a>')
    publish(second, range(3, 5))
    config = {"site": [{"url": first.origin + "/"}, {"url": second.origin + "/"}]}
    db = db_target
    status, _ = crawl(db, [], web, mode, config=config)
    assert status == "finished"
    expected = {first.url(loopback_article_path(n)) for n in (1, 2)}
    expected |= {second.url(loopback_article_path(n)) for n in (3, 4)}
    assert archived(db) == expected
    assert rows(db, "SELECT count(*) FROM frontier WHERE length(url) > 8192") == [(0,)]


def test_a_queued_url_that_cannot_be_requested_fails_alone(db_target, web):
    site = web.listen("127.0.0.2")
    publish(site, range(1, 3))
    db = db_target
    broken = site.url("/" + "x" * 100_000)  # left by an older version, say
    with Archive(db) as archive:
        archive.conn.execute("BEGIN")
        archive.conn.execute(
            "INSERT INTO frontier(url, host, site, kind, next_fetch_at, discovered_at, priority)"
            " VALUES (?, '127.0.0.2', '127.0.0.2', 'page', '2000-01-01', '2000-01-01', 99)",
            (broken,),
        )
        archive.conn.execute("COMMIT")
    status, _stats = crawl(db, [site.origin + "/"], web, "direct")
    assert status == "finished"
    assert archived(db) == {site.url(loopback_article_path(n)) for n in (1, 2)}
    ((state, error),) = rows(db, "SELECT state, last_error FROM frontier WHERE url = ?", broken)
    assert state == "failed" and error


# --- 4. a slow-loris server ------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_slow_loris_page_fails_at_the_url_deadline_and_frees_its_host(db_target, web, mode):
    site = origin(web, mode, 1)
    publish(site, range(1, 4))
    slow = loopback_article_path(2)
    # One byte a second: no read timeout ever fires, and 4 tries of 120 s would take 8 min.
    site.route(slow, Reply(headers=[("Content-Type", "text/html")], body=b"x" * 600, trickle=1))
    db = db_target
    status, _ = crawl(db, [site.origin + "/"], web, mode, url_deadline=2.0, retries=4)
    assert status == "finished"
    assert archived(db) == {site.url(loopback_article_path(n)) for n in (1, 3)}
    ((state, error),) = rows(
        db, "SELECT state, last_error FROM frontier WHERE url = ?", site.url(slow)
    )
    assert state == "queued" and "URL deadline of 2s passed" in error  # tried in a later turn
    errors = rows(db, "SELECT error FROM fetches WHERE url = ?", site.url(slow))
    assert len(errors) == 1 and "URL deadline" in errors[0][0]


# --- 11. a robots.txt over the size limit ----------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_robots_txt_over_10_mb_that_starts_with_disallow_all_is_obeyed(db_target, web, mode):
    site = origin(web, mode, 1)
    publish(site, range(1, 3))
    rules = b"User-agent: *\nDisallow: /\n"
    filler = b"# " + b"-" * 97 + b"\n"
    site.route("/robots.txt", text(rules + filler * (11 * 1024 * 1024 // len(filler))))
    db = db_target
    crawl(db, [site.origin + "/"], web, mode)
    assert [r.target.rsplit("/", 1)[-1] for r in web.log.records(site.host)] == ["robots.txt"]
    assert archived(db) == set()
    assert rows(db, "SELECT state FROM frontier WHERE kind = 'seed'") == [("done",)]


# --- 10. scope and redirects are per origin ----------------------------------------------


def _two_ports(web: Web, mode: str):
    """One host on two ports: the crawled site, and another service on the other port."""
    if mode == "direct":
        site = web.listen("127.0.0.2")
        other = web.listen("127.0.0.2")
    else:
        site = web.named("http://tin.example:8001")
        other = web.named("http://tin.example:8002")
    publish(other, range(3, 4))
    publish(site, range(1, 3), home_extra='<a href="/chuyen-trang">Chuyên trang</a>')
    site.route("/chuyen-trang", redirect(other.url(loopback_article_path(3))))
    return site, other


@pytest.mark.parametrize("mode", MODES)
def test_a_redirect_to_another_port_of_the_host_is_reported_not_followed(db_target, web, mode):
    site, other = _two_ports(web, mode)
    db = db_target
    status, _ = crawl(db, [site.origin + "/"], web, mode)
    assert status == "finished"
    assert other.served == {}, "nothing may be asked of the other port"
    assert archived(db) == {site.url(loopback_article_path(n)) for n in (1, 2)}
    ((state, error),) = rows(
        db, "SELECT state, last_error FROM frontier WHERE url = ?", site.url("/chuyen-trang")
    )
    assert state == "failed" and "not allowed" in error


@pytest.mark.parametrize("mode", MODES)
def test_allow_hosts_with_a_port_widens_the_scope_to_it(db_target, web, mode):
    site, other = _two_ports(web, mode)
    netloc = other.origin.split("://", 1)[1]
    config = {"site": [{"url": site.origin + "/", "allow_hosts": [netloc]}]}
    db = db_target
    crawl(db, [], web, mode, config=config)
    assert other.url(loopback_article_path(3)) in archived(db)


def test_parse_refuses_a_redirect_off_the_site_unless_asked(web):
    site, other = _two_ports(web, "direct")
    runner = CliRunner()
    refused = runner.invoke(main, ["parse", site.url("/chuyen-trang")])
    assert refused.exit_code == 2
    assert refused.output.count("\n") == 1 and "--follow-offsite" in refused.output
    assert other.served == {}
    followed = runner.invoke(main, ["parse", site.url("/chuyen-trang"), "--follow-offsite"])
    assert followed.exit_code == 0, followed.output
    assert "Thủ tướng kiểm tra tiến độ" in followed.output


# --- 7. a canonical link to another site is a claim, not an identity --------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("copy_first", [False, True], ids=["original-first", "copy-first"])
def test_a_syndicated_copy_naming_the_original_as_canonical_never_replaces_it(
    db_target, web, mode, copy_first
):
    original, syndicator = origin(web, mode, 1), origin(web, mode, 2)
    publish(original, [1])
    publish(syndicator, [])
    when = datetime.now(UTC) - timedelta(days=1)
    first = story(TOPICS[0][0], when)
    edited = [first[0], first[1].replace("120 tỷ", "hơn 121 tỷ"), first[2]]
    copy = article_page(
        "Đà Nẵng: khởi công cầu vượt Hòa Cầm (bài đăng lại)",
        "Lê Vy",
        when,
        paragraphs=edited,
        canonical=original.url(loopback_article_path(1)),
    )
    syndicator.route("/dang-lai/cau-vuot.html", html(copy))
    syndicator.route("/", html(listing_page([("/dang-lai/cau-vuot.html", "Cầu vượt")])))
    db = db_target
    for site in (syndicator, original) if copy_first else (original, syndicator):
        crawl(db, [site.origin + "/"], web, mode)
    a = original.url(loopback_article_path(1))
    b = syndicator.url("/dang-lai/cau-vuot.html")
    stored = dict(rows(db, "SELECT url, title || ' / ' || author FROM articles"))
    assert stored == {
        a: f"{TOPICS[0][0]} / {TOPICS[0][1]}",
        b: "Đà Nẵng: khởi công cầu vượt Hòa Cầm (bài đăng lại) / Lê Vy",
    }
    assert rows(db, "SELECT count(*) FROM article_versions") == [(0,)]
    assert rows(db, "SELECT count(*) FROM article_urls WHERE url = ?", a) == [(0,)]
    ids = dict(rows(db, "SELECT url, id FROM articles"))
    assert rows(db, "SELECT article_id, duplicate_of FROM near_duplicates") == [
        (max(ids.values()), min(ids.values()))
    ]
    assert rows(db, "SELECT count(DISTINCT story_id) FROM articles") == [(1,)]


# --- servers that lie about what they send ------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_lying_content_length_and_type_cost_only_their_own_urls(db_target, web, mode):
    site = origin(web, mode, 1)
    publish(site, range(1, 4))
    short = loopback_article_path(1)  # says 100,000 bytes, sends 40, hangs up
    site.route(
        short,
        Reply(
            headers=[("Content-Type", "text/html")], body=b"<p>" * 13 + b"x", content_length=100_000
        ),
    )
    mislabelled = loopback_article_path(2)  # an article sent as a JPEG
    site.route(mislabelled, Reply(headers=[("Content-Type", "image/jpeg")], body=b"<h1>Tin</h1>"))
    db = db_target
    status, _ = crawl(db, [site.origin + "/"], web, mode, retries=2)
    assert status == "finished"
    assert archived(db) == {site.url(loopback_article_path(3))}
    ((state, error),) = rows(
        db, "SELECT state, last_error FROM frontier WHERE url = ?", site.url(short)
    )
    assert state == "queued" and "RemoteProtocolError" in error  # tried again in a later turn
    assert len(site.requests(web, short)) == 2  # both attempts, each recorded
    assert rows(db, "SELECT count(*) FROM fetches WHERE url = ?", site.url(short)) == [(2,)]
    (kind,) = rows(db, "SELECT content_type FROM fetches WHERE url = ?", site.url(mislabelled))
    assert kind == ("image/jpeg",)  # recorded as served, not parsed


# --- 11. a page reached through a redirect is fetched once ---------------------------------


def _moved_article(site, number: int, *, links: str = "") -> tuple[str, str]:
    """Article ``number`` at its new path, and an old path that redirects (301) to it."""
    title, author = TOPICS[number - 1]
    new = loopback_article_path(number)
    old = new.replace("/tin-tuc/", "/tin-cu/")
    published = datetime.now(UTC) - timedelta(days=number)
    site.route(new, html(article_page(title, author, published, links=links)))
    site.route(old, redirect(new, 301))
    return old, new


@pytest.mark.parametrize("mode", MODES)
def test_a_page_a_redirect_led_to_is_not_fetched_again_when_linked_later(db_target, web, mode):
    # The demo's first crawl said "2 unchanged": an old-style link redirected to an article,
    # and a listing found later linked to the article's own URL, fetched a second time.
    site = origin(web, mode, 1)
    old, new = _moved_article(site, 1, links='<a href="/chuyen-muc">Chuyên mục</a>')
    publish(site, [2])
    site.route("/", html(listing_page([(old, TOPICS[0][0])])))
    listed = [(new, TOPICS[0][0]), (loopback_article_path(2), TOPICS[1][0])]
    site.route("/chuyen-muc", html(listing_page(listed)))
    db = db_target
    status, stats = crawl(db, [site.origin + "/"], web, mode)
    assert status == "finished"
    assert site.served.get(new) == 1 and site.served.get(old) == 1
    assert archived(db) >= {site.url(new), site.url(loopback_article_path(2))}
    assert (stats.articles_new, stats.articles_unchanged) == (2, 0)
    known = "SELECT state, article_id IS NOT NULL FROM frontier WHERE url = ?"
    assert [tuple(map(bool, row)) for row in rows(db, known, site.url(new))] == [(True, True)]
    assert rows(db, "SELECT state FROM frontier WHERE url = ?", site.url(new)) == [("done",)]


def test_a_claimed_page_a_redirect_led_to_is_not_fetched_again(db_target, web):
    # Both URLs claimed together, the old one first: the new one's claim is dropped.
    site = origin(web, "direct", 1)
    old, new = _moved_article(site, 1)
    site.route("/robots.txt", text("User-agent: *\n"))
    site.route("/", html(listing_page([(old, "Bài cũ"), (new, TOPICS[0][0])])))
    db = db_target
    status, stats = crawl(db, [site.origin + "/"], web, "direct")
    assert status == "finished"
    assert [r.target for r in web.log.records(site.host) if "/tin-" in r.target] == [old, new]
    assert (stats.articles_new, stats.articles_unchanged) == (1, 0)
    assert stats.outcomes["redirected"] == 1
    assert rows(db, "SELECT state FROM frontier WHERE url = ?", site.url(new)) == [("done",)]


@pytest.mark.parametrize("mode", MODES)
def test_a_redirect_to_a_page_fetched_earlier_in_the_run_is_not_followed(db_target, web, mode):
    # The other order: the article's own URL comes first, the old one redirecting to it
    # is found later (on a listing the article links to). The redirect is recorded, its
    # target is not fetched a second time.
    site = origin(web, mode, 1)
    old, new = _moved_article(site, 1, links='<a href="/chuyen-muc">Chuyên mục</a>')
    site.route("/robots.txt", text("User-agent: *\n"))
    site.route("/", html(listing_page([(new, TOPICS[0][0])])))
    site.route("/chuyen-muc", html(listing_page([(old, "Bài cũ")])))
    db = db_target
    status, stats = crawl(db, [site.origin + "/"], web, mode)
    assert status == "finished"
    assert site.served.get(new) == 1 and site.served.get(old) == 1
    assert (stats.articles_new, stats.articles_unchanged) == (1, 0)
    assert stats.outcomes["redirected"] == 1 and stats.errors == 0
    state = "SELECT state, last_status, last_error FROM frontier WHERE url = ?"
    assert rows(db, state, site.url(old)) == [("done", 301, None)]
    # The redirect itself is in the archive, as every response is.
    fetched = "SELECT status FROM fetches WHERE url = ?"
    assert rows(db, fetched, site.url(old)) == [(301,)]
