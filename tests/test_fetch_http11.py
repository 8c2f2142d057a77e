"""Direct HTTP/1.1 connections (no proxy): keep-alive, limits, TLS, and no anyio on the way."""

from __future__ import annotations

import asyncio
import ssl

import httpx
import pytest

from archiver.fetch.network import AsyncioTransport
from archiver.replay.tls import LocalCA


def _response(body: bytes, *extra: str) -> bytes:
    head = ["HTTP/1.1 200 OK", "Content-Type: text/html", f"Content-Length: {len(body)}", *extra]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class Server:
    """A loopback server answering every request on a connection with ``body``; counts
    its connections."""

    def __init__(self, body: bytes, *extra: str) -> None:
        self.answer = _response(body, *extra)
        self.connections = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(self.answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def start(self, ssl_context: ssl.SSLContext | None = None) -> asyncio.Server:
        return await asyncio.start_server(self.handle, "127.0.0.1", 0, ssl=ssl_context)


def _client(connections: int = 2, pool: float = 1.0, context=None) -> httpx.AsyncClient:
    limits = httpx.Limits(
        max_connections=connections, max_keepalive_connections=connections, keepalive_expiry=5.0
    )
    transport = AsyncioTransport(ssl_context=context or ssl.create_default_context(), limits=limits)
    return httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(1.0, pool=pool))


def _port(server: asyncio.Server) -> int:
    return server.sockets[0].getsockname()[1]


def test_requests_without_a_proxy_take_no_anyio_lock(monkeypatch):
    # httpcore's pool takes three anyio locks a request, each a turn of the event loop more.
    from anyio._backends import _asyncio

    async def refuse(self):
        raise AssertionError("an anyio lock was taken")

    monkeypatch.setattr(_asyncio.Lock, "acquire", refuse)
    server = Server(b"xin chao")

    async def main():
        async with await server.start() as listening, _client() as client:
            base = f"http://127.0.0.1:{_port(listening)}"
            return [(await client.get(f"{base}/{n}")).content for n in range(3)]

    assert asyncio.run(main()) == [b"xin chao"] * 3
    assert server.connections == 1


def test_a_response_that_says_connection_close_is_not_kept():
    server = Server(b"ok", "Connection: close")  # ...and the server keeps the socket open

    async def main():
        async with await server.start() as listening, _client() as client:
            base = f"http://127.0.0.1:{_port(listening)}"
            return [(await client.get(f"{base}/{n}")).text for n in range(2)]

    assert asyncio.run(main()) == ["ok", "ok"]
    assert server.connections == 2


def test_a_body_left_unread_or_broken_off_closes_its_connection_and_frees_its_place():
    server = Server(b"x" * 1_000_000)

    async def main():
        async with await server.start() as listening, _client(connections=1) as client:
            url = f"http://127.0.0.1:{_port(listening)}/"
            async with client.stream("GET", url):
                pass  # not read at all
            async with client.stream("GET", url) as response:
                async for _ in response.aiter_raw():
                    break  # one part read
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.001), client.stream("GET", url) as response:
                    async for _ in response.aiter_raw():
                        await asyncio.sleep(1)  # cancelled in the middle
            return len((await client.get(url)).content)

    assert asyncio.run(main()) == 1_000_000
    assert server.connections == 4


def test_a_request_waits_for_a_free_connection_within_the_pool_timeout():
    server = Server(b"ok")

    async def main():
        async with await server.start() as listening, _client(1, pool=0.1) as client:
            url = f"http://127.0.0.1:{_port(listening)}/"
            async with client.stream("GET", url) as held:
                with pytest.raises(httpx.PoolTimeout):
                    await client.get(url)
                waiting = asyncio.ensure_future(client.get(url))
                await asyncio.sleep(0.02)
                await held.aread()  # read whole: the connection goes to the one waiting
            return (await waiting).text

    assert asyncio.run(main()) == "ok"
    assert server.connections == 1


def test_https_is_verified_and_kept_alive(tmp_path):
    authority = LocalCA(tmp_path / "ca")
    server = Server("Đà Nẵng".encode())
    trusting = ssl.create_default_context(cafile=str(authority.cert_path))

    async def main():
        async with await server.start(authority.context("localhost")) as listening:
            base = f"https://localhost:{_port(listening)}"
            async with _client(context=trusting) as client:
                texts = [(await client.get(f"{base}/{n}")).text for n in range(2)]
            async with _client() as client:
                with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                    await client.get(f"{base}/")
            return texts

    try:
        assert asyncio.run(main()) == ["Đà Nẵng"] * 2
        assert server.connections == 1  # kept alive for both (the refused handshake never got one)
    finally:
        authority.close()


def _fetch_thrice(server: Server) -> list[str]:
    """Three fetches of one URL through the fetcher (its requests go straight to the pool)."""
    from archiver.fetch import Fetcher
    from archiver.settings import Settings

    async def main() -> list[str]:
        async with await server.start() as listening:
            url = f"http://127.0.0.1:{_port(listening)}/a"
            async with Fetcher(Settings(delay=0.0, retries=1)) as fetcher:
                return [(await fetcher.fetch(url)).kind for _ in range(3)]

    return asyncio.run(main())


def test_a_get_sends_its_head_and_end_and_no_body_event(monkeypatch):
    from archiver.fetch import http11

    sent: list[str] = []
    original = http11.Connection.send

    async def send(self, event, timeout):
        sent.append(type(event).__name__)
        await original(self, event, timeout)

    monkeypatch.setattr(http11.Connection, "send", send)
    assert _fetch_thrice(Server(b"ok")) == ["ok"] * 3
    assert sent == ["Request", "EndOfMessage"] * 3


def test_a_pool_checks_a_request_header_list_once(monkeypatch):
    from h11 import _events

    checked: list[int] = []
    original = _events.normalize_and_validate

    def normalize_and_validate(headers, _parsed=False):
        if not _parsed:  # (a response's headers come parsed)
            checked.append(len(headers))
        return original(headers, _parsed=_parsed)

    monkeypatch.setattr(_events, "normalize_and_validate", normalize_and_validate)
    server = Server(b"ok")
    assert _fetch_thrice(server) == ["ok"] * 3
    assert len(checked) == 1
    assert server.connections == 1


def test_a_part_received_at_once_reaches_h11_whole_and_its_body_is_not_copied_again():
    import h11

    from archiver.fetch.http11 import Connection, Pool
    from archiver.fetch.network import AsyncioStream, _Protocol

    body = bytes(range(256)) * 600  # 150 KB, more than httpcore's 64 KiB a read
    protocol = _Protocol()
    protocol.data_received(_response(body))  # one part, as the transport received it
    connection = Connection((b"http", b"h.vn", 80), AsyncioStream(None, protocol))  # type: ignore[arg-type]
    connection.h11.send(h11.Request(method="GET", target="/", headers=[("Host", "h.vn")]))
    connection.h11.send(h11.EndOfMessage())
    pool = Pool(
        backend=None,
        ssl_context=ssl.create_default_context(),
        max_connections=1,
        max_keepalive_connections=1,
        keepalive_expiry=5.0,
    )

    async def main():
        head = await connection.next_event(1.0)
        left = len(protocol.buffer)  # what the read before the head left in the stream
        return head, left, [part async for part in pool.body(connection, 1.0)]

    head, left, parts = asyncio.run(main())
    assert head.status_code == 200
    assert left == 0
    assert b"".join(parts) == body
    assert all(type(part) is bytearray for part in parts)  # h11's own, not a copy
