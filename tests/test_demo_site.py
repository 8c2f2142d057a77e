"""The demo website: every article page extracts to its source record, discovery finds
every article, and the replay site (in memory or written out) behaves as described."""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from archiver import InputError, extract
from archiver.demo import HOSTS, NEWS, PORTAL, build_site, demo_articles, site_pages, write_site
from archiver.demo.news import FEED, FLAKY, NEWS_SITEMAP_SIZE, SHARED, SITEMAP, news_date
from archiver.demo.portal import ARCHIVE_START, REDIRECTED, archive_url, portal_date, view_text
from archiver.discover import (
    date_archive_urls,
    earlier_articles_box,
    extract_links,
    next_page_links,
    parse_feed,
    parse_sitemap,
)
from archiver.fetch.robots import RobotsPolicy
from archiver.replay import ReplaySite, ReplayTransport
from archiver.sites import registry
from archiver.text import tone_key
from archiver.urls import host_of, normalize_url
from conftest import DEMO_DAY

TODAY = DEMO_DAY
FIXTURE = Path(__file__).parent.parent / "fixtures" / "pages" / "tamky" / "table-layout.json"
ARTICLES = demo_articles()
ARTICLE_URLS = {a.url for a in ARTICLES}
SITE_PAGES = site_pages(TODAY)


@pytest.fixture(scope="module")
def pages() -> dict[str, bytes]:
    """Each URL's final body (after any 503) as bytes."""
    return {p.url: (p.replies[-1].body or "").encode("utf-8") for p in SITE_PAGES}


@pytest.fixture
def client(demo_site: ReplaySite) -> Iterator[httpx.Client]:
    with httpx.Client(transport=ReplayTransport(demo_site)) as http:
        yield http


def _record(article, page: bytes):
    return extract(page, article.url)


# --- the data ---------------------------------------------------------------------------


def test_both_sites_have_dozens_of_articles():
    portal, news = demo_articles(PORTAL), demo_articles(NEWS)
    assert len(portal) == 27 and len(news) == 25
    assert 40 <= len(ARTICLES) <= 60
    assert len(ARTICLE_URLS) == len(ARTICLES)


def test_article_text_is_nfc_and_holds_the_words_researchers_search_for():
    text = " ".join(f"{a.title} {a.body}" for a in ARTICLES)
    assert unicodedata.is_normalized("NFC", text)
    for words in ("hài lòng", "Đà Nẵng", "Thủ tướng", "cải cách hành chính", "Hội An"):
        assert words in text, words


def test_articles_spread_over_2025_and_2026_in_gmt7():
    years = {a.published.year for a in ARTICLES}
    assert years == {2018, 2025, 2026}  # 2018: the seed article only
    assert all(a.published_at.endswith("+07:00") for a in ARTICLES)
    assert all(a.published.date() <= TODAY for a in ARTICLES)


def test_seed_article_is_the_fixture_record():
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))["expected"]
    seed = next(a for a in ARTICLES if a.id == 31785)
    assert seed.url == expected["url"]
    assert (seed.title, seed.published_at, seed.author, seed.view_count, seed.body) == (
        expected["title"],
        expected["published_at"],
        expected["author"],
        expected["view_count"],
        expected["body"],
    )


def test_one_story_is_syndicated_on_both_sites_with_small_edits():
    by_title: dict[str, list] = {}
    for a in ARTICLES:
        by_title.setdefault(a.title, []).append(a)
    shared = [group for group in by_title.values() if len(group) > 1]
    assert len(shared) == 1
    portal, news = sorted(shared[0], key=lambda a: a.site)
    assert {portal.site, news.site} == {PORTAL, NEWS}
    assert portal.body != news.body
    assert difflib.SequenceMatcher(None, portal.body, news.body).ratio() > 0.8


def test_two_articles_write_the_same_words_with_different_tone_placement():
    old_style = [a for a in ARTICLES if "hoà giải ở cơ sở" in a.body]
    new_style = [a for a in ARTICLES if "hòa giải ở cơ sở" in a.body]
    assert old_style and new_style and old_style != new_style
    assert tone_key("hoà giải ở cơ sở") == tone_key("hòa giải ở cơ sở")


def test_there_is_one_very_short_notice_and_articles_without_a_person_as_author():
    assert min(len(a.body) for a in ARTICLES) < 250
    assert any(a.byline == "Theo TTXVN" and a.author is None for a in ARTICLES)
    assert any(a.byline is None for a in ARTICLES)


def test_view_counts_only_on_the_portal(pages):
    assert all(a.view_count is not None for a in ARTICLES if a.site == PORTAL)
    assert all(a.view_count is None for a in ARTICLES if a.site == NEWS)
    assert not any("Lượt xem".encode() in pages[a.url] for a in ARTICLES if a.site == NEWS)


