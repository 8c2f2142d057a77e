"""httpcore's sockets on asyncio's own transports, without anyio in between.

httpx speaks HTTP through httpcore, which reads and writes through a *network backend*
(``httpcore.AsyncNetworkBackend``, a documented extension point). Its default on asyncio
is anyio's, and anyio's costs show on every request of a crawl: each read and write is
wrapped in a cancel scope (``fail_after``: several task lookups and a timer), each read
resumes and pauses the transport's reading (two ``epoll_ctl`` calls), and each check
of an idle connection (``has_expired``) builds anyio's table of socket attributes,
``getpeername`` included, and polls the socket. :class:`AsyncioBackend` does the same
work on an ``asyncio.Protocol``: a read that finds data returns it at once, one that
waits sets one timer; a connection's end is known from the protocol, not by polling.

HTTP itself stays httpx's, httpcore's and h11's: only bytes pass through here. The
timeouts and errors are httpcore's (``ReadTimeout``, ``ConnectError``...), as from
anyio's backend. Unix sockets and socket options go to anyio's backend as before.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from collections.abc import AsyncIterator, Iterable
from typing import Any

import httpcore
import httpx

from archiver.fetch.http11 import Connection, Pool

__all__ = ["NO_BODY", "AsyncioBackend", "AsyncioStream", "AsyncioTransport"]

#: Bytes received and not yet read, past which the transport stops reading (a server
#: sending faster than the body is consumed does not fill memory).
READ_HIGH_WATER = 256 * 1024
#: The body of a request that has none (the fetcher's GETs): a direct connection sends
#: only the request's head, where a body stream would take an async generator to send
#: nothing. (Given as ``stream``, it also keeps httpx from adding headers of its own.)
NO_BODY = httpx.ByteStream(b"")


class _Protocol(asyncio.Protocol):
    """Received bytes, queued for :meth:`AsyncioStream.read`; the end of the connection."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer: deque[bytes] = deque()
        self.buffered = 0
        self.eof = False
        self.error: BaseException | None = None
        self.closed = False
        self.paused_reading = False
        self.paused_writing = False
        self.reader: asyncio.Future[bool] | None = None
        self.drainer: asyncio.Future[bool] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer.append(data)
        self.buffered += len(data)
        if self.buffered > READ_HIGH_WATER and not self.paused_reading and self.transport:
            self.paused_reading = True
            self.transport.pause_reading()
        self._wake_reader()

    def eof_received(self) -> None:
        self.eof = True
        self._wake_reader()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.error = exc
        self._wake_reader()
        drainer, self.drainer = self.drainer, None
        if drainer is not None and not drainer.done():
            drainer.set_result(True)

    def pause_writing(self) -> None:
        self.paused_writing = True

    def resume_writing(self) -> None:
        self.paused_writing = False
        drainer, self.drainer = self.drainer, None
        if drainer is not None and not drainer.done():
            drainer.set_result(True)

    def _wake_reader(self) -> None:
        reader, self.reader = self.reader, None
        if reader is not None and not reader.done():
            reader.set_result(True)


async def _wait(future: asyncio.Future[bool], timeout: float | None, error: type[Exception]):
    """Wait for ``future``; ``error`` (an httpcore timeout) after ``timeout`` seconds."""
    if timeout is None:
        await future
        return
    timer = asyncio.get_running_loop().call_later(timeout, _expire, future)
    try:
        woken = await future
    finally:
        timer.cancel()
    if not woken:
        raise error("timed out")


