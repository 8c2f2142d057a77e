"""The replay server over real HTTP on loopback: both request forms, knobs, the log."""

from __future__ import annotations

import asyncio
import json
import socket
import tracemalloc
from pathlib import Path
from typing import Any

import httpx
import pytest

from archiver.errors import InputError
from archiver.replay import ReplayServer, ReplaySite

PAGES: dict[str, Any] = {
    "http://tamky.gov.vn/": {"text": "<h1>Tam Kỳ</h1>", "headers": {"ETag": '"v1"'}},
    "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2931": {"text": "bài 2931"},
    "http://vnexpress.net/": {"text": "VnExpress"},
    "http://vnexpress.net/slow": {"text": "late", "delay": 0.3},
    "http://vnexpress.net/flaky": {
        "responses": [
            {"status": 429, "headers": {"Retry-After": "1"}},
            {"text": "ok"},
        ]
    },
    "http://vnexpress.net/gz": {"text": "nén " * 500, "gzip": True},
    "http://vnexpress.net/chunked": {"text": "khúc " * 5000, "chunked": True},
    "http://vnexpress.net/huge": {"generate_bytes": 20_000_000},
    "http://vnexpress.net/loop-a": {"status": 302, "headers": {"Location": "/loop-b"}},
    "http://vnexpress.net/loop-b": {"status": 302, "headers": {"Location": "/loop-a"}},
    "http://vnexpress.net/reset": {"close": True},
}


@pytest.fixture
def site(tmp_path: Path) -> ReplaySite:
    (tmp_path / "manifest.json").write_text(json.dumps({"pages": PAGES}), encoding="utf-8")
    return ReplaySite(tmp_path)


def test_origin_form_with_host_header(site: ReplaySite) -> None:
    with ReplayServer(site) as base, httpx.Client() as client:
        response = client.get(f"{base}/", headers={"Host": "vnexpress.net"})
    assert response.text == "VnExpress"
    assert site.log.records()[0].host == "vnexpress.net"


def test_proxy_form_serves_sites_under_their_real_names(site: ReplaySite) -> None:
    with ReplayServer(site) as base, httpx.Client(proxy=base) as client:
        article = client.get("http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2931")
        other = client.get("http://vnexpress.net/")
        missing = client.get("http://tamky.gov.vn/khong-co")
    assert article.text == "bài 2931"
    assert other.text == "VnExpress"
    assert missing.status_code == 404
    targets = [r.target for r in site.log.records()]
    assert targets[0] == "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2931"


def test_keep_alive_reuses_one_connection(site: ReplaySite) -> None:
    with ReplayServer(site) as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as sock:
            request = b"GET http://vnexpress.net/ HTTP/1.1\r\nHost: vnexpress.net\r\n\r\n"
            sock.sendall(request + request)
            received = b""
            while received.count(b"VnExpress") < 2:
                data = sock.recv(65536)
                assert data, "connection closed early"
                received += data
    assert received.count(b"HTTP/1.1 200 OK") == 2


def test_sequence_conditional_and_gzip_over_http(site: ReplaySite) -> None:
    with ReplayServer(site) as base, httpx.Client(proxy=base) as client:
        first = client.get("http://vnexpress.net/flaky")
        second = client.get("http://vnexpress.net/flaky")
        cached = client.get("http://tamky.gov.vn/", headers={"If-None-Match": '"v1"'})
        zipped = client.get("http://vnexpress.net/gz")
        chunked = client.get("http://vnexpress.net/chunked")
    assert (first.status_code, first.headers["retry-after"]) == (429, "1")
    assert second.text == "ok"
    assert cached.status_code == 304 and cached.content == b""
    assert zipped.headers["content-encoding"] == "gzip" and zipped.text == "nén " * 500
    assert chunked.headers["transfer-encoding"] == "chunked"
    assert chunked.text == "khúc " * 5000


