"""Clients per host: one per origin, shared when the caller gives a transport, closed when idle."""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import httpx
import pytest

from archiver.fetch import Fetcher
from archiver.fetch.clients import ClientPool, origin_of, origin_of_text, parse_url
from archiver.replay import Entry, ReplayServer, ReplaySite, ReplayTransport
from archiver.replay import ResponseSpec as R
from archiver.settings import Settings
from conftest import FakeClock

SITE = ReplaySite(
    entries=[
        Entry("http://tamky.gov.vn/", (R(text="Tam Kỳ"),)),
        Entry("http://vnexpress.net:8080/", (R(text="VnExpress"),)),
    ]
)


def test_origin_names_scheme_host_and_port() -> None:
    assert origin_of(httpx.URL("http://Tamky.gov.vn/a?b")) == "http://tamky.gov.vn:80"
    assert origin_of(httpx.URL("https://tamky.gov.vn/")) == "https://tamky.gov.vn:443"
    assert origin_of(httpx.URL("http://vnexpress.net:8080/")) == "http://vnexpress.net:8080"


def test_one_client_per_origin_from_the_factory() -> None:
    made: list[str] = []

    def factory(origin: str) -> httpx.AsyncClient:
        made.append(origin)
        return httpx.AsyncClient(transport=ReplayTransport(SITE))

    async def main() -> None:
        async with Fetcher(Settings(), client_factory=factory) as fetcher:
            for url in (
                "http://tamky.gov.vn/",
                "http://tamky.gov.vn/x",
                "https://tamky.gov.vn/",
                "http://vnexpress.net:8080/",
                "http://tamky.gov.vn/",
            ):
                await fetcher.fetch(url)

    asyncio.run(main())
    assert made == [
        "http://tamky.gov.vn:80",
        "https://tamky.gov.vn:443",
        "http://vnexpress.net:8080",
    ]


def test_a_given_transport_is_shared_by_every_host() -> None:
    async def main() -> int:
        async with Fetcher(Settings(), transport=ReplayTransport(SITE)) as fetcher:
            await fetcher.fetch("http://tamky.gov.vn/")
            await fetcher.fetch("http://vnexpress.net:8080/")
            return len(fetcher.clients)

    assert asyncio.run(main()) == 1


def test_idle_clients_are_closed_and_busy_ones_kept(clock: FakeClock) -> None:
    pool = ClientPool(Settings(idle_client_timeout=60), clock=clock)

    async def main() -> None:
        async with pool.lease(httpx.URL("http://tamky.gov.vn/")) as idle:
            pass
        async with pool.lease(httpx.URL("http://vnexpress.net/")) as busy:
            clock.now += 61
            async with pool.lease(httpx.URL("http://dantri.com.vn/")):
                assert idle.is_closed and not busy.is_closed
        assert len(pool) == 2
        await pool.aclose()
        assert busy.is_closed and len(pool) == 0

    asyncio.run(main())


def test_a_taken_lease_is_busy_until_given_back(clock: FakeClock) -> None:
    """The fetcher's way (take, give back) keeps a client as borrow does: in use while
    taken, idle (and closed after the idle timeout) once given back."""
    pool = ClientPool(Settings(idle_client_timeout=60), clock=clock)

    async def main() -> None:
        taken = await pool.take(httpx.URL("http://tamky.gov.vn/"))
        assert taken is await pool.take(httpx.URL("http://tamky.gov.vn/a")) and taken.in_use == 2
        pool.give_back(taken)
        clock.now += 61
        await pool.take(httpx.URL("http://vnexpress.net/"))  # a sweep is due: taken is busy
        assert not taken.client.is_closed and len(pool) == 2
        pool.give_back(taken)
        clock.now += 61
        await pool.take(httpx.URL("http://vnexpress.net/"))
        assert taken.client.is_closed and len(pool) == 1
        await pool.aclose()
        with pytest.raises(RuntimeError):
            await pool.take(httpx.URL("http://tamky.gov.vn/"))

    asyncio.run(main())