def _expire(future: asyncio.Future[bool]) -> None:
    if not future.done():
        future.set_result(False)


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection: reads and writes within httpcore's timeouts."""

    def __init__(self, transport: asyncio.Transport, protocol: _Protocol, *, tls: bool = False):
        self._transport = transport
        self._protocol = protocol
        self._tls = tls
        self._peer: Any = None

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if not protocol.buffer and not protocol.eof and not protocol.closed:
            if protocol.reader is not None:
                raise httpcore.ReadError("another read is waiting on this connection")
            waiter = protocol.reader = asyncio.get_running_loop().create_future()
            try:
                await _wait(waiter, timeout, httpcore.ReadTimeout)
            finally:
                if protocol.reader is waiter:
                    protocol.reader = None
        if protocol.buffer:
            data = protocol.buffer.popleft()
            if len(data) > max_bytes:
                protocol.buffer.appendleft(data[max_bytes:])
                data = data[:max_bytes]
            protocol.buffered -= len(data)
            if protocol.paused_reading and protocol.buffered <= READ_HIGH_WATER // 4:
                protocol.paused_reading = False
                if not protocol.closed and protocol.transport is not None:
                    protocol.transport.resume_reading()
            return data
        if protocol.error is not None:
            raise httpcore.ReadError(str(protocol.error) or type(protocol.error).__name__)
        return b""  # the end of the stream

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        protocol = self._protocol
        if protocol.closed or self._transport.is_closing():
            raise httpcore.WriteError("the connection is closed")
        self._transport.write(buffer)
        if protocol.paused_writing and not protocol.closed:
            waiter = protocol.drainer = asyncio.get_running_loop().create_future()
            await _wait(waiter, timeout, httpcore.WriteTimeout)
            if protocol.closed and protocol.error is not None:
                raise httpcore.WriteError(str(protocol.error))

    async def aclose(self) -> None:
        self.close_now()

    def close_now(self) -> None:
        """Close the connection (nothing to wait for: a cancelled task may call it)."""
        if self._tls:
            # As anyio's backend does (``standard_compatible=False``): the socket closes
            # at once, without waiting for the server's close_notify.
            self._transport.abort()
        else:
            self._transport.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport = await loop.start_tls(
                    self._transport, self._protocol, ssl_context, server_hostname=server_hostname
                )
        except TimeoutError as error:
            self._transport.abort()
            raise httpcore.ConnectTimeout(str(error) or "TLS handshake timed out") from error
        except (OSError, ssl.SSLError, ConnectionError) as error:
            self._transport.abort()
            raise httpcore.ConnectError(str(error)) from error
        if transport is None:
            raise httpcore.ConnectError("the connection closed during the TLS handshake")
        # asyncio does not tell the protocol of its new transport: reading is paused and
        # resumed on the TLS one from now on.
        self._protocol.transport = transport  # type: ignore[assignment]
        return AsyncioStream(transport, self._protocol, tls=True)  # type: ignore[arg-type]

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # Idle, the connection is readable only when the server sent something (data
            # out of turn, or its end): the event loop has told the protocol already.
            protocol = self._protocol
            return bool(protocol.buffer) or protocol.eof or protocol.closed
        if info == "server_addr":
            if self._peer is None:
                self._peer = self._transport.get_extra_info("peername")
            return self._peer
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "ssl_object":
            return self._transport.get_extra_info("ssl_object")
        if info == "socket":
            return self._transport.get_extra_info("socket")
        return None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """TCP connections on asyncio's transports; Unix sockets and socket options on
    anyio's backend (what httpcore uses by default)."""

    def __init__(self) -> None:
        self._fallback = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if socket_options:
            return await self._fallback.connect_tcp(
                host, port, timeout, local_address, socket_options
            )
        loop = asyncio.get_running_loop()
        local = (local_address, 0) if local_address else None
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_connection(
                    _Protocol, host, port, local_addr=local
                )
        except TimeoutError as error:
            raise httpcore.ConnectTimeout(str(error) or "connection timed out") from error
        except OSError as error:
            raise httpcore.ConnectError(str(error) or type(error).__name__) from error
        return AsyncioStream(transport, protocol)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return await self._fallback.connect_unix_socket(path, timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class AsyncioTransport(httpx.AsyncBaseTransport):
    """An httpx transport on an httpcore pool whose connections use :class:`AsyncioBackend`.

    What ``httpx.AsyncHTTPTransport(verify=, limits=, proxy=)`` builds, through httpcore's
    public constructors, which take a network backend (httpx's own transport takes none):
    a connection pool, or an HTTP(S) or SOCKS proxy pool, for HTTP/1.1 with keep-alive
    within ``limits``. Requests, responses and errors are httpx's, as from its transport
    (httpcore's errors raised as the httpx ones of the same name).
    """

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext,
        limits: httpx.Limits,
        proxy: str | httpx.Proxy | None = None,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        backend = network_backend or AsyncioBackend()
        pool: dict[str, Any] = {
            "ssl_context": ssl_context,
            "max_connections": limits.max_connections,
            "max_keepalive_connections": limits.max_keepalive_connections,
            "keepalive_expiry": limits.keepalive_expiry,
            "http1": True,
            "http2": False,
            "network_backend": backend,
        }
        proxy = httpx.Proxy(proxy) if isinstance(proxy, str) else proxy
        #: Without a proxy, connections of :mod:`.http11` (httpcore's pool, leaner).
        self._direct: Pool | None = None
        self._pool: httpcore.AsyncConnectionPool
        if proxy is None and isinstance(backend, AsyncioBackend):
            self._direct = Pool(
                backend=backend,
                ssl_context=ssl_context,
                max_connections=limits.max_connections,
                max_keepalive_connections=limits.max_keepalive_connections,
                keepalive_expiry=limits.keepalive_expiry,
            )
            return
        if proxy is None:
            self._pool = httpcore.AsyncConnectionPool(**pool)
            return
        url = httpcore.URL(
            scheme=proxy.url.raw_scheme,
            host=proxy.url.raw_host,
            port=proxy.url.port,
            target=proxy.url.raw_path,
        )
        if proxy.url.scheme in ("http", "https"):
            self._pool = httpcore.AsyncHTTPProxy(
                proxy_url=url,
                proxy_auth=proxy.raw_auth,
                proxy_headers=proxy.headers.raw,
                proxy_ssl_context=proxy.ssl_context,
                **pool,
            )
        elif proxy.url.scheme in ("socks5", "socks5h"):
            self._pool = httpcore.AsyncSOCKSProxy(proxy_url=url, proxy_auth=proxy.raw_auth, **pool)
        else:
            raise ValueError(f"a proxy is http, https, socks5 or socks5h, not {proxy.url.scheme!r}")

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if self._direct is not None:
            return await self._direct_request(self._direct, request)
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=request.stream,  # type: ignore[arg-type]
            extensions=request.extensions,
        )
        try:
            response = await self._pool.handle_async_request(core)
        except Exception as error:
            ours = _as_httpx(error)
            if ours is None:
                raise
            raise ours from error
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),  # type: ignore[arg-type]
            extensions=response.extensions,
        )

    async def _direct_request(self, pool: Pool, request: httpx.Request) -> httpx.Response:
        url = request.url
        scheme = url.raw_scheme
        port = url.port or (443 if scheme == b"https" else 80)
        timeouts = request.extensions.get("timeout") or {}
        try:
            if scheme not in (b"http", b"https"):
                raise httpcore.UnsupportedProtocol(
                    f"Request URL has an unsupported protocol '{url.scheme}://'."
                )
            connection, head = await pool.request(
                request.method.encode("ascii"),
                scheme,
                url.raw_host,
                port,
                url.raw_path,
                request.headers.raw,
                None if request.stream is NO_BODY else request.stream,
                timeouts,
            )
        except Exception as error:
            ours = _as_httpx(error)
            if ours is None:
                raise
            raise ours from error
        return httpx.Response(
            status_code=head.status_code,
            headers=head.headers.raw_items(),
            stream=_DirectStream(pool, connection, timeouts.get("read")),
            extensions={
                "http_version": b"HTTP/" + head.http_version,
                "reason_phrase": head.reason,
                "network_stream": connection.stream,
            },
        )

    async def aclose(self) -> None:
        if self._direct is not None:
            self._direct.close()
            return
        await self._pool.aclose()


