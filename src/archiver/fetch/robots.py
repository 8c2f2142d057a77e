"""robots.txt for a crawl: fetched once per host, shared by concurrent callers, cached for a day.

    robots = RobotsCache(fetcher, settings.user_agent)
    if await robots.can_fetch(url):
        result = await fetcher.fetch(url, allow=robots.can_fetch)   # hops checked too
    for result in robots.drain():                                   # robots.txt fetches,
        store.save_many((e, None) for e in result.exchanges)       # to record like any other

A scheduler that fetches robots.txt in a turn of its own uses ``await load(url)`` (the
policy and that fetch's exchanges), then ``current(url)`` (or ``known(url)`` /
``allowed(url)``), which answer at once from the cache. Each robots.txt exchange is
handed out once: to the ``load`` call that awaited its fetch, else to :meth:`drain`.

How a fetch becomes a policy (RFC 9309, with :class:`RobotsPolicy` deciding the rest):

==========================================  ==================================================
robots.txt fetch                            policy
==========================================  ==================================================
2xx (after redirects, any Content-Type)     parsed
4xx, redirect loop or too many redirects    "unavailable": everything allowed
429, 5xx, no response                       "unreachable": nothing allowed until ``retry_at``
==========================================  ==================================================

The fetch goes through the crawl's :class:`Fetcher` (User-Agent, limits, retries, every
exchange recorded). An unreachable robots.txt is asked again after the server's
Retry-After, else after ``unreachable_retry`` seconds; any other policy lasts ``ttl``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx

from archiver.discover.robots import MAX_ROBOTS_BYTES, UNREACHABLE_RETRY_SECONDS, RobotsPolicy
from archiver.fetch.clients import origin_of, origin_of_text
from archiver.fetch.exchange import Exchange
from archiver.fetch.fetcher import Fetcher
from archiver.fetch.result import UNREACHABLE_KINDS, FetchResult
from archiver.urls import normalize_url

__all__ = ["DAY", "RobotsCache", "robots_url"]

DAY = 24 * 3600.0
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
