"""robots.txt, in one place: the policy a fetch gives, the per-host cache, and the checks.

Parsing is Protego's (a maintained parser that knows wildcards, ``$`` anchors, agent
groups and the usual misspellings). This module adds what RFC 9309 says about the fetch
itself, which a parser cannot know. How a robots.txt fetch becomes a policy — the one
table, for :meth:`RobotsPolicy.from_response` and :class:`RobotsCache` alike:

==========================================  ====================================================
robots.txt fetch                            policy
==========================================  ====================================================
2xx, after following up to 10 redirects     parsed (only its first 500 KiB; any Content-Type)
3xx not followed: a redirect loop, too      "unavailable": everything allowed (RFC 9309
many redirects, a redirect to a bad URL     §2.3.1.2)
4xx but 429 (401, 403, 404, 410)            "unavailable": everything allowed (§2.3.1.3)
429, 5xx, no response                       "unreachable": nothing allowed until the server's
                                            Retry-After, else ``UNREACHABLE_RETRY_SECONDS``
==========================================  ====================================================

Every other policy lasts a day (:data:`DAY`). The crawl enforces it through the cache:

    robots = RobotsCache(fetcher, settings.user_agent)
    if await robots.can_fetch(url):
        result = await fetcher.fetch(url, allow=robots.can_fetch)   # hops checked too
    for result in robots.drain():                                   # robots.txt fetches,
        store.save_many((e, None) for e in result.exchanges)       # to record like any other

A scheduler that fetches robots.txt in a turn of its own uses ``await load(url)`` (the
policy and that fetch's exchanges), then ``verdict(url)`` (or ``current`` / ``known`` /
``allowed(url)``), which answer at once from the cache. Each robots.txt exchange is
handed out once: to the ``load`` call that awaited its fetch, else to :meth:`drain`.
The fetch goes through the crawl's :class:`Fetcher` (User-Agent, limits, retries, every
exchange recorded).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

import httpx
from protego import Protego

from archiver.fetch.clients import origin_of, origin_of_text
from archiver.fetch.exchange import Exchange
from archiver.fetch.fetcher import Fetcher
from archiver.fetch.result import UNREACHABLE_KINDS, FetchResult
from archiver.urls import normalize_url

if TYPE_CHECKING:  # a named tuple (requests, seconds, start_time, end_time)
    from protego import RequestRate

__all__ = [
    "DAY",
    "MAX_ROBOTS_BYTES",
    "UNREACHABLE_RETRY_SECONDS",
    "RobotsCache",
    "RobotsPolicy",
    "robots_url",
]

DAY = 24 * 3600.0
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
        if status is None or status >= 500 or status == 429:
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

    @property
    def retry_wait(self) -> float:
        """Seconds before an unreachable robots.txt is asked for again (the host waits too)."""
        return self.retry_after or UNREACHABLE_RETRY_SECONDS

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


_UNAVAILABLE = (
    "client_error",
    "redirect_loop",
    "too_many_redirects",
    "bad_redirect",
    "disallowed",
    "bad_url",
)


def robots_url(url: str) -> str:
    """``scheme://host[:port]/robots.txt`` of ``url``'s origin, exactly as the URL spells it.

    robots.txt is per origin (RFC 9309 §2.3): the port and a ``www.`` are kept (the
    politeness key of a host may drop them, the URL fetched must not).
    """
    parts = urlsplit(url.strip())
    netloc = parts.netloc.rpartition("@")[2]
    return normalize_url(f"{parts.scheme}://{netloc}/robots.txt")


@dataclass(frozen=True, slots=True)
class _Cached:
    policy: RobotsPolicy
    expires: float  # on the cache's monotonic clock
    retry_at: datetime | None  # wall-clock time of the next attempt, when unreachable


class RobotsCache:
    """The robots.txt policy of every host a crawl touches."""

    def __init__(
        self,
        fetcher: Fetcher,
        user_agent: str | None = None,
        *,
        ttl: float = DAY,
        unreachable_retry: float = UNREACHABLE_RETRY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.fetcher = fetcher
        self.user_agent = user_agent or fetcher.settings.user_agent
        self.ttl = ttl
        self.unreachable_retry = unreachable_retry
        self._clock = clock
        self._cache: dict[str, _Cached] = {}
        self._loading: dict[str, asyncio.Future[tuple[_Cached, FetchResult]]] = {}
        self._results: list[FetchResult] = []

    async def policy(self, url: str) -> RobotsPolicy:
        """The policy for ``url``'s host, fetching its robots.txt if needed (once for all)."""
        return (await self._get(url))[0].policy

    async def load(self, url: str) -> tuple[RobotsPolicy, list[Exchange]]:
        """:meth:`policy`, with the exchanges of the fetch it awaited (if not handed out yet)."""
        cached, result = await self._get(url)
        exchanges: list[Exchange] = []
        for index, pending in enumerate(self._results):
            if pending is result:
                exchanges = list(self._results.pop(index).exchanges)
                break
        return cached.policy, exchanges

    async def can_fetch(self, url: str) -> bool:
        """May the crawl fetch ``url``? (An ``allow`` for :meth:`Fetcher.fetch`.)"""
        return (await self.policy(url)).can_fetch(url, self.user_agent)

    def current(self, url: str) -> RobotsPolicy | None:
        """The policy for ``url``'s origin when it is cached and current, else None (no fetch)."""
        cached = self._cache.get(origin_of_text(url))
        return cached.policy if cached is not None and cached.expires > self._clock() else None

    def known(self, url: str) -> bool:
        """True when a policy for ``url``'s host is cached and current (no fetch needed)."""
        return self.current(url) is not None

    def verdict(self, url: str) -> bool | None:
        """May the crawl fetch ``url``, from the cache only: True or False when the policy of
        its origin is cached and current, None when robots.txt must be fetched first."""
        policy = self.current(url)
        return None if policy is None else policy.can_fetch(url, self.user_agent)

    def allowed(self, url: str) -> bool:
        """:meth:`can_fetch` from the cache only, without waiting.

        A host not fetched yet borrows the policy of the same host under another scheme
        or port (``http://`` → ``https://`` redirects), else is allowed: a caller that
        must not guess awaits :meth:`can_fetch` instead.
        """
        parsed = httpx.URL(url)
        cached = self._cache.get(origin_of(parsed))
        if cached is None:
            host = f"://{parsed.host}:"
            cached = next((c for o, c in self._cache.items() if host in o), None)
        return cached is None or cached.policy.can_fetch(url, self.user_agent)

    def retry_at(self, url: str) -> datetime | None:
        """When an unreachable robots.txt for ``url``'s host will be asked for again."""
        cached = self._cache.get(origin_of(httpx.URL(url)))
        return cached.retry_at if cached is not None else None

    def drain(self) -> list[FetchResult]:
        """The robots.txt fetches not yet handed out (by :meth:`load`), for the store."""
        results, self._results = self._results, []
        return results

    async def _get(self, url: str) -> tuple[_Cached, FetchResult | None]:
        """The cached entry, loading it first (one fetch shared by every caller) if stale."""
        origin = origin_of_text(url)
        cached = self._cache.get(origin)
        if cached is not None and cached.expires > self._clock():
            return cached, None
        loading = self._loading.get(origin)
        if loading is None:
            loading = asyncio.ensure_future(self._load(origin, robots_url(url)))
            self._loading[origin] = loading
            loading.add_done_callback(lambda _: self._loading.pop(origin, None))
        # Shielded: one caller giving up must not cancel the fetch the others wait for.
        return await asyncio.shield(loading)

    async def _load(self, origin: str, url: str) -> tuple[_Cached, FetchResult]:
        # Only the head of a huge robots.txt is read, and obeyed (a 20 MB file that starts
        # with "Disallow: /" forbids everything; it is not refused as too large).
        result = await self.fetcher.fetch(url, head=MAX_ROBOTS_BYTES)
        self._results.append(result)
        if result.kind in UNREACHABLE_KINDS:
            now = datetime.now(UTC)
            retry_at = result.retry_at or now + timedelta(seconds=self.unreachable_retry)
            delay = max(0.0, (retry_at - now).total_seconds())
            policy = RobotsPolicy(url, "unreachable", retry_after=delay)
            cached = _Cached(policy, self._clock() + delay, retry_at)
        else:
            if result.kind in _UNAVAILABLE:
                policy = RobotsPolicy(url, "unavailable")
            else:  # ok, not_html, too_large, bad_encoding: read what arrived
                policy = RobotsPolicy.from_response(result.status, result.body, url)
            cached = _Cached(policy, self._clock() + self.ttl, None)
        self._cache[origin] = cached
        return cached, result
