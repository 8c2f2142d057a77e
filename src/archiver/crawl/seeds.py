"""Where a run starts: robots.txt of each host, the seeds, a profile's feeds, sitemaps, archive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from archiver.crawl.config import CrawlPlan, Target
from archiver.fetch.robots import robots_url
from archiver.store.frontier import PRIORITY, NewURL
from archiver.urls import host_of, normalize_url

#: Days of a date archive re-read by every run: today's page gains articles during the day.
RECENT_ARCHIVE_DAYS = 2


@dataclass(frozen=True, slots=True)
class Seeds:
    urls: list[NewURL]
    #: Already-fetched URLs to fetch again this run (the newest date-archive days).
    refresh: list[str]


def seed_urls(plan: CrawlPlan, today: date) -> Seeds:
    urls: list[NewURL] = []
    refresh: list[str] = []
    for target in plan.targets:
        # robots.txt of each origin a seed names, as the seed spells it (port, www.); other
        # in-scope origins get theirs when a page of theirs comes up (the engine asks first).
        for robots in dict.fromkeys(robots_url(s) for s in target.seeds):
            urls.append(NewURL(robots, host_of(robots), target.name, "robots"))
        discovery = target.profile.discovery if target.profile else None
        entries: list[tuple[str, str]] = [(s, "seed") for s in target.seeds]
        if discovery is not None:
            entries += [(u, "feed") for u in discovery.feeds]
            entries += [(u, "sitemap") for u in discovery.sitemaps]
        for url, kind in entries:
            url = normalize_url(url)
            if target.in_scope(url):
                urls.append(NewURL(url, host_of(url), target.name, kind))
        if discovery is not None and discovery.date_archive:
            days = archive_days(target, discovery.date_archive, discovery.date_archive_start, today)
            urls.extend(days)
            refresh.extend(u.url for u in days[:RECENT_ARCHIVE_DAYS])
    return Seeds(urls, refresh)


def archive_days(target: Target, template: str, start: str | None, today: date) -> list[NewURL]:
    """A "Xem theo ngày" archive page per day, newest first, back to the backfill start.

    ``--since`` (or the site's ``since``) bounds the walk; otherwise the profile's
    ``date_archive_start``.
    """
    from archiver.discover import date_archive_urls

    earliest = target.since or (date.fromisoformat(start) if start else None)
    if earliest is None:
        return []
    urls = []
    for offset, url in enumerate(date_archive_urls(template, today, earliest)):
        url = normalize_url(url)
        if target.in_scope(url):
            # Newer days first: the priority falls slowly with age, always below listings.
            priority = PRIORITY["archive"] - offset // 30
            urls.append(NewURL(url, host_of(url), target.name, "archive", priority=priority))
    return urls