class _DirectStream(httpx.AsyncByteStream):
    """A response body read from a connection of :mod:`.http11`, given back once read
    (or closed, when the body was left unread or broke off)."""

    def __init__(self, pool: Pool, connection: Connection, timeout: float | None) -> None:
        self._pool = pool
        self._connection: Connection | None = connection
        self._timeout = timeout

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self._connection
        if connection is None:
            raise httpx.StreamClosed()
        try:
            async for part in self._pool.body(connection, self._timeout):
                yield part
        except BaseException as error:
            self.close()
            ours = _as_httpx(error) if isinstance(error, Exception) else None
            if ours is None:
                raise
            raise ours from error

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            self._pool.release(connection)

    async def aclose(self) -> None:
        self.close()


class _ResponseStream(httpx.AsyncByteStream):
    """A response body from httpcore, with httpcore's errors raised as httpx's."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for part in self._stream:
                yield part
        except Exception as error:
            ours = _as_httpx(error)
            if ours is None:
                raise
            raise ours from error

    async def aclose(self) -> None:
        if hasattr(self._stream, "aclose"):
            await self._stream.aclose()


#: httpcore's errors and the httpx errors they are raised as, most specific first.
_ERRORS: tuple[tuple[type[Exception], type[Exception]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


def _as_httpx(error: Exception) -> Exception | None:
    """The httpx error an httpcore ``error`` is raised as; None for any other error (it
    is raised as it is). (A ``try``/``except`` at each place, rather than a context
    manager: entering and leaving one cost about 2 µs a request and a body.)"""
    for theirs, ours in _ERRORS:
        if isinstance(error, theirs):
            return ours(str(error))
    return None
