"""The robots.txt cache: one fetch per host for all callers, RFC 9309 outcomes, expiry."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from archiver.fetch import Fetcher, RetryPolicy, RobotsCache, robots_url
from archiver.replay import Entry, ReplaySite, ReplayTransport
from archiver.replay import ResponseSpec as R
from archiver.settings import Settings
from conftest import FakeClock

UA = "archiver/test (+https://example.org/bot)"
ROBOTS = """User-agent: *
Disallow: /admin/
Crawl-delay: 3

User-agent: archiver
Disallow: /private/

Sitemap: http://tamky.gov.vn/sitemap.xml
Sitemap: http://tamky.gov.vn/news-sitemap.xml
"""


def robots_txt(text: str = ROBOTS, **spec: Any) -> R:
    return R(text=text, headers=(("Content-Type", "text/plain"),), **spec)


class Harness:
    def __init__(self, *entries: Entry, **settings: Any) -> None:
        self.site = ReplaySite(entries=entries)
        self.settings = Settings(**{"retry_backoff": 0, "retries": 2, **settings})
        self.clock = FakeClock(0.0)

    def run(self, body: Any) -> Any:
        async def noop(seconds: float) -> None:
            pass

        async def main() -> Any:
            retry = RetryPolicy.from_settings(self.settings, sleep=noop)
            async with Fetcher(
                self.settings, transport=ReplayTransport(self.site), retry=retry
            ) as fetcher:
                return await body(RobotsCache(fetcher, UA, clock=self.clock))

        return asyncio.run(main())

    def robots_requests(self) -> int:
        return sum(1 for r in self.site.log.records() if (r.url or "").endswith("/robots.txt"))


def test_robots_url_is_at_the_root_of_the_origin() -> None:
    assert (
        robots_url("https://tamky.gov.vn:8443/a/b?c=1#d") == "https://tamky.gov.vn:8443/robots.txt"
    )


def test_concurrent_callers_share_one_fetch() -> None:
    h = Harness(Entry("http://tamky.gov.vn/robots.txt", (robots_txt(delay=0.01),)))

    async def body(robots: RobotsCache) -> list[bool]:
        urls = [f"http://tamky.gov.vn/{path}" for path in ("a", "admin/x", "private/y", "b")] * 5
        return await asyncio.gather(*(robots.can_fetch(url) for url in urls))

    allowed = h.run(body)
    assert allowed == [True, True, False, True] * 5  # the archiver group replaces '*'
    assert h.robots_requests() == 1


def test_parsed_rules_give_crawl_delay_and_sitemaps() -> None:
    h = Harness(
        Entry(
            "http://tamky.gov.vn/robots.txt",
            (
                robots_txt(
                    "User-agent: *\nCrawl-delay: 3\nSitemap: http://tamky.gov.vn/sitemap.xml\n"
                ),
            ),
        )
    )

    async def body(robots: RobotsCache) -> Any:
        policy = await robots.policy("http://tamky.gov.vn/tin-tuc")
        return policy.state, policy.crawl_delay(UA), policy.sitemaps, robots.drain()

    state, delay, sitemaps, drained = h.run(body)
    assert (state, delay, sitemaps) == ("parsed", 3.0, ["http://tamky.gov.vn/sitemap.xml"])
    assert [result.kind for result in drained] == ["not_html"]
    assert drained[0].last.url == "http://tamky.gov.vn/robots.txt"


def test_404_allows_everything() -> None:
    h = Harness()

    async def body(robots: RobotsCache) -> Any:
        return (await robots.policy("http://vnexpress.net/")).state, await robots.can_fetch(
            "http://vnexpress.net/admin/"
        )

    assert h.run(body) == ("unavailable", True)


def test_503_is_unreachable_until_a_retry_time_then_fetched_again() -> None:
    h = Harness(
        Entry("http://tamky.gov.vn/robots.txt", (R(status=503), R(status=503), robots_txt()))
    )

    async def body(robots: RobotsCache) -> Any:
        first = await robots.policy("http://tamky.gov.vn/")
        retry_at = robots.retry_at("http://tamky.gov.vn/")
        allowed = await robots.can_fetch("http://tamky.gov.vn/a")
        h.clock.now += first.retry_after - 1
        still = (await robots.policy("http://tamky.gov.vn/")).state
        h.clock.now += 2
        later = (await robots.policy("http://tamky.gov.vn/")).state
        return first, retry_at, allowed, still, later, robots.drain()

    before = datetime.now(UTC)
    first, retry_at, allowed, still, later, drained = h.run(body)
    assert first.unreachable and not allowed and still == "unreachable"
    assert first.retry_after == 600 and retry_at is not None
    assert before + timedelta(seconds=590) < retry_at < datetime.now(UTC) + timedelta(seconds=610)
    assert later == "parsed" and h.robots_requests() == 3
    assert [[e.status for e in r.exchanges] for r in drained] == [[503, 503], [200]]


def test_retry_after_from_the_server_sets_the_retry_time() -> None:
    h = Harness(
        Entry(
            "http://tamky.gov.vn/robots.txt", (R(status=503, headers=(("Retry-After", "7200"),)),)
        )
    )

    async def body(robots: RobotsCache) -> Any:
        return await robots.policy("http://tamky.gov.vn/")

    policy = h.run(body)
    assert policy.unreachable and 7100 < (policy.retry_after or 0) <= 7200


def test_network_error_is_unreachable() -> None:
    h = Harness(Entry("http://tamky.gov.vn/robots.txt", (R(close=True),)))

    async def body(robots: RobotsCache) -> Any:
        return await robots.policy("http://tamky.gov.vn/")

    assert h.run(body).unreachable


def test_redirects_are_followed_and_loops_allow_everything() -> None:
    h = Harness(
        Entry(
            "http://tamky.gov.vn/robots.txt",
            (R(status=301, headers=(("Location", "https://www.tamky.gov.vn/robots.txt"),)),),
        ),
        Entry("http://www.tamky.gov.vn/robots.txt", (robots_txt(),)),
        Entry("http://loop.vn/robots.txt", (R(status=302, headers=(("Location", "/r"),)),)),
        Entry("http://loop.vn/r", (R(status=302, headers=(("Location", "/robots.txt"),)),)),
    )

    async def body(robots: RobotsCache) -> Any:
        return (
            await robots.can_fetch("http://tamky.gov.vn/private/"),
            (await robots.policy("http://loop.vn/")).state,
        )

    assert h.run(body) == (False, "unavailable")


def test_policy_expires_after_the_ttl() -> None:
    h = Harness(Entry("http://tamky.gov.vn/robots.txt", (robots_txt(),)))

    async def body(robots: RobotsCache) -> None:
        await robots.policy("http://tamky.gov.vn/")
        h.clock.now += robots.ttl - 1
        await robots.policy("http://tamky.gov.vn/x")
        h.clock.now += 2
        await robots.policy("http://tamky.gov.vn/y")

    h.run(body)
    assert h.robots_requests() == 2


def test_one_caller_cancelled_does_not_cancel_the_shared_fetch() -> None:
    h = Harness(Entry("http://tamky.gov.vn/robots.txt", (robots_txt(delay=0.02),)))

    async def body(robots: RobotsCache) -> bool:
        impatient = asyncio.ensure_future(robots.policy("http://tamky.gov.vn/"))
        patient = asyncio.ensure_future(robots.can_fetch("http://tamky.gov.vn/private/"))
        await asyncio.sleep(0)
        impatient.cancel()
        return await patient

    assert h.run(body) is False
    assert h.robots_requests() == 1


def test_load_hands_the_exchanges_out_once() -> None:
    h = Harness(Entry("http://tamky.gov.vn/robots.txt", (robots_txt(delay=0.01),)))

    async def body(robots: RobotsCache) -> Any:
        loaded = await asyncio.gather(
            robots.load("http://tamky.gov.vn/"), robots.load("http://tamky.gov.vn/a")
        )
        again = await robots.load("http://tamky.gov.vn/b")
        return loaded, again, robots.drain()

    (first, second), again, drained = h.run(body)
    assert [len(first[1]), len(second[1]), len(again[1])] == [1, 0, 0]
    assert first[1][0].url == "http://tamky.gov.vn/robots.txt" and drained == []
    assert first[0] is second[0] is again[0]


def test_known_and_allowed_answer_from_the_cache() -> None:
    h = Harness(Entry("http://tamky.gov.vn/robots.txt", (robots_txt(),)))

    async def body(robots: RobotsCache) -> Any:
        before = (
            robots.known("http://tamky.gov.vn/a"),
            robots.allowed("http://tamky.gov.vn/private/"),
        )
        await robots.policy("http://tamky.gov.vn/")
        return before, (
            robots.known("http://tamky.gov.vn/a"),
            robots.known("https://tamky.gov.vn/a"),
            robots.allowed("http://tamky.gov.vn/private/"),
            robots.allowed("https://tamky.gov.vn/private/"),  # same host, other scheme
            robots.allowed("http://tamky.gov.vn/tin-tuc"),
            robots.allowed("http://vnexpress.net/private/"),  # not fetched yet
        )

    before, after = h.run(body)
    assert before == (False, True)
    assert after == (True, False, False, False, True, True)
    assert h.robots_requests() == 1


def test_the_verdict_comes_from_the_cache_and_is_none_until_robots_txt_is_read() -> None:
    h = Harness(
        Entry("http://tamky.gov.vn/robots.txt", (robots_txt(),)),
        Entry("http://down.vn/robots.txt", (R(status=503),)),
    )

    async def body(robots: RobotsCache) -> Any:
        before = robots.verdict("http://tamky.gov.vn/private/")
        await robots.policy("http://tamky.gov.vn/")
        down = await robots.policy("http://down.vn/")
        return before, (
            robots.verdict("http://tamky.gov.vn/private/"),
            robots.verdict("http://tamky.gov.vn/tin-tuc"),
            robots.verdict("https://tamky.gov.vn/tin-tuc"),  # another origin: not read yet
            robots.verdict("http://down.vn/a"),  # unreachable: nothing allowed
            down.retry_wait,
        )

    before, after = h.run(body)
    assert before is None
    assert after[:4] == (False, True, None, False)
    assert after[4] > 0
