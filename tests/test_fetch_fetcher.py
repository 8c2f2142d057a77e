"""The fetcher against a replay site: retries, redirects, conditional requests, limits, kinds."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from archiver.fetch import Fetcher, FetchResult, RetryPolicy
from archiver.replay import Entry, ReplayServer, ReplaySite, ReplayTransport
from archiver.replay import ResponseSpec as R
from archiver.settings import Settings

NOW = datetime(2024, 5, 1, 8, 0, 0, tzinfo=UTC)
HTML = "<html><head><title>Tin</title></head><body><p>Nội dung</p></body></html>"
MB = 1024 * 1024


def entry(url: str, *responses: R) -> Entry:
    return Entry(url, responses)


def moved(location: str, status: int = 301, **headers: str) -> R:
    return R(status=status, headers=(("Location", location), *headers.items()))


class Harness:
    """A fetcher on an in-process replay site, with a recording sleep and a fixed clock."""

    def __init__(self, *entries: Entry, **settings: Any) -> None:
        self.site = ReplaySite(entries=entries)
        self.settings = Settings(**settings)
        self.sleeps: list[float] = []

    def fetcher(self, transport: httpx.AsyncBaseTransport | None = None) -> Fetcher:
        async def sleep(seconds: float) -> None:
            self.sleeps.append(seconds)

        retry = RetryPolicy.from_settings(self.settings, sleep=sleep, clock=lambda: NOW)
        return Fetcher(
            self.settings, transport=transport or ReplayTransport(self.site), retry=retry
        )

    def fetch(self, url: str, **options: Any) -> FetchResult:
        async def main() -> FetchResult:
            async with self.fetcher() as fetcher:
                return await fetcher.fetch(url, **options)

        return asyncio.run(main())

    def requested(self) -> list[str]:
        return [record.url or record.target for record in self.site.log.records()]


def statuses(result: FetchResult) -> list[int | None]:
    return [exchange.status for exchange in result.exchanges]


# -- an ordinary page ---------------------------------------------------------------------


def test_page_is_one_exchange_with_request_and_response_recorded() -> None:
    h = Harness(
        entry("http://tamky.gov.vn/", R(text=HTML, headers=(("X-Cms", "Portal"),))), retry_backoff=0
    )
    result = h.fetch("http://tamky.gov.vn/")
    assert result.kind == "ok" and result.ok
    (exchange,) = result.exchanges
    assert exchange.body.decode() == HTML and exchange.status == 200
    sent = dict(exchange.request_headers)
    assert sent["User-Agent"] == h.settings.user_agent
    assert sent["Accept-Encoding"] == "gzip, deflate"
    assert ("X-Cms", "Portal") in exchange.response_headers
    assert exchange.http_version == "HTTP/1.1"
    assert exchange.elapsed is not None and exchange.fetched_at.tzinfo is not None
    assert (exchange.error, exchange.truncated, exchange.redirects) == (None, False, ())


def test_invalid_or_non_http_url_is_bad_url_without_a_request() -> None:
    h = Harness()
    for url in ("ftp://tamky.gov.vn/file", "http://", "tin-tuc.html"):
        result = h.fetch(url)
        assert result.kind == "bad_url" and result.status is None and result.last.error
    assert h.site.log.records() == []


# -- retries ------------------------------------------------------------------------------


def test_503_then_200_records_every_attempt() -> None:
    h = Harness(
        entry("http://tamky.gov.vn/flaky", R(status=503), R(status=503), R(text=HTML)),
        retry_backoff=0,
    )
    result = h.fetch("http://tamky.gov.vn/flaky")
    assert result.kind == "ok" and statuses(result) == [503, 503, 200]
    assert len(h.site.log.records()) == 3 and len(h.sleeps) == 2


def test_429_with_retry_after_waits_as_asked_then_succeeds() -> None:
    h = Harness(
        entry(
            "http://vnexpress.net/", R(status=429, headers=(("Retry-After", "7"),)), R(text=HTML)
        ),
        retry_backoff=0,
    )
    result = h.fetch("http://vnexpress.net/")
    assert result.kind == "ok" and statuses(result) == [429, 200]
    assert h.sleeps == [7.0]


def test_404_is_not_retried() -> None:
    h = Harness(retry_backoff=0)
    result = h.fetch("http://tamky.gov.vn/khong-co")
    assert result.kind == "client_error" and statuses(result) == [404]
    assert h.sleeps == [] and len(h.site.log.records()) == 1


def test_retry_after_beyond_the_cap_gives_retry_later_at_once() -> None:
    h = Harness(
        entry("http://vnexpress.net/", R(status=503, headers=(("Retry-After", "3600"),))),
        retry_max_wait=300,
    )
    result = h.fetch("http://vnexpress.net/")
    assert result.kind == "retry_later" and statuses(result) == [503]
    assert result.retry_at == NOW + timedelta(hours=1) and h.sleeps == []


def test_429_to_the_last_attempt_is_retry_later_at_the_cap() -> None:
    h = Harness(
        entry("http://vnexpress.net/", R(status=429)),
        retries=3,
        retry_backoff=0,
        retry_max_wait=120,
    )
    result = h.fetch("http://vnexpress.net/")
    assert result.kind == "retry_later" and statuses(result) == [429, 429, 429]
    assert result.retry_at == NOW + timedelta(seconds=120)


def test_5xx_to_the_last_attempt_is_server_error() -> None:
    h = Harness(entry("http://vnexpress.net/", R(status=502)), retries=4, retry_backoff=0)
    result = h.fetch("http://vnexpress.net/")
    assert result.kind == "server_error" and statuses(result) == [502] * 4
    assert result.retry_at is None


def test_connection_drop_is_network_error_after_retries() -> None:
    h = Harness(entry("http://tamky.gov.vn/reset", R(close=True)), retries=3, retry_backoff=0)
    result = h.fetch("http://tamky.gov.vn/reset")
    assert result.kind == "network_error" and statuses(result) == [None] * 3
    assert all("RemoteProtocolError" in (e.error or "") for e in result.exchanges)
    assert all(e.request_headers for e in result.exchanges)


def test_total_deadline_ends_an_exchange_that_takes_too_long() -> None:
    async def never_answers(request: httpx.Request) -> httpx.Response:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    h = Harness(total_timeout=0.02, retries=1)

    async def main() -> FetchResult:
        async with h.fetcher(httpx.MockTransport(never_answers)) as fetcher:
            return await fetcher.fetch("http://tamky.gov.vn/")

    result = asyncio.run(main())
    assert result.kind == "network_error" and "deadline" in (result.detail or "")


# -- redirects ----------------------------------------------------------------------------


def test_redirect_chain_is_recorded_hop_by_hop() -> None:
    h = Harness(
        entry("http://tamky.gov.vn/a", moved("/b")),
        entry("http://tamky.gov.vn/b", moved("https://www.tamky.gov.vn/c", 302)),
        entry("http://www.tamky.gov.vn/c", R(text=HTML)),
    )
    result = h.fetch("http://tamky.gov.vn/a")
    assert result.kind == "ok" and statuses(result) == [301, 302, 200]
    first, second, last = result.exchanges
    assert (first.url, first.final_url) == ("http://tamky.gov.vn/a",) * 2
    assert (second.url, second.final_url) == ("http://tamky.gov.vn/b",) * 2
    assert last.url == "http://tamky.gov.vn/a"
    assert last.final_url == result.final_url == "https://www.tamky.gov.vn/c"
    assert last.redirects == ("http://tamky.gov.vn/b",)
    assert last.body.decode() == HTML


def test_retries_apply_to_the_hop_that_failed() -> None:
    h = Harness(
        entry("http://tamky.gov.vn/a", moved("/b")),
        entry("http://tamky.gov.vn/b", R(status=503), R(text=HTML)),
        retry_backoff=0,
    )
    result = h.fetch("http://tamky.gov.vn/a")
    assert result.kind == "ok" and statuses(result) == [301, 503, 200]


def test_redirect_loop_is_stopped() -> None:
    h = Harness(
        entry("http://vnexpress.net/loop-a", moved("/loop-b", 302)),
        entry("http://vnexpress.net/loop-b", moved("/loop-a", 302)),
    )
    result = h.fetch("http://vnexpress.net/loop-a")
    assert result.kind == "redirect_loop" and statuses(result) == [302, 302]
    assert result.redirect_to == "http://vnexpress.net/loop-a"
    assert len(h.site.log.records()) == 2


def test_a_cookie_setting_redirect_may_come_back_once() -> None:
    # ASP.NET cookie detection: page → page?AspxAutoDetectCookieSupport=1 → page.
    probe = "/Default.aspx?AspxAutoDetectCookieSupport=1"
    h = Harness(
        entry(
            "http://tamky.gov.vn/Default.aspx",
            moved(probe, 302, **{"Set-Cookie": "AspxAutoDetectCookieSupport=1; path=/"}),
            R(text=HTML),
        ),
        entry("http://tamky.gov.vn" + probe, moved("/Default.aspx", 302)),
    )
    result = h.fetch("http://tamky.gov.vn/Default.aspx")
    assert result.kind == "ok" and statuses(result) == [302, 302, 200]
    assert "AspxAutoDetectCookieSupport=1" in dict(result.last.request_headers)["Cookie"]


def test_location_in_raw_utf8_is_read_as_utf8() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/a":
            return httpx.Response(302, headers=[(b"Location", "/tin-tức/bài-1".encode())])
        return httpx.Response(200, stream=httpx.ByteStream(HTML.encode()))

    h = Harness()

    async def main() -> FetchResult:
        async with h.fetcher(httpx.MockTransport(handler)) as fetcher:
            return await fetcher.fetch("http://vnexpress.net/a")

    result = asyncio.run(main())
    assert result.kind == "ok"
    assert result.final_url == "http://vnexpress.net/tin-t%E1%BB%A9c/b%C3%A0i-1"


def test_too_many_redirects() -> None:
    hops = [entry(f"http://tamky.gov.vn/{n}", moved(f"/{n + 1}")) for n in range(6)]
    h = Harness(*hops, max_redirects=3)
    result = h.fetch("http://tamky.gov.vn/0")
    assert result.kind == "too_many_redirects" and statuses(result) == [301] * 4
    assert result.redirect_to == "http://tamky.gov.vn/4"


def test_redirect_without_usable_location_is_bad_redirect() -> None:
    h = Harness(
        entry("http://tamky.gov.vn/x", R(status=302)),
        entry("http://tamky.gov.vn/y", moved("mailto:webmaster@tamky.gov.vn", 302)),
    )
    assert h.fetch("http://tamky.gov.vn/x").kind == "bad_redirect"
    result = h.fetch("http://tamky.gov.vn/y")
    assert result.kind == "bad_redirect" and result.redirect_to == "mailto:webmaster@tamky.gov.vn"
    assert statuses(result) == [302] and result.last.error is None


@pytest.mark.parametrize("asynchronous", [False, True])
def test_disallowed_hop_stops_the_chain_before_it_is_requested(asynchronous: bool) -> None:
    h = Harness(
        entry("http://tamky.gov.vn/a", moved("/b")),
        entry("http://tamky.gov.vn/b", moved("/private/c")),
        entry("http://tamky.gov.vn/private/c", R(text=HTML)),
    )
    asked: list[str] = []

    def allow(url: str) -> bool:
        asked.append(url)
        return "/private/" not in url

    async def allow_async(url: str) -> bool:
        return allow(url)

    check: Callable[[str], bool | Awaitable[bool]] = allow_async if asynchronous else allow
    result = h.fetch("http://tamky.gov.vn/a", allow=check)
    assert result.kind == "disallowed" and statuses(result) == [301, 301]
    assert result.redirect_to == "http://tamky.gov.vn/private/c"
    assert asked == ["http://tamky.gov.vn/b", "http://tamky.gov.vn/private/c"]
    assert "http://tamky.gov.vn/private/c" not in h.requested()


# -- conditional requests -----------------------------------------------------------------


def test_etag_gives_a_304_without_body() -> None:
    h = Harness(entry("http://vnexpress.net/a", R(text=HTML, headers=(("ETag", '"v1"'),))))
    result = h.fetch("http://vnexpress.net/a", etag='"v1"')
    assert result.kind == "not_modified" and statuses(result) == [304]
    assert result.body == b"" and dict(result.last.request_headers)["If-None-Match"] == '"v1"'
    assert h.fetch("http://vnexpress.net/a", etag='"v0"').kind == "ok"


def test_last_modified_gives_a_304() -> None:
    stamp = "Wed, 04 Jul 2018 08:34:00 GMT"
    h = Harness(entry("http://vnexpress.net/a", R(text=HTML, headers=(("Last-Modified", stamp),))))
    result = h.fetch("http://vnexpress.net/a", last_modified=stamp)
    assert result.kind == "not_modified"
    assert dict(result.last.request_headers)["If-Modified-Since"] == stamp


# -- limits and encodings -----------------------------------------------------------------


def test_content_length_over_the_limit_is_refused_unread() -> None:
    h = Harness(entry("http://vnexpress.net/huge", R(generate_bytes=20_000_000)))
    result = h.fetch("http://vnexpress.net/huge")
    assert result.kind == "too_large" and result.body == b""
    assert result.last.truncated and "Content-Length" in (result.last.error or "")


def test_streamed_body_over_the_limit_is_cut_at_the_limit() -> None:
    h = Harness(entry("http://vnexpress.net/huge", R(generate_bytes=20_000_000, chunked=True)))
    result = h.fetch("http://vnexpress.net/huge")
    assert result.kind == "too_large" and len(result.body) == h.settings.max_response_bytes
    assert result.last.truncated and result.last.status == 200


def test_gzip_bomb_is_stopped() -> None:
    h = Harness(entry("http://vnexpress.net/bomb", R(gzip_bomb=50_000_000)))
    result = h.fetch("http://vnexpress.net/bomb")
    assert result.kind == "too_large" and result.last.truncated
    assert len(result.body) <= h.settings.max_response_bytes


def test_chunked_gzip_body_is_decoded_and_headers_kept_as_received() -> None:
    text = "Tin tức Tam Kỳ, Quảng Nam. " * 4000
    h = Harness(entry("http://tamky.gov.vn/gz", R(text=text, gzip=True, chunked=True)))
    result = h.fetch("http://tamky.gov.vn/gz")
    assert result.kind == "ok" and result.body.decode() == text
    assert result.last.header("Content-Encoding") == "gzip"
    assert result.last.decoded == ("gzip",)


def test_unsupported_content_coding_is_kept_raw_as_bad_encoding() -> None:
    def brotli(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "text/html", "Content-Encoding": "br"}
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(b"\x8b\x02\x80"))

    h = Harness()

    async def main() -> FetchResult:
        async with h.fetcher(httpx.MockTransport(brotli)) as fetcher:
            return await fetcher.fetch("http://vnexpress.net/")

    result = asyncio.run(main())
    assert result.kind == "bad_encoding" and result.body == b"\x8b\x02\x80"
    assert result.last.decoded == () and not result.last.truncated


def test_responses_already_read_by_a_mock_transport_are_accepted() -> None:
    page = HTML.encode() * 3

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=page)

    async def main(settings: Settings) -> FetchResult:
        async with Fetcher(settings, transport=httpx.MockTransport(handler)) as fetcher:
            return await fetcher.fetch("http://vnexpress.net/")

    assert asyncio.run(main(Settings())).body == page
    refused = asyncio.run(main(Settings(max_response_bytes=100)))
    assert refused.kind == "too_large" and refused.body == b""


def test_non_html_is_recorded_with_its_type_and_xml_counts_as_a_document() -> None:
    pdf = b"%PDF-1.4 van ban"
    h = Harness(
        entry(
            "http://tamky.gov.vn/vb.pdf",
            R(text=pdf.decode(), headers=(("Content-Type", "application/pdf"),)),
        ),
        entry(
            "http://tamky.gov.vn/sitemap.xml",
            R(text="<urlset/>", headers=(("Content-Type", "text/xml"),)),
        ),
    )
    result = h.fetch("http://tamky.gov.vn/vb.pdf")
    assert result.kind == "not_html" and result.ok
    assert result.content_type == "application/pdf" and result.body == pdf
    assert h.fetch("http://tamky.gov.vn/sitemap.xml").kind == "ok"


# -- over real HTTP on loopback -----------------------------------------------------------


def test_through_the_replay_server_as_a_proxy() -> None:
    text = "Bài viết từ cổng thông tin. " * 3000
    site = ReplaySite(
        entries=[
            entry("http://tamky.gov.vn/", R(text=HTML)),
            entry("http://tamky.gov.vn/gz", R(text=text, gzip=True, chunked=True)),
            entry("http://vnexpress.net/huge", R(generate_bytes=20_000_000, chunked=True)),
            entry("http://vnexpress.net/old", moved("http://tamky.gov.vn/")),
        ]
    )

    async def main() -> list[FetchResult]:
        async with ReplayServer(site) as proxy, Fetcher(Settings(), proxy=proxy) as fetcher:
            urls = [
                "http://tamky.gov.vn/",
                "http://tamky.gov.vn/gz",
                "http://vnexpress.net/huge",
                "http://vnexpress.net/old",
            ]
            results = [await fetcher.fetch(url) for url in urls]
            assert len(fetcher.clients) == 2  # one client per host
            return results

    home, zipped, huge, old = asyncio.run(main())
    assert home.kind == "ok" and home.body.decode() == HTML
    assert home.last.ip_address == "127.0.0.1" and home.last.http_version == "HTTP/1.1"
    assert zipped.body.decode() == text and zipped.last.decoded == ("gzip", "chunked")
    assert huge.kind == "too_large" and len(huge.body) == Settings().max_response_bytes
    assert old.kind == "ok" and statuses(old) == [301, 200] and old.final_url == home.final_url
    assert all(record.via == "server" for record in site.log.records())


def test_refused_connection_is_network_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def main() -> FetchResult:
        settings = Settings(retries=2, retry_backoff=0)
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch(f"http://127.0.0.1:{port}/")

    result = asyncio.run(main())
    assert result.kind == "network_error" and statuses(result) == [None, None]
    assert "ConnectError" in (result.detail or "")
