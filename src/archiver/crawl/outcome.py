"""The result of one URL's turn in a crawl, as the store commits it in one transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from archiver.article import Article
from archiver.fetch.exchange import Exchange
from archiver.store.frontier import Claimed, NewURL


@dataclass(slots=True)
class TurnOutcome:
    """What one turn produced: exchanges to record, an article, the frontier's next state.

    ``next_pages`` (a listing's following pages) are queued only when this turn
    brought at least one article URL the frontier did not know: an incremental run
    stops paging a listing once it reaches articles it already has.
    """

    item: Claimed
    state: str  # "done" | "failed" | "queued"
    exchanges: list[Exchange] = field(default_factory=list)
    article: Article | None = None
    found: list[NewURL] = field(default_factory=list)
    next_pages: list[NewURL] = field(default_factory=list)
    refresh: list[tuple[str, str]] = field(
        default_factory=list
    )  # (url, lastmod) to refetch if older
    status: int | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    next_fetch_at: datetime | None = None
    revisits: int | None = None
    reset_attempts: bool = False
    site: str | None = None
    #: A word for the log and the statistics: "article", "listing", "not-modified", ...
    label: str = ""
    #: The last exchange already prepared for the store by a worker (hashed, compressed).
    prepared: Any = None
    #: With ``crawl --warc``: each exchange's WARC record (a WarcPointer, or None), in order.
    warc: list[Any] = field(default_factory=list)
    #: For the frontier's ``lastmod``: when the page's article, left out, was published.
    lastmod: str | None = None
    #: Where the turn's redirects led, when that is another URL: its frontier row is
    #: recorded as fetched with this turn's article (no later turn fetches it again).
    redirected: NewURL | None = None


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
#: ``90s``, ``45m``, ``2h``, ``1h30m``, ``1.5h``, ``7d``: numbers with units, largest first.
_INTERVAL = re.compile(r"(?:\d+(?:\.\d+)?[smhdw])+")
_PART = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")


@lru_cache(maxsize=256)
def parse_interval(text: str) -> timedelta:
    """``"1h"`` → one hour, ``"1h30m"`` → 90 minutes; units s, m, h, d, w. A bare number
    is seconds (``"90"``), as Scrapy's ``CLOSESPIDER_TIMEOUT`` counts them."""
    clean = text.strip().lower().replace(" ", "")
    try:
        if _INTERVAL.fullmatch(clean):
            return timedelta(
                seconds=sum(float(n) * _UNITS[unit] for n, unit in _PART.findall(clean))
            )
        seconds = float(clean)
        if seconds >= 0 and seconds != float("inf"):
            return timedelta(seconds=seconds)
    except (ValueError, OverflowError):
        pass
    raise ValueError(f"a duration looks like 90s, 45m, 2h, 1h30m or 7d, not {text!r}") from None


def next_revisit(
    published: datetime | None, seen: datetime, now: datetime, schedule: tuple[str, ...]
) -> tuple[datetime, int] | None:
    """When to visit an article again to record its view count, and which visit that is.

    Visits fall at the schedule's offsets after publication (or first sight when the
    date is unknown); offsets already past are skipped. None when none is left.
    """
    origin = published or seen
    for number, offset in enumerate(schedule, start=1):
        due = origin + parse_interval(offset)
        if due > now:
            return due, number
    return None
