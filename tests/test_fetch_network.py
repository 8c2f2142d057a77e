"""httpcore's sockets on asyncio's transports: timeouts, TLS, big bodies, dropped connections."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable

import httpx
import pytest

from archiver.fetch import Fetcher
from archiver.fetch.network import AsyncioBackend, AsyncioStream, AsyncioTransport
from archiver.replay import ReplayServer, ReplaySite
from archiver.replay.manifest import Entry, ResponseSpec
from archiver.replay.tls import LocalCA
from archiver.settings import Settings

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _serve(handler: Handler) -> tuple[asyncio.Server, str]:
    async def closing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await handler(reader, writer)
        finally:
            writer.close()

    server = await asyncio.start_server(closing, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"


async def _request(reader: asyncio.StreamReader) -> None:
    await reader.readuntil(b"\r\n\r\n")


def _response(body: bytes, *extra: str) -> bytes:
    head = ["HTTP/1.1 200 OK", "Content-Type: text/html", f"Content-Length: {len(body)}", *extra]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def _client() -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=2, max_keepalive_connections=2, keepalive_expiry=5.0)
    transport = AsyncioTransport(ssl_context=ssl.create_default_context(), limits=limits)
    return httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(0.3))


def test_the_fetcher_connects_through_asyncio_streams():
    seen = []

    async def handler(reader, writer):
        await _request(reader)
        writer.write(_response(b"<p>xin chao</p>"))
        await writer.drain()
        writer.close()

    async def main():
        server, base = await _serve(handler)
        async with server, Fetcher(Settings(retries=0)) as fetcher:
            real = AsyncioStream.__init__

            def init(self, *args):
                seen.append(self)
                real(self, *args)

            AsyncioStream.__init__ = init
            try:
                result = await fetcher.fetch(f"{base}/a")
            finally:
                AsyncioStream.__init__ = real
        return result

    result = asyncio.run(main())
    assert result.kind == "ok" and result.last.body == b"<p>xin chao</p>"
    assert result.last.ip_address == "127.0.0.1"
    assert len(seen) == 1


def test_a_server_that_answers_nothing_is_a_read_timeout_and_one_that_refuses_a_connect_error():
    async def silent(reader, writer):
        await _request(reader)
        await reader.read()  # until the client gives up and closes

    async def main():
        server, base = await _serve(silent)
        async with server, _client() as client:
            with pytest.raises(httpx.ReadTimeout):
                await client.get(f"{base}/")
            await asyncio.sleep(0.05)  # the server's side ends
        closed, gone = await _serve(silent)
        closed.close()
        await closed.wait_closed()
        async with _client() as client:
            with pytest.raises(httpx.ConnectError):
                await client.get(f"{gone}/")

    asyncio.run(main())


def test_a_body_sent_faster_than_it_is_read_arrives_whole():
    body = bytes(range(256)) * 12_000  # 3 MB: reading pauses and resumes on the way

    async def handler(reader, writer):
        await _request(reader)
        writer.write(_response(body))
        await writer.drain()
        writer.close()

    async def main():
        server, base = await _serve(handler)
        async with server, _client() as client, client.stream("GET", f"{base}/") as response:
            parts = []
            async for chunk in response.aiter_raw():
                parts.append(chunk)
                await asyncio.sleep(0)  # the server runs ahead of the reader
            return b"".join(parts)

    assert asyncio.run(main()) == body


def test_a_kept_alive_connection_the_server_dropped_is_not_reused():
    connections = 0

    async def handler(reader, writer):
        nonlocal connections
        connections += 1
        await _request(reader)
        # Keep-alive announced, then the connection is closed once idle.
        writer.write(_response(b"ok", "Connection: keep-alive"))
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.close()

    async def main():
        server, base = await _serve(handler)
        async with server, _client() as client:
            first = await client.get(f"{base}/1")
            await asyncio.sleep(0.2)  # the server has closed it meanwhile
            second = await client.get(f"{base}/2")
        return first.text, second.text

    assert asyncio.run(main()) == ("ok", "ok")
    assert connections == 2


def test_a_read_waits_once_and_gives_the_end_of_the_stream_as_no_bytes():
    async def handler(reader, writer):
        writer.write(b"abc")
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.close()

    async def main():
        server, base = await _serve(handler)
        async with server:
            stream = await AsyncioBackend().connect_tcp("127.0.0.1", int(base.rsplit(":", 1)[1]))
            assert stream.get_extra_info("server_addr")[0] == "127.0.0.1"
            first = await stream.read(2, timeout=1)
            second = await stream.read(10, timeout=1)
            end = await stream.read(10, timeout=1)
            readable = stream.get_extra_info("is_readable")
            await stream.aclose()
        return first, second, end, readable

    assert asyncio.run(main()) == (b"ab", b"c", b"", True)


def test_https_through_a_connect_tunnel_is_verified_and_a_big_body_read_slowly_arrives_whole(
    tmp_path,
):
    html = (("Content-Type", "text/html; charset=utf-8"),)
    big = "Đà Nẵng " * 100_000  # 1 MB: reading pauses and resumes on the TLS transport
    site = ReplaySite(
        entries=[
            Entry("https://vnexpress.net/a-1.html", (ResponseSpec(text="Đà Nẵng", headers=html),)),
            Entry("https://vnexpress.net/dai.html", (ResponseSpec(text=big, headers=html),)),
        ]
    )
    authority = LocalCA(tmp_path / "ca")

    async def get(proxy: str, context: ssl.SSLContext, path: str) -> str:
        transport = AsyncioTransport(proxy=proxy, ssl_context=context, limits=httpx.Limits())
        client = httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(2.0))
        async with client, client.stream("GET", f"https://vnexpress.net/{path}") as response:
            parts = []
            async for chunk in response.aiter_raw():
                parts.append(chunk)
                await asyncio.sleep(0.001)  # slower than the server sends
            return b"".join(parts).decode()

    try:
        with ReplayServer(site, tls=authority) as proxy:
            trusting = ssl.create_default_context(cafile=str(authority.cert_path))
            assert asyncio.run(get(proxy, trusting, "a-1.html")) == "Đà Nẵng"
            assert asyncio.run(get(proxy, trusting, "dai.html")) == big
            with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                asyncio.run(get(proxy, ssl.create_default_context(), "a-1.html"))
    finally:
        authority.close()


def test_the_transport_keeps_a_connection_alive_and_raises_httpxs_errors():
    connections = []

    async def handler(reader, writer):
        connections.append(writer)
        for _ in range(2):  # HTTP/1.1 keep-alive: both requests on this one connection
            await _request(reader)
            writer.write(_response(b"<p>xin chao</p>"))
            await writer.drain()
        await reader.read()

    async def main():
        server, base = await _serve(handler)
        async with server, _client() as client:
            bodies = [(await client.get(f"{base}/{n}")).content for n in range(2)]
            with pytest.raises(httpx.ReadTimeout):
                await client.get(f"{base}/3")  # on the same connection, never answered
        refused = _client()
        async with refused:
            with pytest.raises(httpx.ConnectError):
                await refused.get(base)  # the server is closed now
        return bodies

    assert asyncio.run(main()) == [b"<p>xin chao</p>"] * 2
    assert len(connections) == 1
