"""Fetching: HTTP exchanges with retries, redirects and limits, and robots.txt per host.

    async with Fetcher(settings) as fetcher:
        robots = RobotsCache(fetcher)
        result = await fetcher.fetch(url, allow=robots.can_fetch)

``exchange`` (the record the store keeps), ``retry`` (the one retry policy), ``body``
(reading within limits), ``clients`` (an httpx client per host), ``result`` (outcome
kinds), ``fetcher`` and ``robots`` (robots.txt: its policy, the cache and the checks).
Politeness timing and the frontier are the crawler's.
"""

from archiver.fetch.exchange import Exchange
from archiver.fetch.fetcher import Allow, Fetcher
from archiver.fetch.result import FetchResult, Kind
from archiver.fetch.retry import Retried, RetryPolicy, parse_retry_after
from archiver.fetch.robots import RobotsCache, RobotsPolicy, robots_url

__all__ = [
    "Allow",
    "Exchange",
    "FetchResult",
    "Fetcher",
    "Kind",
    "Retried",
    "RetryPolicy",
    "RobotsCache",
    "RobotsPolicy",
    "parse_retry_after",
    "robots_url",
]
