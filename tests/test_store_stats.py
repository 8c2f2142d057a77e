"""Statistics: totals, articles per site and month, missing fields per site, recent runs."""

from __future__ import annotations

from datetime import timedelta

from archiver.cli.stats_text import run_lines, stats_text
from archiver.store import Archive, Stats
from archiver.store.stats import _TOTALS, month_range
from store_support import OTHER_STORY, T0, exchange, page, random_story


def test_stats_show_per_site_counts_months_missing_fields_and_runs(db_target):
    with Archive(db_target) as archive:
        run = archive.start_run({"sites": ["vnexpress", "dantri"]})
        archive.save(*page("https://vnexpress.net/a-1.html", view_count=5), run_id=run)
        archive.save(*page("https://vnexpress.net/a-1.html", view_count=9, when=T0 + timedelta(1)))
        archive.save(
            *page(
                "https://dantri.com.vn/b.htm",
                OTHER_STORY,
                site="dantri",
                author=None,
                published_at=None,
            )
        )
        archive.save(exchange("https://dantri.com.vn/", status=500, body=b"oops"), None)
        archive.finish_run(run, "interrupted", {"pages": 4})
        stats = archive.stats()
    assert stats.totals["articles"] == 2
    assert stats.totals["fetches"] == 4
    assert stats.totals["failed_fetches"] == 1
    assert stats.totals["view_counts"] == 2
    by_site = {s.site: s for s in stats.sites}
    assert by_site["vnexpress"].missing["author"] == 0
    assert by_site["dantri"].missing == {
        "published_at": 1,
        "author": 1,
        "view_count": 1,
        "lead": 0,
        "updated_at": 1,
        "language": 0,
    }
    assert stats.months == {("vnexpress", "2024-03"): 1, ("dantri", "unknown"): 1}
    assert [(r.id, r.status, r.stats) for r in stats.runs] == [(run, "interrupted", {"pages": 4})]
    # Most articles first, then by name: one each, so dantri before vnexpress.
    assert [s["site"] for s in stats.to_dict()["sites"]] == ["dantri", "vnexpress"]


def _dated(n: int, month: str, site: str = "vnexpress", **fields: object):
    fields.setdefault("published_at", f"{month}-10T08:00:00+07:00")
    return page(
        f"https://{site}.vn/bai-{n}.html", random_story(n), title=f"Bài số {n}", site=site, **fields
    )


def test_months_without_articles_count_zero_between_a_sites_first_and_last(db_target):
    with Archive(db_target) as archive:
        archive.save_many([_dated(1, "2024-01"), _dated(2, "2024-04"), _dated(3, "2024-04")])
        stats = archive.stats()
    assert stats.months == {
        ("vnexpress", "2024-01"): 1,
        ("vnexpress", "2024-02"): 0,
        ("vnexpress", "2024-03"): 0,
        ("vnexpress", "2024-04"): 2,
    }
    assert {"site": "vnexpress", "month": "2024-02", "articles": 0} in stats.to_dict()["months"]


def test_month_range_crosses_years():
    assert month_range("2023-11", "2024-02") == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert month_range("2024-03", "2024-03") == ["2024-03"]


def test_robots_txt_answering_404_is_not_a_failed_fetch(db_target):
    with Archive(db_target) as archive:
        archive.save(exchange("https://vnexpress.net/robots.txt", status=404), None, site="vn")
        archive.save(exchange("https://vnexpress.net/mat-trang.html", status=404), None, site="vn")
        archive.save(exchange("https://vnexpress.net/robots.txt", status=503), None, site="vn")
        archive.save(exchange("https://vnexpress.net/x", status=None, error="timeout"), None)
        assert archive.stats().totals["failed_fetches"] == 3


def _run(archive: Archive, pages: list) -> int:
    run = archive.start_run({})
    archive.save_many(pages, run_id=run)
    archive.finish_run(run, "finished", {"pages": len(pages)})
    return run


def test_a_jump_of_a_sites_missing_field_rate_between_runs_is_a_warning(db_target):
    with Archive(db_target) as archive:
        first = _run(archive, [_dated(n, "2024-03") for n in range(10)])
        second = _run(archive, [_dated(n, "2024-03", author=None) for n in range(10, 20)])
        # Another site, steady: no warning for it.
        _run(archive, [_dated(n, "2024-03", site="dantri") for n in range(20, 30)])
        warnings = archive.stats().warnings
    assert len(warnings) == 1
    assert warnings[0].startswith(
        f"vnexpress: author missing in 100% of the 10 new articles of run {second}, "
        f"0% in run {first}"
    )


def test_steady_rates_and_small_runs_give_no_warning(db_target):
    with Archive(db_target) as archive:
        _run(archive, [_dated(n, "2024-03", author=None) for n in range(10)])
        _run(archive, [_dated(n, "2024-03", author=None) for n in range(10, 20)])
        # Too few new articles to judge a rate.
        _run(archive, [_dated(n, "2024-03", published_at=None) for n in range(20, 23)])
        assert archive.stats().warnings == ()


def test_stats_text_shows_run_counters_readably_and_warnings_first():
    counters = {
        "pages": 101,
        "pages_ok": 98,
        "bytes": 567068,
        "articles_new": 52,
        "errors": 1,
        "seconds": 6.7,
        "pages_per_second": 15.08,
        "outcomes": {"robots": 3, "article": 54},
        "hosts": {"tamky.gov.vn": 61},
        "failures": [{"url": "http://tamky.gov.vn/x", "error": "HTTP 500"}],
    }
    lines = run_lines(
        1, "finished", "2026-12-06T20:13:39+07:00", "2026-12-06T20:13:45+07:00", counters
    )
    assert lines == [
        "run 1: finished, 2026-12-06 20:13:39 .. 20:13:45",
        "  101 pages (98 ok, 1 failed), 0.6 MB, 6.7 s, 15.1 pages/s",
        "  articles: 52 new",
        "  outcomes: article 54, robots 3",
        "  hosts: tamky.gov.vn 61",
        "  failed pages (1):",
        "    http://tamky.gov.vn/x  HTTP 500",
    ]
    assert not any("{" in line or "[" in line for line in lines)
    stats = Stats(totals=dict.fromkeys(_TOTALS, 0), sites=(), months={}, runs=(), warnings=("x",))
    assert stats_text(stats, 6).startswith("warning: x\n")
