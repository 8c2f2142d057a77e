"""Where a run starts: the day archive over the period, and seed lists read as wget -i does."""

from __future__ import annotations

from datetime import date

from archiver.crawl.config import make_plan
from archiver.crawl.seeds import read_url_list, seed_urls
from crawl_support import crawl_output, daily_article_path, publish_daily, rows
from hostile import Web

TODAY = date(2024, 6, 15)


def _archive(**period: str) -> tuple[list[str], list[str]]:
    seeds = seed_urls(make_plan(["tamky"], **period), TODAY)
    days = [u.url for u in seeds.urls if u.kind == "archive"]
    return days, seeds.refresh


def test_the_day_archive_is_walked_over_the_period_only_newest_first():
    days, refresh = _archive(since="2024-03-30", until="2024-04-02")
    assert [d.rsplit("=", 1)[1] for d in days] == [
        "02/04/2024",
        "01/04/2024",
        "31/03/2024",
        "30/03/2024",
    ]
    assert refresh == [], "days long past gain no articles: not fetched again each run"


def test_without_until_the_walk_starts_today_and_re_reads_the_newest_days():
    days, refresh = _archive(since="2024-06")
    assert len(days) == 15 and days[0].endswith("Ngay=15/06/2024")
    assert refresh == days[:2]


def test_a_month_or_a_year_is_its_whole_span_and_a_period_after_today_is_empty():
    days, _ = _archive(since="2024-02", until="2024-02")
    assert len(days) == 29
    days, _ = _archive(since="2025")
    assert days == []


def test_without_since_the_profile_start_bounds_the_walk():
    days, _ = _archive(until="2010-01-31")  # tamky's archive starts on 1 January 2010
    assert len(days) == 31 and days[-1].endswith("Ngay=01/01/2010")


def test_a_seed_list_skips_comments_and_blank_lines_and_reports_bad_lines_by_number():
    lines = [
        "\ufeff# Quảng Nam portals\n",
        "http://tamky.gov.vn/\n",
        "\n",
        "   https://hoian.gov.vn/tin-tuc   # the news section\n",
        "ftp://files.example.vn/\n",
        "dantri.com.vn/xa-hoi.htm\n",
        "http://a.vn/x y\n",
        "http://a.vn:99999/\n",
        "http://" + "a" * 9000 + ".vn/\n",
    ]
    found = read_url_list(lines, "urls.txt")
    assert found.urls == ["http://tamky.gov.vn/", "https://hoian.gov.vn/tin-tuc"]
    assert found.problems[:4] == [
        "urls.txt:5: not an http(s) URL: 'ftp://files.example.vn/'",
        "urls.txt:6: not an http(s) URL (give the scheme): 'dantri.com.vn/xa-hoi.htm'",
        "urls.txt:7: one URL a line, without spaces: 'http://a.vn/x y'",
        "urls.txt:8: not a usable URL: 'http://a.vn:99999/'",
    ]
    assert found.problems[4].startswith("urls.txt:9: URL longer than 8192 characters: 'http://aaa")
    assert all("\n" not in p and len(p) < 200 for p in found.problems)


# --- archiver crawl - and --urls FILE, through the real command ---------------------------


def _two_sites(web: Web) -> tuple[object, object, set[str]]:
    first, second = web.listen("127.0.0.2"), web.listen("127.0.0.3")
    expected = {first.url(daily_article_path(d)) for d in publish_daily(first, 3)}
    expected |= {second.url(daily_article_path(d)) for d in publish_daily(second, 2)}
    return first, second, expected


def test_seeds_from_stdin_are_crawled_and_a_bad_line_is_one_line_with_its_number(tmp_path):
    db = tmp_path / "archive.db"
    with Web() as web:
        first, second, expected = _two_sites(web)
        listing = (
            "# sites to archive\n"
            f"{first.origin}/\n"
            "\n"
            "ftp://files.example.vn/\n"
            f"{second.origin}/   # the second site\n"
        )
        code, errors = crawl_output(db, "-", "--delay", "0", "--quiet", input=listing)
    assert code == 0, errors
    assert "archiver: stdin:4: not an http(s) URL: 'ftp://files.example.vn/'\n" in errors
    assert "Traceback" not in errors
    assert {r[0] for r in rows(db, "SELECT url FROM articles")} == expected
    assert {r[0] for r in rows(db, "SELECT name FROM sites")} == {first.host, second.host}


def test_seeds_from_files_beside_arguments_and_a_file_without_urls_is_exit_2(tmp_path):
    db = tmp_path / "archive.db"
    with Web() as web:
        first, second, expected = _two_sites(web)
        urls = tmp_path / "urls.txt"
        urls.write_text(f"{second.origin}/\nnot a url\n", encoding="utf-8")
        code, errors = crawl_output(
            db, f"{first.origin}/", "--urls", str(urls), "--delay", "0", "--quiet"
        )
        assert code == 0, errors
        assert f"archiver: {urls}:2: one URL a line, without spaces: 'not a url'\n" in errors
        assert {r[0] for r in rows(db, "SELECT url FROM articles")} == expected

        empty = tmp_path / "empty.txt"
        empty.write_text("# nothing yet\n\n", encoding="utf-8")
        code, errors = crawl_output(db, "--urls", str(empty), "--quiet")
    assert code == 2
    assert errors == f"archiver: {empty}: no URL to crawl (one http(s) URL a line)\n"
