"""Statistics: totals, articles per site and month, missing fields per site, recent runs."""

from __future__ import annotations

from datetime import timedelta

from archiver.store import Archive
from store_support import OTHER_STORY, T0, exchange, page


def test_stats_show_per_site_counts_months_missing_fields_and_runs(tmp_path):
    with Archive(tmp_path / "archive.db") as archive:
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
    assert stats.to_dict()["sites"][0]["site"] in {"vnexpress", "dantri"}
