"""HTTP/1.1 keep-alive connections to the origins a crawl talks to directly, on h11.

What httpcore's connection pool does for a crawl without a proxy, in one small class:
open a connection when none is idle (within ``max_connections``, waiting up to the pool
timeout for one otherwise), speak HTTP/1.1 through h11, and keep the connection after a
complete exchange for ``keepalive_expiry`` seconds (up to ``max_keepalive_connections``)
unless the server closes it or says it will. httpcore does the same through three
anyio locks a request (the connection's request lock and its state lock, twice), each
taken with a cancellation-shielded checkpoint that sends the task round the event loop
once more, cancel scopes around every close, a trace context around every step and a scan
of the pool's connections: about a fifth of the crawl's fetching CPU on the bench's pages.
Here a request takes an idle connection from a list, and nothing awaits but the network.

The bytes on the wire, h11's parsing and its limits are the same as through httpcore
(``max_incomplete_event_size`` of 100 KiB of headers), and so are the errors: httpcore's
(``ReadTimeout``, ``RemoteProtocolError``...), raised by :class:`AsyncioTransport` as
httpx's. Proxies (HTTP, CONNECT tunnels, SOCKS) stay on httpcore's pools.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

import h11
import httpcore

__all__ = ["Connection", "Pool"]

#: Bytes taken from the connection a read: what asyncio's transport received at once
#: (it asks the socket for 256 KiB at most), so a part is never cut in two (httpcore
#: asks for 64 KiB: a larger part was copied into two). As httpcore: the most a
#: response head may take.
READ_BYTES = 256 * 1024
MAX_HEAD_BYTES = 100 * 1024
#: Request header lists whose h11 check a pool remembers (a pool serves one origin, or
#: every host behind a client given as transport).
HEADS_KEPT = 256
_ALPN = ["http/1.1"]


class Connection:
    """One socket to one origin and the h11 state of the exchange on it."""

    __slots__ = ("expires_at", "h11", "origin", "stream")

    def __init__(self, origin: tuple[bytes, bytes, int], stream: Any) -> None:
        self.origin = origin
        self.stream = stream
        self.h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEAD_BYTES)
        self.expires_at = 0.0

    def reusable(self, now: float) -> bool:
        """Idle, not expired, and the server has sent nothing since (not even its end)."""
        return now <= self.expires_at and not self.stream.get_extra_info("is_readable")

    async def send(self, event: Any, timeout: float | None) -> None:
        try:
            data = self.h11.send(event)
        except h11.LocalProtocolError as error:
            raise httpcore.LocalProtocolError(str(error)) from error
        if data:
            await self.stream.write(data, timeout)

    async def next_event(self, timeout: float | None) -> Any:
        """The next event of the response, reading from the socket as h11 needs."""
        while True:
            try:
                event = self.h11.next_event()
            except h11.RemoteProtocolError as error:
                raise httpcore.RemoteProtocolError(str(error)) from error
            if event is not h11.NEED_DATA:
                return event
            data = await self.stream.read(READ_BYTES, timeout)
            if not data and self.h11.their_state is h11.SEND_RESPONSE:
                raise httpcore.RemoteProtocolError(
                    "Server disconnected without sending a response."
                )
            self.h11.receive_data(data)

    def close(self) -> None:
        """Close the socket now (a cancelled task too: nothing is awaited)."""
        self.stream.close_now()


class Pool:
    """Connections by origin, for :class:`~archiver.fetch.network.AsyncioTransport`
    (``backend``: an ``AsyncioBackend``, whose streams close without awaiting)."""

    def __init__(
        self,
        *,
        backend: Any,
        ssl_context: ssl.SSLContext,
        max_connections: int | None,
        max_keepalive_connections: int | None,
        keepalive_expiry: float | None,
    ) -> None:
        self._backend = backend
        self._ssl = ssl_context
        self._max = max_connections if max_connections is not None else 1 << 30
        keep = max_keepalive_connections
        self._max_idle = min(keep if keep is not None else 1 << 30, self._max)
        self._expiry = keepalive_expiry if keepalive_expiry is not None else float("inf")
        #: Idle connections by origin, the most recently used last.
        self._idle: dict[tuple[bytes, bytes, int], list[Connection]] = {}
        self._idle_count = 0
        self._open = 0
        #: Requests waiting for a connection (``max_connections`` reached), oldest first.
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._closed = False
        #: Request header lists h11 has checked, and its (normalised) headers of each.
        self._heads: dict[tuple[tuple[bytes, bytes], ...], Any] = {}

    async def request(
        self,
        method: bytes,
        scheme: bytes,
        host: bytes,
        port: int,
        target: bytes,
        headers: list[tuple[bytes, bytes]],
        body: Any,
        timeouts: dict[str, float | None],
    ) -> tuple[Connection, Any]:
        """Send a request; its connection and the response head (an ``h11.Response``).

        The connection is the caller's until :meth:`release`, once the body is read.
        """
        origin = (scheme, host, port)
        connection = await self._acquire(origin, timeouts)
        try:
            write = timeouts.get("write")
            try:
                await connection.send(self._request(method, target, headers), write)
                if body is not None:
                    async for chunk in body:
                        await connection.send(h11.Data(data=chunk), write)
                await connection.send(h11.EndOfMessage(), write)
            except httpcore.WriteError:
                pass  # as httpcore: the server may have answered (an error) before reading all
            read = timeouts.get("read")
            while True:
                event = await connection.next_event(read)
                if isinstance(event, h11.Response):
                    return connection, event
        except BaseException:
            self._discard(connection)
            raise

    def _request(
        self, method: bytes, target: bytes, headers: list[tuple[bytes, bytes]]
    ) -> h11.Request:
        """The request's h11 event; a header list sent before is not checked again.

        h11 checks every header name and value against its grammar (two regular
        expressions each) and lower-cases the names, a request after another: the head
        of a host's requests is the same list but for a conditional header or two.
        """
        key = tuple(headers)
        checked = self._heads.get(key)
        if checked is None:
            request = h11.Request(method=method, target=target, headers=headers)
            if len(self._heads) >= HEADS_KEPT:
                self._heads.clear()
            self._heads[key] = request.headers
            return request
        return h11.Request(method=method, target=target, headers=checked)

    async def body(self, connection: Connection, timeout: float | None) -> AsyncIterator[bytes]:
        """The parts of the response's body, as h11 gives them: bytearrays of their own
        (copied once more into bytes, a 100 KB page cost a copy of it for nothing)."""
        while True:
            event = await connection.next_event(timeout)
            if isinstance(event, h11.Data):
                yield event.data
            elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed) or event is h11.PAUSED:
                return

    def release(self, connection: Connection) -> None:
        """The exchange on ``connection`` is over: keep it for the next one if it is whole."""
        state = connection.h11
        if (
            self._closed
            or state.our_state is not h11.DONE
            or state.their_state is not h11.DONE
            or self._idle_count >= self._max_idle
        ):
            self._discard(connection)
            return
        state.start_next_cycle()
        connection.expires_at = time.monotonic() + self._expiry
        self._idle.setdefault(connection.origin, []).append(connection)
        self._idle_count += 1
        self._wake()

    def _discard(self, connection: Connection) -> None:
        connection.close()
        self._open -= 1
        self._wake()

    def _wake(self) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def _acquire(
        self, origin: tuple[bytes, bytes, int], timeouts: dict[str, float | None]
    ) -> Connection:
        deadline: float | None = None
        while True:
            if self._closed:
                raise RuntimeError("the connection pool is closed")
            idle = self._idle.get(origin)
            now = time.monotonic()
            while idle:
                connection = idle.pop()
                self._idle_count -= 1
                if connection.reusable(now):
                    return connection
                self._discard(connection)
            if self._open >= self._max and self._idle_count:
                # Room for this origin: close the connection idle the longest elsewhere.
                oldest = min(
                    (c for conns in self._idle.values() for c in conns), key=lambda c: c.expires_at
                )
                self._idle[oldest.origin].remove(oldest)
                self._idle_count -= 1
                self._discard(oldest)
            if self._open < self._max:
                self._open += 1
                try:
                    return Connection(origin, await self._connect(origin, timeouts.get("connect")))
                except BaseException:
                    self._open -= 1
                    self._wake()
                    raise
            pool = timeouts.get("pool")
            loop = asyncio.get_running_loop()
            if deadline is None and pool is not None:
                deadline = loop.time() + pool
            waiter = loop.create_future()
            self._waiting.append(waiter)
            try:
                async with asyncio.timeout_at(deadline):
                    await waiter
            except BaseException as error:
                if waiter.done() and not waiter.cancelled():
                    self._wake()  # woken, but leaving: the next request waiting takes the turn
                else:
                    waiter.cancel()
                if isinstance(error, TimeoutError):
                    raise httpcore.PoolTimeout(
                        "no connection free within the pool timeout"
                    ) from None
                raise

    async def _connect(self, origin: tuple[bytes, bytes, int], timeout: float | None) -> Any:
        scheme, host, port = origin
        name = host.decode("ascii")
        stream = await self._backend.connect_tcp(name, port, timeout=timeout)
        if scheme == b"https":
            self._ssl.set_alpn_protocols(_ALPN)
            try:
                stream = await stream.start_tls(self._ssl, server_hostname=name, timeout=timeout)
            except BaseException:
                await stream.aclose()
                raise
        return stream

    def close(self) -> None:
        """Close the idle connections now, and the busy ones when released."""
        self._closed = True
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
                self._open -= 1
        self._idle.clear()
        self._idle_count = 0
        for waiter in self._waiting:
            if not waiter.done():
                waiter.set_result(None)
