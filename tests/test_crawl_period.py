"""The period a crawl archives (--since/--until): the dates URLs, sitemaps and articles name."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from archiver.crawl.analyze import Found
from archiver.crawl.period import Period, template_pattern, url_span
from archiver.crawl.turns import _in_period
from crawl_support import (
    crawl_output,
    daily_article_path,
    daily_profile,
    day_archive_path,
    publish_daily,
    rows,
)
from hostile import Web

TAMKY = "http://tamky.gov.vn/CMSPages/BaiViet/XemTheoNgay.aspx?Ngay={dd}/{mm}/{yyyy}"
MARCH = Period(date(2024, 3, 1), date(2024, 3, 31))
VN = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("url", "span"),
    [
        # The profile's day archive, as generated and as a link spells it.
        ("http://tamky.gov.vn/CMSPages/BaiViet/XemTheoNgay.aspx?Ngay=05/03/2024", (5, 5)),
        ("https://www.tamky.gov.vn/CMSPages/BaiViet/XemTheoNgay.aspx?Ngay=05%2F03%2F2024", (5, 5)),
        ("http://x.vn/2024/03/05/tin-moi", (5, 5)),
        ("http://x.vn/tin-tuc/ngay-2024-03-05", (5, 5)),
        ("http://x.vn/xem?ngay=5-3-2024", (5, 5)),  # day before month
        ("http://x.vn/sitemaps/sitemap-2024-03.xml", (1, 31)),
        ("http://x.vn/2024/03/", (1, 31)),
    ],
)
def test_listing_and_sitemap_urls_name_the_days_they_cover(url, span):
    first, last = span
    assert url_span(url, (template_pattern(TAMKY),)) == (date(2024, 3, first), date(2024, 3, last))


@pytest.mark.parametrize(
    "url",
    [
        "http://x.vn/tin-tuc/bai-viet-20240305.html",  # an id, not a date
        "http://x.vn/2024/13/05/",  # no 13th month
        "http://x.vn/danh-muc?page=2024",
        "http://x.vn/",
    ],
)
def test_urls_without_a_real_date_name_none(url):
    assert url_span(url) is None


def test_a_template_without_a_full_date_reads_nothing():
    assert template_pattern("http://x.vn/thang/{yyyy}-{mm}") is None
    pattern = template_pattern("http://x.vn/{d}-{m}-{yy}/{d}")
    assert pattern is not None
    assert url_span("http://x.vn/5-3-24/5", (pattern,)) == (date(2024, 3, 5),) * 2
    assert url_span("http://x.vn/5-3-24/6", (pattern,)) is None  # the day read twice differs


def test_published_times_are_judged_on_the_vietnamese_day():
    assert MARCH.holds_iso("2024-03-31T23:30:00+07:00")
    assert not MARCH.holds_iso("2024-04-01T00:10:00+07:00")
    assert not MARCH.holds_iso("2024-03-31T17:10:00+00:00")  # 1 April 00:10 in Vietnam
    assert MARCH.holds_iso(None) and MARCH.holds_iso("unreadable")  # unknown: kept
    assert Period(None, date(2024, 3, 31)).holds(date(1999, 1, 1))
    assert not Period()  # no period: everything


def _found(url: str, kind: str, lastmod: datetime | None = None) -> tuple[str, str, Any]:
    """The arguments ``_in_period`` takes from a found link: its url, kind and lastmod."""
    return Found(url, kind, lastmod)[:3]


def test_what_a_backfill_queues_inside_a_period():
    march_10 = datetime(2024, 3, 10, 8, 0, tzinfo=VN)
    april = datetime(2024, 4, 2, tzinfo=VN)
    february = datetime(2024, 2, 2, tzinfo=VN)
    days = (template_pattern(TAMKY),)
    archive = "http://tamky.gov.vn/CMSPages/BaiViet/XemTheoNgay.aspx?Ngay={}/2024"
    # Sitemap and feed entries by their time.
    assert _in_period(*_found("http://x.vn/a.html", "article", march_10), MARCH, days)
    assert not _in_period(*_found("http://x.vn/b.html", "article", april), MARCH, days)
    assert not _in_period(*_found("http://x.vn/c.html", "article", february), MARCH, days)
    # A child sitemap modified after the period may still list its pages; before, not.
    assert _in_period(*_found("http://x.vn/s.xml", "sitemap", april), MARCH, days)
    assert not _in_period(*_found("http://x.vn/s.xml", "sitemap", february), MARCH, days)
    # Listings and day archives by the date in their URL; articles never by their URL.
    assert _in_period(*_found(archive.format("15/03"), "listing"), MARCH, days)
    assert not _in_period(*_found(archive.format("15/04"), "listing"), MARCH, days)
    assert not _in_period(*_found("http://x.vn/2023/12/", "page"), MARCH, days)
    assert _in_period(*_found("http://x.vn/ky-niem-30-4-1975.html", "article"), MARCH, days)
    assert _in_period(*_found("http://x.vn/danh-muc/thoi-su", "listing"), MARCH, days)


# --- a day-archive backfill through the real command ------------------------------------


def test_since_and_until_bound_a_day_archive_backfill_and_a_wider_run_fills_in(tmp_path):
    db = tmp_path / "archive.db"
    with Web() as web:
        site = web.listen("127.0.0.2")
        # 40 days of articles, one a day; the home page lists the 5 newest.
        days = publish_daily(site, 40, home=5)
        daily_profile(tmp_path / "profiles", site, start=days[-1])
        env = {"ARCHIVER_PROFILES": str(tmp_path / "profiles")}
        since, until = days[25], days[10]  # 15 days, both ends included
        args = ("ngay", "--delay", "0", "--workers", "0", "--quiet")
        code, errors = crawl_output(
            db, *args, "--since", since.isoformat(), "--until", until.isoformat(), env=env
        )
        assert code == 0, errors
        requested = {r.target for r in site.requests(web)}
        period = {d for d in days if since <= d <= until}
        # Day archive pages: every day of the period, none outside it.
        archive_pages = {p for p in requested if p.startswith("/ngay/")}
        assert archive_pages == {day_archive_path(d) for d in period}
        archived = {r[0] for r in rows(db, "SELECT url FROM articles")}
        assert archived == {site.url(daily_article_path(d)) for d in period}
        # The home page's five newest were fetched (their date is in the page) but not
        # archived; the link of the period's first day to the day before was followed
        # once, and that page's own link was not.
        outside = rows(
            db, "SELECT url, lastmod FROM frontier WHERE last_error LIKE 'not archived%'"
        )
        day_before = since - timedelta(days=1)
        assert {u for u, _ in outside} == {
            site.url(daily_article_path(d)) for d in [*days[:5], day_before]
        }
        assert all(lastmod.endswith("+07:00") for _, lastmod in outside)
        assert daily_article_path(day_before - timedelta(days=1)) not in requested

        # A run without --until: the rest of the archive up to today, and the pages the
        # first run left out for their date, now inside.
        code, errors = crawl_output(db, *args, "--since", since.isoformat(), env=env)
        assert code == 0, errors
    archived = [r[0] for r in rows(db, "SELECT url FROM articles")]
    assert sorted(archived) == sorted(site.url(daily_article_path(d)) for d in days[:26])
