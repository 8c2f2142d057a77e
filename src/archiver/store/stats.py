"""Archive statistics: totals, articles per site and month, missing fields per site, recent runs.

Months are contiguous: a month between a site's first and last that has no article
counts 0, so a profile that stopped matching shows as a gap, not as nothing. Each
site's missing-field rate among the articles a run found new is compared with the
previous such run: a jump (a profile broke, a site changed its layout) is a warning.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

from archiver.store.results import RunInfo, SiteStats, Stats

__all__ = ["JUMP", "MISSING_FIELDS", "month_range", "stats"]

#: Fields counted when absent, per site: a profile that stopped matching shows up here.
MISSING_FIELDS = ("published_at", "author", "view_count", "lead", "updated_at", "language")
RECENT_RUNS = 10
#: A rise of the missing share by this much (0.3 = 30 points) from one run to the next warns.
JUMP = 0.3
#: New articles a run must have found on a site for its missing-field rates to be compared.
MIN_ARTICLES = 5

# robots.txt answering 4xx means "no rules, everything allowed" (RFC 9309), not a failure.
_ROBOTS_ALLOWED = "(status BETWEEN 400 AND 499 AND url LIKE '%/robots.txt')"
_TOTALS = {
    "articles": "SELECT count(*) FROM articles",
    "stories": "SELECT count(DISTINCT story_id) FROM articles",
    "sites": "SELECT count(*) FROM sites",
    "fetches": "SELECT count(*) FROM fetches",
    "failed_fetches": "SELECT count(*) FROM fetches "
    f"WHERE error IS NOT NULL OR (status >= 400 AND NOT {_ROBOTS_ALLOWED})",
    "bodies": "SELECT count(*) FROM bodies",
    "body_bytes": "SELECT CAST(coalesce(sum(size), 0) AS BIGINT) FROM bodies",
    "body_bytes_stored": "SELECT CAST(coalesce(sum(length(data)), 0) AS BIGINT) FROM bodies",
    "aliases": "SELECT count(*) FROM article_urls",
    "versions": "SELECT count(*) FROM article_versions",
    "view_counts": "SELECT count(*) FROM view_counts",
    "near_duplicate_links": "SELECT count(*) FROM near_duplicates",
    "crawl_runs": "SELECT count(*) FROM crawl_runs",
}


def _count_missing(column: str) -> str:
    """How many rows lack ``column``, in SQL both engines read as an integer count."""
    return f"count(*) - count({column})"


def month_range(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last``, both included."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _months(conn: sqlite3.Connection) -> dict[tuple[str, str], int]:
    found = {
        (site, month or "unknown"): count
        for site, month, count in conn.execute(
            "SELECT site, substr(published_at, 1, 7) AS month, count(*) FROM articles "
            "GROUP BY site, month"
        )
    }
    spans: dict[str, list[str]] = defaultdict(list)
    for site, month in found:
        if month != "unknown":
            spans[site].append(month)
    for site, months in spans.items():
        for month in month_range(min(months), max(months)):
            found.setdefault((site, month), 0)
    return found


def _jumps(conn: sqlite3.Connection, runs: tuple[RunInfo, ...]) -> tuple[str, ...]:
    """Warnings for sites whose missing-field rate rose by :data:`JUMP` from one run to the next.

    Rates are over the articles each run stored as new: a refetch that misses a field
    does not erase it, so only new articles show what the extractor finds today.
    """
    if len(runs) < 2:
        return ()
    missing = ", ".join(_count_missing(f"a.{name}") for name in MISSING_FIELDS)
    per_site: dict[str, list[tuple[int, int, tuple[int, ...]]]] = defaultdict(list)
    for row in conn.execute(
        f"SELECT f.run_id, a.site, count(*), {missing} FROM fetches f "
        "JOIN articles a ON a.id = f.article_id "
        "WHERE f.outcome = 'new' AND f.run_id >= ? GROUP BY f.run_id, a.site "
        "ORDER BY f.run_id",
        (min(run.id for run in runs),),
    ):
        if row[2] >= MIN_ARTICLES:
            per_site[row[1]].append((row[0], row[2], tuple(row[3:])))
    warnings = []
    for site, series in sorted(per_site.items()):
        if len(series) < 2:
            continue
        (before_run, before_n, before), (run, count, now) = series[-2], series[-1]
        for name, was, missing_now in zip(MISSING_FIELDS, before, now, strict=True):
            old_rate, new_rate = was / before_n, missing_now / count
            if new_rate - old_rate >= JUMP:
                warnings.append(
                    f"{site}: {name} missing in {new_rate:.0%} of the {count} new articles of "
                    f"run {run}, {old_rate:.0%} in run {before_run}: has the site changed? "
                    f"(check its profile with `archiver sites check`)"
                )
    return tuple(warnings)


def stats(conn: sqlite3.Connection) -> Stats:
    totals = {name: conn.execute(sql).fetchone()[0] for name, sql in _TOTALS.items()}
    missing_sql = ", ".join(_count_missing(name) for name in MISSING_FIELDS)
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
    return Stats(
        totals=totals,
        sites=sites,
        months=_months(conn),
        runs=runs,
        warnings=_jumps(conn, runs),
    )
