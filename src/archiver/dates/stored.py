"""Stored times: timestamps as the archive writes them (ISO 8601, seconds, +07:00) and reads
them back, and the periods ``--since``/``--until`` name (``2024``, ``2024-03``,
``2024-03-05``) as bounds on them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from archiver.dates.page import MAX_YEAR, MIN_YEAR, VN_TZ, parse_iso
from archiver.errors import QueryError

__all__ = ["date_bounds", "date_span", "iso", "now_iso", "period_clauses", "stored_time"]

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def iso(moment: datetime) -> str:
    """``moment`` in Vietnam time, e.g. ``2024-03-05T09:15:00+07:00``; naive means UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VN_TZ).isoformat(timespec="seconds")


def now_iso() -> str:
    return iso(datetime.now(UTC))


#: A time as the archive stores it (:func:`iso`), the form the extractor gives
#: ``published_at`` in.
_STORED_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}"
)
#: The largest offset :func:`~archiver.dates.parse_iso` takes (14 hours, 59 minutes).
_MAX_OFFSET = timedelta(hours=14, minutes=59)


def stored_time(text: str | None) -> datetime | None:
    """A time the archive stores (an article's ``published_at``) read back:
    ``parse_iso(text).value``.

    The crawl reads one for every article it archives, to plan the view-count visits. In
    the stored form (``2024-03-05T09:15:00+07:00``) ``datetime.fromisoformat`` reads the
    same time in 1 µs, where ``parse_iso``, made for the variants pages write, takes 25;
    any other text, or a time ``parse_iso`` would refuse, goes to ``parse_iso``.
    """
    if not text:
        return None
    if len(text) == 25 and _STORED_TIME.fullmatch(text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
        offset = moment.utcoffset() if moment is not None else None
        if moment is not None and offset is not None and abs(offset) <= _MAX_OFFSET:
            value = moment.astimezone(VN_TZ)  # as parse_iso gives it, the years it takes
            if MIN_YEAR <= moment.year <= MAX_YEAR and MIN_YEAR <= value.year <= MAX_YEAR:
                return value
    # (A time parse_iso refuses raises AttributeError, as ``parse_iso(text).value`` always
    # did for the crawl, whose turn then fails.)
    return parse_iso(text).value


def _start_of(text: str, option: str) -> tuple[date, str]:
    """The first day a DATE/MONTH/YEAR string covers, and its granularity."""
    match = _DATE.fullmatch(text.strip())
    if not match:
        raise QueryError(
            f"{option} expects a date like 2024, 2024-03 or 2024-03-05, not {text!r}", field=option
        )
    year, month, day = match.groups()
    try:
        start = date(int(year), int(month or 1), int(day or 1))
    except ValueError as error:
        raise QueryError(
            f"{option}: {text!r} is not a real date ({error})", field=option
        ) from error
    return start, "day" if day else "month" if month else "year"


def _after(start: date, granularity: str) -> date:
    if granularity == "day":
        return start + timedelta(days=1)
    if granularity == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def date_span(
    since: str | None, until: str | None, names: tuple[str, str] = ("--since", "--until")
) -> tuple[date | None, date | None]:
    """The first and the last day (both included) of ``since``/``until`` periods.

    ``since="2024-03"`` starts on 1 March 2024; ``until="2024-03"`` ends on 31 March,
    ``until="2024"`` on 31 December. ``names`` are the options named in errors.
    """
    first = last = None
    if since:
        first = _start_of(since, names[0])[0]
    if until:
        start, granularity = _start_of(until, names[1])
        last = _after(start, granularity) - timedelta(days=1)
    if first and last and first > last:
        raise QueryError(f"{names[0]} {since} is after {names[1]} {until}", field=names[0])
    return first, last


def date_bounds(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """``[low, high)`` bounds on stored ISO timestamps, both ends of the period inclusive.

    ``since="2024-03"`` keeps 1 March 2024 onwards; ``until="2024-03"`` keeps up to
    the end of March. Timestamps are compared as strings, which is exact because
    every stored time has the same +07:00 offset.
    """
    first, last = date_span(since, until)
    low = first.isoformat() if first else None
    high = (last + timedelta(days=1)).isoformat() if last else None
    return low, high


def period_clauses(
    since: str | None, until: str | None, column: str = "published_at"
) -> tuple[list[str], dict[str, str]]:
    """SQL conditions (with named parameters) keeping ``column`` within ``--since``/``--until``."""
    low, high = date_bounds(since, until)
    clauses, params = [], {}
    if low:
        clauses.append(f"{column} >= :low")
        params["low"] = low
    if high:
        clauses.append(f"{column} < :high")
        params["high"] = high
    return clauses, params
