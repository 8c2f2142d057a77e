"""The record of one HTTP exchange, as fetched and as the archive keeps it."""

from __future__ import annotations

import operator
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from archiver.headers import Headers, header_value


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request and its response, or the error that stopped it.

    ``body`` is the payload after content-encoding (gzip, br) is undone; the
    headers are as sent and received, in order, duplicates kept.
    ``status`` is None when no response arrived (DNS, connection, timeout).
    ``decoded`` names what was undone to get ``body``, in wire order: content codings
    first (``gzip``), then transfer codings (``chunked``). When it is not empty, a WARC
    writer keeping ``body`` as the payload must drop Content-Encoding/Transfer-Encoding
    and set Content-Length (the headers here are exactly as received).
    """

    url: str
    final_url: str
    status: int | None
    fetched_at: datetime
    method: str = "GET"
    request_headers: Headers = ()
    response_headers: Headers = ()
    body: bytes = b""
    http_version: str | None = None
    ip_address: str | None = None
    redirects: tuple[str, ...] = ()
    elapsed: float | None = None
    error: str | None = None
    truncated: bool = False
    decoded: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Every page a crawl fetches crosses to a parsing worker: rebuilt from its fields
        # (see archiver.pickling), and its time, UTC as the fetcher gives it, as ISO text,
        # which pickles in a fifth of the time of a datetime with a timezone.
        at = self.fetched_at
        if type(at) is datetime and at.tzinfo is UTC:
            return (_exchange_at, (at.isoformat(), _OTHERS(self)))
        return (Exchange, _VALUES(self))

    def replaced(self, **changes: Any) -> Exchange:
        """``dataclasses.replace(self, **changes)`` in a fraction of its time (which looks
        up every field of the class on each call): a crawl makes two a page."""
        values = list(_VALUES(self))
        for name, value in changes.items():
            values[_INDEX[name]] = value
        return Exchange(*values)

    def header(self, name: str) -> str | None:
        """The first response header called ``name`` (case-insensitive), or None."""
        return header_value(self.response_headers, name)

    @property
    def content_type(self) -> str | None:
        return self.header("content-type")

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and self.error is None


#: The names of Exchange's fields, in order; those but ``fetched_at`` read at once.
_NAMES = tuple(f.name for f in fields(Exchange))
_AT = _NAMES.index("fetched_at")
_INDEX = {name: index for index, name in enumerate(_NAMES)}
_VALUES = operator.attrgetter(*_NAMES)
_OTHERS = operator.attrgetter(*(n for n in _NAMES if n != "fetched_at"))


def _exchange_at(fetched_at: str, others: tuple[Any, ...]) -> Exchange:
    """The pickled :class:`Exchange`: fetched at ``fetched_at`` (ISO, UTC), its other
    fields ``others``."""
    return Exchange(*others[:_AT], datetime.fromisoformat(fetched_at), *others[_AT:])