# --- how dates and counts are printed -----------------------------------------------------


def test_portal_date_line_has_numbered_weekday_and_twelve_hour_clock():
    vn = ARTICLES[0].published.tzinfo
    assert portal_date(datetime(2018, 7, 4, 15, 34, tzinfo=vn)) == (
        "Thứ 4, ngày 04/07/2018 | 03:34 PM (GMT +7)"
    )
    assert portal_date(datetime(2026, 3, 1, 0, 5, tzinfo=vn)) == (
        "Chủ nhật, ngày 01/03/2026 | 12:05 AM (GMT +7)"
    )


def test_news_date_line_names_the_weekday_and_leaves_day_and_month_unpadded():
    vn = ARTICLES[0].published.tzinfo
    assert news_date(datetime(2018, 7, 4, 15, 34, tzinfo=vn)) == "Thứ tư, 4/7/2018, 15:34 (GMT+7)"
    assert news_date(datetime(2026, 3, 1, 9, 5, tzinfo=vn)) == "Chủ nhật, 1/3/2026, 09:05 (GMT+7)"


def test_portal_prints_thousands_with_dots():
    assert (view_text(136), view_text(2431)) == ("136", "2.431")


def test_headers_show_today_not_the_publication_date(pages):
    assert "Thứ Năm, 26/11/2026".encode() in pages["http://tamky.gov.vn/"]
    assert "Thứ năm, 26/11/2026".encode() in pages["http://tinsonghan.example/"]


# --- extraction ---------------------------------------------------------------------------


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: f"{a.site}-{a.id}")
def test_article_page_gives_its_source_record(article, pages):
    record = _record(article, pages[article.url])
    assert (record.site, record.title, record.published_at, record.author, record.view_count) == (
        article.site,
        article.title,
        article.published_at,
        article.author,
        article.view_count,
    )


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: f"{a.site}-{a.id}")
def test_article_page_gives_its_paragraphs_in_order(article, pages):
    assert _record(article, pages[article.url]).paragraphs == list(article.paragraphs)


def _listing_urls() -> list:
    days = {a.published.date() for a in demo_articles(PORTAL)}
    urls = [p.url for p in SITE_PAGES if "DanhSach.aspx" in p.url]
    urls += [archive_url(d) for d in sorted(days)]
    urls += [archive_url(ARCHIVE_START), archive_url(TODAY)]  # days without articles
    urls += ["http://tamky.gov.vn/", "http://tinsonghan.example/"]
    news_sections = [
        p.url
        for p in SITE_PAGES
        if host_of(p.url) == NEWS
        and p.url not in ARTICLE_URLS
        and dict(p.replies[-1].headers)["Content-Type"].startswith("text/html")
        and p.url != "http://tinsonghan.example/"
    ]
    urls += news_sections
    return urls


@pytest.mark.parametrize("url", _listing_urls())
def test_listing_archive_and_home_pages_are_not_articles(url, pages):
    assert not extract(pages[url], url).is_article


# --- discovery ----------------------------------------------------------------------------


def test_sitemap_index_leads_to_sitemaps_that_list_every_news_article(pages):
    index = parse_sitemap(pages[SITEMAP], SITEMAP)
    assert index.kind == "sitemapindex" and not index.warnings
    listed = {s.loc: parse_sitemap(pages[s.loc], s.loc) for s in index.sitemaps}
    assert len(listed) == 2
    news = demo_articles(NEWS)
    everything = max(listed.values(), key=lambda sm: len(sm.urls))
    assert {e.loc for e in everything.urls} == {a.url for a in news}
    assert {e.loc: e.lastmod for e in everything.urls} == {a.url: a.published for a in news}
    recent = min(listed.values(), key=lambda sm: len(sm.urls))
    newest = sorted(news, key=lambda a: a.published)[-NEWS_SITEMAP_SIZE:]
    assert {(e.loc, e.news_published) for e in recent.urls} == {
        (a.url, a.published) for a in newest
    }


def test_feed_lists_every_news_article_with_its_time(pages):
    feed = parse_feed(pages[FEED], FEED)
    assert not feed.warnings
    assert {(e.link, e.published) for e in feed.entries} == {
        (a.url, a.published) for a in demo_articles(NEWS)
    }


def test_portal_robots_has_a_small_crawl_delay_and_no_sitemap(pages):
    url = "http://tamky.gov.vn/robots.txt"
    robots = RobotsPolicy.parse(pages[url], url)
    assert robots.crawl_delay("archiver") == pytest.approx(0.1)
    assert robots.sitemaps == []
    assert not robots.can_fetch("http://tamky.gov.vn/CMSPages/Login.aspx", "archiver")
    assert all(robots.can_fetch(a.url, "archiver") for a in demo_articles(PORTAL))


