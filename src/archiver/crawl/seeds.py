"""Where a run starts: robots.txt of each host, the seeds, a profile's feeds, sitemaps, archive.

Seeds also come from a list of URLs (``archiver crawl -``, ``--urls FILE``), read by
:func:`read_url_list` as wget's ``-i`` reads one: a URL a line, blank lines and
``#`` comments skipped, each bad line reported with its number and left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from archiver.crawl.config import CrawlPlan, Target
from archiver.fetch.robots import robots_url
from archiver.store.frontier import PRIORITY, NewURL
from archiver.urls import MAX_URL_LENGTH, host_of, is_http_url, normalize_url

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
            # Today's page (and yesterday's) gains articles during the day: read again.
            if target.until is None or target.until >= today - timedelta(RECENT_ARCHIVE_DAYS - 1):
                refresh.extend(u.url for u in days[:RECENT_ARCHIVE_DAYS])
    return Seeds(urls, refresh)


def archive_days(target: Target, template: str, start: str | None, today: date) -> list[NewURL]:
    """A "Xem theo ngày" archive page per day, newest first, over the period to archive.

    The walk goes from ``--until`` (or today) back to ``--since`` (or the site's
    ``since``), otherwise to the profile's ``date_archive_start``.
    """
    from archiver.discover import date_archive_urls

    earliest = target.since or (date.fromisoformat(start) if start else None)
    latest = min(today, target.until) if target.until else today
    if earliest is None or earliest > latest:
        return []
    urls = []
    for offset, url in enumerate(date_archive_urls(template, latest, earliest)):
        url = normalize_url(url)
        if target.in_scope(url):
            # Newer days first: the priority falls slowly with age, always below listings.
            priority = PRIORITY["archive"] - offset // 30
            urls.append(NewURL(url, host_of(url), target.name, "archive", priority=priority))
    return urls


@dataclass(frozen=True, slots=True)
class UrlList:
    urls: list[str]
    #: One line per bad line: ``urls.txt:7: not an http(s) URL: 'ftp://x.vn/'``.
    problems: list[str]


def read_url_list(lines: Iterable[str], source: str) -> UrlList:
    """The URLs of a seed list, one a line; ``source`` names it in the problems
    (a file name, or ``stdin``). A comment is a line starting with ``#`` or the end of
    a line after whitespace and ``#``; a byte-order mark is ignored."""
    urls: list[str] = []
    problems: list[str] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.lstrip("\ufeff") if number == 1 else raw
        line = line.split(" #", 1)[0].split("\t#", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        problem = _url_problem(line)
        if problem:
            shown = line if len(line) <= 80 else line[:77] + "..."
            problems.append(f"{source}:{number}: {problem}: {shown!r}")
        else:
            urls.append(line)
    return UrlList(urls, problems)


def _url_problem(text: str) -> str | None:
    """Why ``text`` cannot seed a crawl, or None."""
    if any(c.isspace() for c in text):
        return "one URL a line, without spaces"
    if len(text) > MAX_URL_LENGTH:
        return f"URL longer than {MAX_URL_LENGTH} characters"
    try:
        if not is_http_url(text):
            return "not an http(s) URL" + ("" if "://" in text else " (give the scheme)")
        if not host_of(text) or not is_http_url(normalize_url(text)):
            return "not a usable URL"
        urlsplit(text).port  # noqa: B018 (raises on a port out of range or not a number)
    except ValueError:
        return "not a usable URL"
    return None
