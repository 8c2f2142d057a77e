"""Reading the timestamps found in sitemaps and feeds (ISO 8601, RFC 822, dd/mm/yyyy).

A timestamp without a zone is local Vietnamese time (GMT+7): Vietnamese CMSs write
naive times meaning local time, and feedparser would read them as UTC.
Every result is an aware datetime expressed in +07:00.

This is a private stop-gap: when ``archiver.dates`` offers the same readers, this
module should delegate to it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_tz

VIETNAM = timezone(timedelta(hours=7), "GMT+7")

_ISO = re.compile(
    r"(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?"
    r"(?:[T ]\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"\s*(?P<z>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?",
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"
    r"(?:\s*[,|-]?\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[AP]M)?)?",
    re.IGNORECASE,
)
# "GMT+7", "GMT +07:00", "(GMT+7)" written after an RFC 822 time.
_GMT_OFFSET = re.compile(r"\(?\s*(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\s*\)?", re.I)
_RFC822_ZONE = re.compile(
    r"([+-]\d{4}|\b(?:GMT|UTC|UT|Z|[ECMP][SD]T)\b)\s*$", re.IGNORECASE
)


def _zone(text: str | None) -> timezone:
    if not text or text.upper() in {"Z", "UTC", "GMT"}:
        return VIETNAM if not text else UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _build(
    y: str, m: str | None, d: str | None, hh: str | None, mm: str | None, ss: str | None,
    zone: timezone,
) -> datetime | None:
    try:
        value = datetime(
            int(y), int(m or 1), int(d or 1), int(hh or 0), int(mm or 0), int(ss or 0),
            tzinfo=zone,
        )
    except ValueError:
        return None
    return value.astimezone(VIETNAM)


def parse_iso(text: str) -> datetime | None:
    """An ISO 8601 / W3C datetime (``2024-01-05``, ``2024-01-05T10:20+07:00``) or None."""
    match = _ISO.fullmatch(text.strip())
    if not match:
        return None
    g = match.groupdict()
    zone = _zone(g["z"]) if g["H"] else VIETNAM
    if g["H"] is None and g["z"]:
        return None
    value = _build(g["y"], g["m"], g["d"], g["H"], g["M"], g["S"], zone)
    if value is not None and g["f"]:
        value += timedelta(microseconds=int(g["f"][:6].ljust(6, "0")))
    return value


def _parse_rfc822(text: str) -> datetime | None:
    text = _GMT_OFFSET.sub(
        lambda m: f" {m[1]}{int(m[2]):02d}{m[3] or '00'}", text
    )
    parts = parsedate_tz(text)
    if parts is None:
        return None
    y, mo, d, hh, mm, ss = parts[:6]
    # parsedate_tz answers offset 0 for a missing zone too; a missing zone and "-0000"
    # ("zone unknown", RFC 5322) both mean the publisher's local time.
    stated = _RFC822_ZONE.search(text)
    if stated is None or stated[1] == "-0000":
        zone = VIETNAM
    else:
        zone = timezone(timedelta(seconds=parts[9] or 0))
    return _build(str(y), str(mo), str(d), str(hh), str(mm), str(ss), zone)


def _parse_day_first(text: str) -> datetime | None:
    match = _DAY_FIRST.search(text)
    if not match:
        return None
    g = match.groupdict()
    hour = g["H"]
    if hour is not None and g["ampm"]:
        value = int(hour) % 12 + (12 if g["ampm"].upper() == "PM" else 0)
        hour = str(value)
    zone = VIETNAM
    offset = _GMT_OFFSET.search(text[match.end():])
    if offset:
        zone = _zone(f"{offset[1]}{int(offset[2]):02d}{offset[3] or '00'}")
    return _build(g["y"], g["m"], g["d"], hour, g["M"], g["S"], zone)


def parse_timestamp(text: str | None) -> datetime | None:
    """Any timestamp a sitemap or feed may carry, as an aware +07:00 datetime, or None."""
    if not text:
        return None
    text = text.strip()
    if not text:
        return None
    if text[:4].isdigit() and (len(text) == 4 or text[4] == "-"):
        return parse_iso(text)
    return _parse_rfc822(text) or _parse_day_first(text)