def test_news_robots_names_its_sitemaps_and_disallows_search(pages):
    url = "http://tinsonghan.example/robots.txt"
    robots = RobotsPolicy.parse(pages[url], url)
    assert SITEMAP in robots.sitemaps and len(robots.sitemaps) == 2
    assert not robots.can_fetch("http://tinsonghan.example/tim-kiem?q=hai+long", "archiver")
    assert all(robots.can_fetch(a.url, "archiver") for a in demo_articles(NEWS))


def test_every_link_between_pages_is_served(pages):
    served = {normalize_url(u) for u in pages}
    dead = {
        link.url
        for url, body in pages.items()
        if body.lstrip().startswith(b"<!DOCTYPE")
        for link in extract_links(body, url)
        if host_of(link.url) in HOSTS and normalize_url(link.url) not in served
    }
    assert dead == set()


def test_listings_page_forward_to_reach_every_article(pages):
    for start in (
        "http://tamky.gov.vn/CMSPages/BaiViet/DanhSach.aspx?IDChuyenMuc=1",
        "http://tinsonghan.example/thoi-su",
    ):
        seen, url = [], start
        while url:
            seen.append(url)
            following = next_page_links(pages[url], url).next
            url = following[0] if following else None
        assert len(seen) >= 2 and len(set(seen)) == len(seen)
    portal_reached = set()
    for url, body in pages.items():
        if "DanhSach.aspx" in url:
            portal_reached |= {link.url for link in extract_links(body, url)}
    assert {a.url for a in demo_articles(PORTAL)} <= portal_reached


def test_earlier_articles_box_links_the_articles_before(pages):
    article = demo_articles(PORTAL)[-1]
    before = [a.url for a in demo_articles(PORTAL)[-6:-1]][::-1]
    assert [link.url for link in earlier_articles_box(pages[article.url], article.url)] == before


def test_profile_date_archive_reaches_every_day_up_to_today(pages):
    profile = registry().get("tamky")
    template = profile.discovery.date_archive
    urls = list(date_archive_urls(template, TODAY, ARCHIVE_START))
    assert len(urls) == (TODAY - ARCHIVE_START).days + 1
    assert set(urls) <= {normalize_url(u) for u in pages}
    assert all(profile.url_kind(a.url) == "article" for a in demo_articles(PORTAL))
    assert profile.url_kind(urls[0]) == "listing"
    assert archive_url(TODAY + timedelta(days=1)) not in pages


# --- the replay site ----------------------------------------------------------------------


def _served(site: ReplaySite, url: str) -> tuple[int, tuple, bytes]:
    response = site.respond("GET", url, ())
    body = b"".join(response.body.chunks)
    site.log.finish(response.request_id)
    return response.status, response.headers, body


def test_written_directory_serves_the_same_bytes_as_the_site_in_memory(tmp_path):
    write_site(tmp_path, TODAY)
    memory, disk = build_site(TODAY), ReplaySite(tmp_path)
    assert sorted(memory.urls) == sorted(disk.urls)
    for url in memory.urls:
        for _ in range(2):  # a 503-then-200 sequence must match response for response
            assert _served(memory, url) == _served(disk, url), url


def test_write_site_never_overwrites_a_replay_directory(tmp_path):
    write_site(tmp_path, TODAY)
    with pytest.raises(InputError):
        write_site(tmp_path, TODAY)


def test_flaky_article_answers_503_once_then_200_with_validators(client):
    article = next(a for a in ARTICLES if a.id == FLAKY)
    first = client.get(article.url)
    assert first.status_code == 503 and first.headers["Retry-After"] == "1"
    second = client.get(article.url)
    assert second.status_code == 200 and article.title in second.text


def test_second_visit_to_an_article_is_not_modified(client):
    article = demo_articles(NEWS)[0]
    first = client.get(article.url)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get(article.url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    since = client.get(article.url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_old_portal_urls_redirect_to_the_article(client):
    for ident in REDIRECTED:
        old = client.get(f"http://tamky.gov.vn/TinTuc.aspx?id={ident}")
        assert old.status_code == 301
        target = f"http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet={ident}"
        assert old.headers["Location"] == target
        assert client.get(target).status_code == 200


def test_article_shared_with_tracking_parameters_is_the_same_page(client, pages):
    article = next(a for a in ARTICLES if a.id == SHARED)
    linked = re.search(rb'href="([^"]*utm_source=zalo[^"]*)"', pages["http://tinsonghan.example/"])
    assert linked and linked[1].decode().replace("&amp;", "&").startswith(article.url + "?")
    tracked = client.get(linked[1].decode().replace("&amp;", "&"))
    assert tracked.status_code == 200 and tracked.content == client.get(article.url).content


def test_unknown_pages_are_404(client):
    missing = "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=1"
    assert client.get(missing).status_code == 404