def test_clients_share_one_tls_context(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[bool] = []
    create = httpx.create_ssl_context

    def counting(**options: Any) -> ssl.SSLContext:
        made.append(options.get("verify", True))
        return create(**options)

    monkeypatch.setattr(httpx, "create_ssl_context", counting)
    pool = ClientPool(Settings(verify_tls=False))

    async def main() -> None:
        for url in ("https://tamky.gov.vn/", "https://vnexpress.net/", "http://dantri.com.vn/"):
            async with pool.lease(httpx.URL(url)):
                pass
        assert len(pool) == 3
        await pool.aclose()

    asyncio.run(main())
    assert made == [False]


def test_a_closed_pool_lends_nothing() -> None:
    pool = ClientPool(Settings())

    async def main() -> None:
        await pool.aclose()
        async with pool.lease(httpx.URL("http://tamky.gov.vn/")):
            pass

    with pytest.raises(RuntimeError):
        asyncio.run(main())


def test_proxy_settings_in_the_environment_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    site = ReplaySite(entries=[Entry("http://tamky.gov.vn/", (R(text="Tam Kỳ"),))])

    async def main() -> str:
        async with ReplayServer(site) as base, Fetcher(Settings(retries=1)) as fetcher:
            result = await fetcher.fetch(base + "/")
            return result.body.decode()

    assert asyncio.run(main()) == "Tam Kỳ"


@pytest.mark.parametrize(
    "url",
    [
        "http://h.vn/a?b#c",
        "https://H.VN/",
        "http://h.vn:8080/a",
        "https://h.vn:443/x",
        "http://h.vn?x=1",
        "http://h.vn#top",
        "http://u:p@h.vn:81/a",
        "http://[::1]:8080/a",
        "http://xn--bo-vit-mua4a.vn/",
        "http://bộ.vn/a",
    ],
)
def test_the_origin_of_a_url_as_text_is_the_origin_of_the_parsed_url(url):
    assert origin_of_text(url) == origin_of(httpx.URL(url))


def test_a_url_parsed_for_a_request_is_what_httpx_makes_of_it():
    import random

    from archiver.fetch.clients import _PLAIN_URL

    rng = random.Random(7)
    pieces = [
        "a",
        "Z",
        "0",
        "-",
        ".",
        "..",
        "_",
        "~",
        "/",
        "//",
        "%2F",
        "%zz",
        "=",
        "&",
        "?",
        "#",
        ":",
        "@",
        "+",
        " ",
        "ả",
        "\t",
        "A-b",
        "x.html",
        "./",
        "/.",
        "/..",
    ]
    origins = [
        "http://h.vn",
        "https://h.vn",
        "http://h.vn:80",
        "https://h.vn:443",
        "http://h.vn:8080",
        "http://127.0.0.9",
        "http://127.0.0.9:80",
        "http://H.vn",
        "HTTP://h.vn",
        "http://a-b.c-d.vn",
        "http://999.0.0.1",
        "ftp://h.vn",
    ]
    urls = [
        origin + "/" + "".join(rng.choice(pieces) for _ in range(rng.randrange(12)))
        for origin in origins
        for _ in range(400)
    ]
    urls += ["http://h.vn/a?", "http://h.vn/a?b=1&c=2", "http://h.vn", "http://h.vn/a/./b"]
    urls += ["http://h.vn/" + "x" * n for n in (65_524, 65_525, 100_000)]  # httpx's limit
    fast = 0
    for url in urls:
        try:
            expected = httpx.URL(url)
        except httpx.InvalidURL:
            with pytest.raises(httpx.InvalidURL):
                parse_url(url)
            continue
        parsed = parse_url(url)
        assert parsed == expected and parsed._uri_reference == expected._uri_reference, url
        assert (parsed.raw_host, parsed.port, parsed.raw_path) == (
            expected.raw_host,
            expected.port,
            expected.raw_path,
        )
        fast += _PLAIN_URL.fullmatch(url) is not None and "/." not in url
    assert fast > 300  # plain URLs took the short way, queries too:
    assert _PLAIN_URL.fullmatch("http://h.vn/a?b=1&c=2")


def test_a_redirect_chain_key_is_the_url_without_its_fragment():
    from archiver.fetch.fetcher import _chain_key

    for url in ("http://h.vn/a?b=1#frag", "http://h.vn/a#", "http://h.vn/ả?q=ư"):
        parsed = httpx.URL(url)
        assert _chain_key(parsed) == str(parsed.copy_with(fragment=None))


def test_a_request_sent_past_the_client_carries_what_the_client_would_send() -> None:
    fixed = {"User-Agent": "archiver-test", "Accept": "text/html", "Accept-Encoding": "gzip"}
    url = httpx.URL("http://tamky.gov.vn:8080/a?b=1")
    pool = ClientPool(Settings())

    async def main() -> None:
        async with pool.borrow(url) as lease:
            assert lease.transport is not None
            lease.client.cookies.set("AspxAutoDetectCookieSupport", "1", domain="tamky.gov.vn")
            for extra in ({}, {"If-None-Match": '"e1"', "If-Modified-Since": "Wed, 04 Jul 2018"}):
                ours = lease.build_request(url, fixed, extra)
                theirs = lease.client.build_request("GET", url, headers={**fixed, **extra})
                assert ours.headers.raw == theirs.headers.raw
                assert ours.extensions == theirs.extensions
        await pool.aclose()

    asyncio.run(main())


def test_a_client_given_as_transport_sends_each_host_its_own_host_header() -> None:
    fixed = {"User-Agent": "archiver-test"}
    pool = ClientPool(Settings(), transport=ReplayTransport(SITE))

    async def main() -> None:
        for url in ("http://tamky.gov.vn/a", "http://vnexpress.net:8080/b", "http://tamky.gov.vn/"):
            parsed = httpx.URL(url)
            async with pool.borrow(parsed) as lease:
                ours = lease.build_request(parsed, fixed, {"If-None-Match": '"e"'})
                theirs = lease.client.build_request(
                    "GET", parsed, headers={**fixed, "If-None-Match": '"e"'}
                )
                assert ours.headers.raw == theirs.headers.raw
        await pool.aclose()

    asyncio.run(main())


def test_cookies_set_by_a_response_sent_past_the_client_are_kept() -> None:
    site = ReplaySite(
        entries=[
            Entry("http://tamky.gov.vn/", (R(text="x", headers=(("Set-Cookie", "s=1; path=/"),)),)),
        ]
    )

    async def main() -> str | None:
        async with Fetcher(Settings(), transport=ReplayTransport(site)) as fetcher:
            await fetcher.fetch("http://tamky.gov.vn/")
            second = await fetcher.fetch("http://tamky.gov.vn/")
        return dict(second.last.request_headers).get("Cookie")

    assert asyncio.run(main()) == "s=1"
