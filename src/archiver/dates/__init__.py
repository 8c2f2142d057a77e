"""Dates and times, one module per kind — read this to know which one you need:

- :mod:`archiver.dates.page` — **page dates**: the dates printed on or declared by a web
  page ("Thứ 4, 04/07/2018 15:34 (GMT+7)", ``2024-03-05T09:15:00+07:00`` metadata,
  "2 giờ trước"), parsed to aware +07:00 datetimes (:func:`parse_date`, :func:`parse_iso`).
  Extraction picks the article's own among them (``archiver.extract.timestamps``).
- :mod:`archiver.dates.feed` — **feed dates**: the timestamps of sitemaps and feeds (W3C
  reduced forms such as ``2024-01``, RFC 822; never relative), :func:`parse_timestamp`.
- :mod:`archiver.dates.stored` — **stored times**: how the archive writes a time
  (ISO 8601, seconds, +07:00: :func:`~archiver.dates.stored.iso`; read back by
  :func:`~archiver.dates.stored.stored_time`) and the periods that
  ``--since``/``--until`` name (``2024``, ``2024-03``, ``2024-03-05``).

Every time here is in Vietnam's zone, :data:`VN_TZ` (UTC+7, no daylight saving). This
package re-exports the page-date API, which is most of what callers need.
"""

from archiver.dates.page import (
    ORDERS,
    VN_TZ,
    ParsedDate,
    find_dates,
    parse_date,
    parse_epoch,
    parse_iso,
    validate_format,
)

__all__ = [
    "ORDERS",
    "VN_TZ",
    "ParsedDate",
    "find_dates",
    "parse_date",
    "parse_epoch",
    "parse_iso",
    "validate_format",
]
