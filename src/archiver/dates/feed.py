"""Feed dates: the timestamps of sitemaps and feeds, read with the page-date parser.

:mod:`archiver.dates.page` reads ISO 8601 metadata and visible date lines (RFC 822 too);
this module adds the reduced W3C forms sitemaps allow (``2024``, ``2024-01``) and refuses
relative dates ("hôm nay"), which mean nothing in a feed read at another time.
A timestamp without a zone is local Vietnamese time; every result is aware, in +07:00.
"""

from __future__ import annotations

import re
from datetime import datetime

from archiver.dates.page import VN_TZ, parse_date, parse_iso

__all__ = ["parse_timestamp"]

_REDUCED = re.compile(r"(\d{4})(?:-(\d{2}))?")


def parse_timestamp(text: str | None) -> datetime | None:
    """Any timestamp a sitemap or feed may carry, as an aware +07:00 datetime, or None."""
    if not text:
        return None
    text = text.strip()
    reduced = _REDUCED.fullmatch(text)
    if reduced:
        month = int(reduced[2] or 1)
        return datetime(int(reduced[1]), month, 1, tzinfo=VN_TZ) if 1 <= month <= 12 else None
    if text[:4].isdigit() and text[4:5] == "-":
        found = parse_iso(text)
    else:
        found = parse_date(text)
        if found is not None and found.precision == "relative":
            return None
    return found.value.astimezone(VN_TZ) if found is not None else None