def test_redirect_loop_is_served_as_written(site: ReplaySite) -> None:
    with (
        ReplayServer(site) as base,
        httpx.Client(proxy=base, max_redirects=5) as client,
        pytest.raises(httpx.TooManyRedirects),
    ):
        client.get("http://vnexpress.net/loop-a", follow_redirects=True)
    assert [r.status for r in site.log.records()] == [302] * 6


def test_delay_and_client_read_timeout(site: ReplaySite) -> None:
    with ReplayServer(site) as base, httpx.Client(proxy=base) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.get("http://vnexpress.net/slow", timeout=httpx.Timeout(5, read=0.05))
        assert client.get("http://vnexpress.net/slow").text == "late"


def test_dropped_connection_is_a_protocol_error(site: ReplaySite) -> None:
    with ReplayServer(site) as base, httpx.Client(proxy=base) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("http://vnexpress.net/reset")
        assert client.get("http://vnexpress.net/").status_code == 200
    assert site.log.records()[0].status is None


def test_huge_body_is_streamed_not_held_in_memory(site: ReplaySite) -> None:
    with ReplayServer(site) as base, httpx.Client(proxy=base) as client:
        tracemalloc.start()
        try:
            total = 0
            with client.stream("GET", "http://vnexpress.net/huge") as response:
                for chunk in response.iter_raw():
                    total += len(chunk)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert total == 20_000_000
    assert peak < 5_000_000


@pytest.mark.parametrize(
    ("request_bytes", "status_line"),
    [
        # https through a proxy needs the local CA (--https): refused without it.
        (b"CONNECT vnexpress.net:443 HTTP/1.1\r\nHost: vnexpress.net:443\r\n\r\n", b"HTTP/1.1 501"),
        (b"NOT HTTP AT ALL\r\n\r\n", b"HTTP/1.1 400"),
    ],
)
def test_requests_replay_cannot_serve(
    site: ReplaySite, request_bytes: bytes, status_line: bytes
) -> None:
    with ReplayServer(site) as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(request_bytes)
            assert sock.recv(1024).startswith(status_line)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.org", "::"])
def test_non_loopback_address_is_refused(site: ReplaySite, host: str) -> None:
    with pytest.raises(InputError, match="loopback"):
        ReplayServer(site, host=host)


def test_ipv6_loopback_and_localhost_are_accepted(site: ReplaySite) -> None:
    assert ReplayServer(site, host="localhost").host == "127.0.0.1"
    assert ReplayServer(site, host="::1").url.startswith("http://[::1]:")


def test_busy_port_is_reported_to_the_starting_thread(site: ReplaySite) -> None:
    with ReplayServer(site) as base:
        port = int(base.rsplit(":", 1)[1])
        with pytest.raises(OSError), ReplayServer(site, port=port):
            pass


def test_concurrent_requests_are_counted_per_host_in_the_log(site: ReplaySite) -> None:
    async def crawl(base: str) -> None:
        async with httpx.AsyncClient(proxy=base) as client:
            await asyncio.gather(
                *(client.get("http://vnexpress.net/slow") for _ in range(5)),
                client.get("http://tamky.gov.vn/"),
            )

    async def main() -> None:
        async with ReplayServer(site) as base:
            await crawl(base)

    asyncio.run(main())
    assert site.log.max_in_flight("vnexpress.net") == 5
    assert site.log.max_in_flight("tamky.gov.vn") == 1
    assert site.log.in_flight("vnexpress.net") == 0
    assert len(site.log.records("vnexpress.net")) == 5


def test_one_at_a_time_client_shows_in_log_as_one_in_flight_with_gaps(site: ReplaySite) -> None:
    async def main() -> None:
        async with ReplayServer(site) as base, httpx.AsyncClient(proxy=base) as client:
            for _ in range(3):
                await client.get("http://vnexpress.net/")
                await asyncio.sleep(0.05)

    asyncio.run(main())
    assert site.log.max_in_flight("vnexpress.net") == 1
    gap = site.log.min_gap("vnexpress.net")
    assert gap is not None and gap >= 0.04  # a lower bound the sleeps guarantee
