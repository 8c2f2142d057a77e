"""Archive statistics: totals, articles per site and month, missing fields per site, recent runs."""

from __future__ import annotations

import json
import sqlite3

from archiver.store.records import RunInfo, SiteStats, Stats

__all__ = ["MISSING_FIELDS", "stats"]

#: Fields counted when absent, per site: a profile that stopped matching shows up here.
MISSING_FIELDS = ("published_at", "author", "view_count", "lead", "updated_at", "language")
RECENT_RUNS = 10

_TOTALS = {
    "articles": "SELECT count(*) FROM articles",
    "stories": "SELECT count(DISTINCT story_id) FROM articles",
    "sites": "SELECT count(*) FROM sites",
    "fetches": "SELECT count(*) FROM fetches",
    "failed_fetches": "SELECT count(*) FROM fetches WHERE error IS NOT NULL OR status >= 400",
    "bodies": "SELECT count(*) FROM bodies",
    "body_bytes": "SELECT coalesce(sum(size), 0) FROM bodies",
    "body_bytes_stored": "SELECT coalesce(sum(length(data)), 0) FROM bodies",
    "aliases": "SELECT count(*) FROM article_urls",
    "versions": "SELECT count(*) FROM article_versions",
    "view_counts": "SELECT count(*) FROM view_counts",
    "near_duplicate_links": "SELECT count(*) FROM near_duplicates",
    "crawl_runs": "SELECT count(*) FROM crawl_runs",
}


def stats(conn: sqlite3.Connection) -> Stats:
    totals = {name: conn.execute(sql).fetchone()[0] for name, sql in _TOTALS.items()}
    missing_sql = ", ".join(f"sum({name} IS NULL)" for name in MISSING_FIELDS)
    sites = tuple(
        SiteStats(
            site=row[0],
            articles=row[1],
            first_published=row[2],
            last_published=row[3],
            missing={
                name: int(count or 0) for name, count in zip(MISSING_FIELDS, row[4:], strict=True)
            },
        )
        for row in conn.execute(
            f"SELECT site, count(*), min(published_at), max(published_at), {missing_sql} "
            "FROM articles GROUP BY site ORDER BY count(*) DESC, site"
        )
    )
    months = {
        (site, month or "unknown"): count
        for site, month, count in conn.execute(
            "SELECT site, substr(published_at, 1, 7) AS month, count(*) FROM articles "
            "GROUP BY site, month"
        )
    }
    runs = tuple(
        RunInfo(
            id=row[0],
            started_at=row[1],
            finished_at=row[2],
            status=row[3],
            arguments=json.loads(row[4] or "{}"),
            stats=json.loads(row[5]) if row[5] else None,
        )
        for row in conn.execute(
            "SELECT id, started_at, finished_at, status, arguments, stats FROM crawl_runs "
            f"ORDER BY id DESC LIMIT {RECENT_RUNS}"
        )
    )
    return Stats(totals=totals, sites=sites, months=months, runs=runs)
