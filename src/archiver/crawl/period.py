"""The dates a crawl is bounded to (``--since``/``--until``): what it queues and what it keeps.

A :class:`Period` is a first and a last day, both included, either open. It bounds a
backfill in three places:

* the "Xem theo ngày" day archive is walked over the period only (``seeds``);
* a URL that announces its date is queued only inside the period: a sitemap or feed
  entry by its ``lastmod``/publication time, a listing, day-archive or sitemap URL by
  the date it carries (the profile's day-archive template, ``/2024/03/05/``,
  ``?ngay=05/03/2024``, a monthly ``sitemap-2024-03.xml``);
* an article published outside it is not archived, and its links are not followed.

Dates are read as archiver reads them everywhere: day before month, Vietnamese time.
The options accept what ``archiver search`` does (``2024``, ``2024-03``,
``2024-03-05``): :func:`archiver.store.times.date_span` parses them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import unquote

from archiver.dates import VN_TZ
from archiver.dates.stored import date_span
from archiver.errors import ConfigError, QueryError
from archiver.pickling import pickled_by_fields

__all__ = ["Period", "url_span"]

#: A year-first date in a URL: ``2024-03-05``, ``2024/03/05``, ``2024_03_05``.
_YMD = re.compile(
    r"(?<![\d])((?:19|20)\d\d)([-/_.])(0?[1-9]|1[0-2])\2(0?[1-9]|[12]\d|3[01])(?![\d])"
)
#: A day-first date in a query value (``?Ngay=05/03/2024``, ``&date=5-3-2024``).
_DMY_QUERY = re.compile(r"=(0?[1-9]|[12]\d|3[01])([-/.])(0?[1-9]|1[0-2])\2((?:19|20)\d\d)(?![\d])")
#: A month in a path or file name: ``/2024/03/``, ``sitemap-2024-03.xml``.
_YM = re.compile(r"(?<![\d])((?:19|20)\d\d)([-/_])(0[1-9]|1[0-2])(?:/|\.x|\.h|$)")
_TOKENS = {
    "{yyyy}": r"(?P<y>\d{4})",
    "{yy}": r"(?P<yy>\d{2})",
    "{mm}": r"(?P<m>\d{2})",
    "{m}": r"(?P<m>\d{1,2})",
    "{dd}": r"(?P<d>\d{2})",
    "{d}": r"(?P<d>\d{1,2})",
}


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Period:
    """The days a crawl keeps: ``first`` to ``last``, both included (None: open)."""

    first: date | None = None
    last: date | None = None

    @classmethod
    def parse(
        cls, since: object, until: object, *, names: tuple[str, str] = ("--since", "--until")
    ) -> Period:
        """From option or config values: ``"2024"``, ``"2024-03"``, ``"2024-03-05"``, a
        TOML date or year; a :class:`ConfigError` naming the option when one is wrong."""
        texts = [_as_text(value, name) for value, name in zip((since, until), names, strict=True)]
        try:
            first, last = date_span(*texts, names=names)
        except QueryError as error:
            raise ConfigError(error.message, field=error.field) from None
        return cls(first, last)

    def __bool__(self) -> bool:
        return self.first is not None or self.last is not None

    def merged(self, fallback: Period) -> Period:
        """This period, each open end taken from ``fallback`` (the command line beats a
        config entry, an entry beats the file's top level)."""
        merged = Period(self.first or fallback.first, self.last or fallback.last)
        if merged.first and merged.last and merged.first > merged.last:
            raise ConfigError(f"since {merged.first} is after until {merged.last}")
        return merged

    def holds(self, day: date) -> bool:
        return (self.first is None or day >= self.first) and (self.last is None or day <= self.last)

    def overlaps(self, first: date, last: date) -> bool:
        """Does the span ``first``..``last`` (a month a URL names) share a day with it?"""
        return (self.first is None or last >= self.first) and (
            self.last is None or first <= self.last
        )

    def holds_time(self, moment: datetime) -> bool:
        """Is ``moment`` (aware; naive is Vietnamese time) on a day of the period?"""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=VN_TZ)
        return self.holds(moment.astimezone(VN_TZ).date())

    def holds_iso(self, stamp: str | None) -> bool:
        """Is an ISO 8601 time (``published_at``) inside? Unknown or unreadable: yes."""
        if not stamp:
            return True
        try:
            return self.holds_time(datetime.fromisoformat(stamp))
        except ValueError:
            return True

    def bounds(self) -> tuple[str | None, str | None]:
        """``[low, high)`` on stored ISO timestamps (the store compares them as text)."""
        low = self.first.isoformat() if self.first else None
        high = (self.last + timedelta(days=1)).isoformat() if self.last else None
        return low, high

    def describe(self) -> str:
        if self.first and self.last:
            return f"{self.first} to {self.last}"
        if self.first:
            return f"since {self.first}"
        return f"until {self.last}" if self.last else "any date"


def _as_text(value: object, name: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value
    raise ConfigError(
        f"{name} must be a date like 2024, 2024-03 or 2024-03-05, not {type(value).__name__}",
        field=name,
    )


def template_pattern(template: str) -> re.Pattern[str] | None:
    """A regex reading the day back from a URL of a day-archive ``template`` (None when
    the template names no full date)."""
    # Path and query only: the URLs come normalised (scheme, www., case of the host).
    parts = re.split(r"(\{yyyy\}|\{yy\}|\{mm\}|\{m\}|\{dd\}|\{d\})", _tail(template))
    seen: set[str] = set()
    pattern = ""
    for part in parts:
        token = _TOKENS.get(part)
        if token is None:
            pattern += re.escape(part)
            continue
        group = token[4 : token.index(">")]
        # A token used twice must read the same value: a back-reference the second time.
        pattern += f"(?P={group})" if group in seen else token
        seen.add(group)
    if not ({"y", "yy"} & seen and "m" in seen and "d" in seen):
        return None
    return re.compile(pattern + "$", re.IGNORECASE)


def url_span(url: str, templates: tuple[re.Pattern[str], ...] = ()) -> tuple[date, date] | None:
    """The days a listing, day-archive or sitemap URL covers, when it names them.

    The profile's day-archive ``templates`` are read first (exact); then a year-first
    date anywhere (``/2024/03/05/``, ``ngay-2024-03-05``), a day-first date as a query
    value (``?Ngay=05/03/2024``, day before month), a month (``/2024/03/``,
    ``sitemap-2024-03.xml``). Not for article URLs: a slug may name any date
    ("ky-niem-30-4-1975").
    """
    path_and_query = unquote(_tail(url))
    for pattern in templates:
        match = pattern.match(_tail(url)) or pattern.match(path_and_query)
        if match:
            found = match.groupdict()
            year = int(found["y"]) if found.get("y") else 2000 + int(found["yy"])
            day = _day(year, int(found["m"]), int(found["d"]))
            return (day, day) if day else None
    match = _YMD.search(path_and_query)
    if match:
        day = _day(int(match[1]), int(match[3]), int(match[4]))
        return (day, day) if day else None
    match = _DMY_QUERY.search(path_and_query)
    if match:
        day = _day(int(match[4]), int(match[3]), int(match[1]))
        return (day, day) if day else None
    match = _YM.search(path_and_query)
    if match:
        first = date(int(match[1]), int(match[3]), 1)
        after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first, after - timedelta(days=1)
    return None


def _tail(url: str) -> str:
    """The path and query of ``url`` (from its first ``/`` after the host)."""
    return "/" + url.split("://", 1)[-1].partition("/")[2]


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
