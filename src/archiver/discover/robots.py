"""robots.txt: what a crawler may fetch on a host, how slowly, and where its sitemaps are.

Parsing is Protego's (a maintained parser that knows wildcards, ``$`` anchors, agent
groups and the usual misspellings). This module adds what RFC 9309 says about the
fetch itself, which a parser cannot know:

====================  =========================================================
robots.txt response   policy
====================  =========================================================
2xx                   parse the body (only its first 500 KiB)
3xx (not followed)    "unavailable": everything allowed (RFC 9309 §2.3.1.2)
4xx (404, 410, 403)   "unavailable": everything allowed (§2.3.1.3)
5xx or no response    "unreachable": nothing allowed; retry after ``retry_after`` s
====================  =========================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from protego import Protego

if TYPE_CHECKING:  # a named tuple (requests, seconds, start_time, end_time)
    from protego import RequestRate

__all__ = ["MAX_ROBOTS_BYTES", "UNREACHABLE_RETRY_SECONDS", "RobotsPolicy"]

#: RFC 9309 §2.5: crawlers must parse at least 500 KiB; anything beyond may be ignored.
MAX_ROBOTS_BYTES = 500 * 1024
#: How long to wait before fetching an unreachable robots.txt again.
UNREACHABLE_RETRY_SECONDS = 600.0

State = Literal["parsed", "unavailable", "unreachable"]


@dataclass(frozen=True, eq=False)
class RobotsPolicy:
    """The rules of one host, built from how its robots.txt fetch went."""

    url: str
    state: State
    truncated: bool = False
    retry_after: float | None = None
    _parser: Protego | None = field(default=None, repr=False)

    @classmethod
    def from_response(
        cls,
        status: int | None,
        body: bytes,
        url: str,
        *,
        retry_after: float = UNREACHABLE_RETRY_SECONDS,
    ) -> RobotsPolicy:
        """The policy for a robots.txt fetch that ended with ``status`` (None: no response)."""
        if status is None or status >= 500:
            return cls(url, "unreachable", retry_after=retry_after)
        if not 200 <= status < 300:
            return cls(url, "unavailable")
        return cls.parse(body, url)

    @classmethod
    def parse(cls, body: bytes | str, url: str) -> RobotsPolicy:
        """Parse a robots.txt body (bytes are decoded as UTF-8, a BOM is ignored)."""
        truncated = False
        if isinstance(body, str):
            body = body.encode("utf-8")
        if len(body) > MAX_ROBOTS_BYTES:
            truncated = True
            body = body[:MAX_ROBOTS_BYTES]
            # A line cut in half could turn "Disallow: /private" into "Disallow: /p".
            end = max(body.rfind(b"\n"), body.rfind(b"\r"))
            body = body[: end + 1] if end >= 0 else b""
        text = body.decode("utf-8-sig", errors="replace")
        return cls(url, "parsed", truncated=truncated, _parser=Protego.parse(text))

    @property
    def unreachable(self) -> bool:
        """True when the fetch failed on the server's side: crawl nothing, ask again later."""
        return self.state == "unreachable"

    def can_fetch(self, url: str, user_agent: str) -> bool:
        if self._parser is None:
            return self.state == "unavailable"
        return self._parser.can_fetch(url, user_agent)

    def request_rate(self, user_agent: str) -> RequestRate | None:
        """The ``Request-rate`` line for ``user_agent`` (requests per seconds), if any."""
        return self._parser.request_rate(user_agent) if self._parser else None

    def crawl_delay(self, user_agent: str) -> float | None:
        """Seconds to leave between two requests: the larger of Crawl-delay and Request-rate."""
        if self._parser is None:
            return None
        delays: Iterable[float | None] = (
            self._parser.crawl_delay(user_agent),
            _rate_gap(self._parser.request_rate(user_agent)),
        )
        known = [delay for delay in delays if delay is not None]
        return max(known) if known else None

    @property
    def sitemaps(self) -> list[str]:
        return list(self._parser.sitemaps) if self._parser else []


def _rate_gap(rate: RequestRate | None) -> float | None:
    if rate is None or not rate.requests:
        return None
    return rate.seconds / rate.requests
