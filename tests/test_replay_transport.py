"""The replay transport: the same site served to httpx clients in-process, no sockets."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from archiver.replay import Entry, ReplaySite, ReplayTransport, ResponseSpec


@pytest.fixture
def site() -> ReplaySite:
    return ReplaySite(
        entries=[
            Entry(
                "http://tamky.gov.vn/", (ResponseSpec(text="Tam Kỳ", headers=(("ETag", '"a"'),)),)
            ),
            Entry(
                "http://tamky.gov.vn/flaky",
                (
                    ResponseSpec(status=503, headers=(("Retry-After", "3"),)),
                    ResponseSpec(text="ok"),
                ),
            ),
            Entry("http://tamky.gov.vn/gz", (ResponseSpec(text="nén " * 100, gzip=True),)),
            Entry("http://tamky.gov.vn/slow", (ResponseSpec(text="late", delay=0.2),)),
            Entry("http://tamky.gov.vn/reset", (ResponseSpec(close=True),)),
            Entry(
                "http://tamky.gov.vn/a", (ResponseSpec(status=301, headers=(("Location", "/"),)),)
            ),
            Entry("http://vnexpress.net/", (ResponseSpec(text="VnExpress"),)),
        ]
    )


def test_async_client_gets_pages_sequences_and_gzip(site: ReplaySite) -> None:
    async def main() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=ReplayTransport(site)) as client:
            return [
                await client.get("http://tamky.gov.vn/"),
                await client.get("http://tamky.gov.vn/flaky"),
                await client.get("http://tamky.gov.vn/flaky"),
                await client.get("http://tamky.gov.vn/gz"),
                await client.get("http://tamky.gov.vn/a", follow_redirects=True),
                await client.get("http://tamky.gov.vn/", headers={"If-None-Match": '"a"'}),
            ]

    home, busy, ok, zipped, moved, cached = asyncio.run(main())
    assert home.text == "Tam Kỳ"
    assert (busy.status_code, busy.headers["retry-after"]) == (503, "3")
    assert ok.text == "ok"
    assert zipped.text == "nén " * 100
    assert moved.url == "http://tamky.gov.vn/" and moved.history[0].status_code == 301
    assert cached.status_code == 304
    assert all(r.via == "transport" and r.finished is not None for r in site.log.records())


def test_sync_client_works_too(site: ReplaySite) -> None:
    with httpx.Client(transport=ReplayTransport(site)) as client:
        assert client.get("http://vnexpress.net/").text == "VnExpress"


def test_delay_beyond_read_timeout_raises_read_timeout(site: ReplaySite) -> None:
    timeout = httpx.Timeout(1, read=0.01)
    with (
        httpx.Client(transport=ReplayTransport(site), timeout=timeout) as client,
        pytest.raises(httpx.ReadTimeout),
    ):
        client.get("http://tamky.gov.vn/slow")
    (record,) = site.log.records()
    assert record.status is None and record.finished is not None


def test_close_knob_raises_a_protocol_error(site: ReplaySite) -> None:
    with (
        httpx.Client(transport=ReplayTransport(site)) as client,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        client.get("http://tamky.gov.vn/reset")
    assert site.log.in_flight("tamky.gov.vn") == 0


def test_streamed_response_stays_in_flight_until_read(site: ReplaySite) -> None:
    async def main() -> tuple[int, int]:
        async with httpx.AsyncClient(transport=ReplayTransport(site)) as client:
            async with client.stream("GET", "http://tamky.gov.vn/") as response:
                during = site.log.in_flight("tamky.gov.vn")
                await response.aread()
            return during, site.log.in_flight("tamky.gov.vn")

    assert asyncio.run(main()) == (1, 0)


def test_concurrent_requests_show_in_the_log(site: ReplaySite) -> None:
    async def main() -> None:
        async with httpx.AsyncClient(transport=ReplayTransport(site)) as client:
            await asyncio.gather(*(client.get("http://tamky.gov.vn/slow") for _ in range(4)))

    asyncio.run(main())
    assert site.log.max_in_flight("tamky.gov.vn") == 4
    assert site.log.in_flight("tamky.gov.vn") == 0
