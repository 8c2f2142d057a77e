"""The replay site over real HTTP/1.1 on a loopback address (asyncio + h11).

Answers origin-form requests (``GET /path`` with a Host header) and absolute-form proxy
requests (``GET http://tamky.gov.vn/x``), so a client configured with
``proxy="http://127.0.0.1:PORT"`` crawls sites under their real names while every packet
stays on loopback. ``CONNECT host:443`` (https through a proxy) opens a TLS tunnel with a
certificate for the host from a local CA (:class:`~archiver.replay.tls.LocalCA`) when
the server has one, and is refused (501) otherwise.
Keep-alive, any number of concurrent connections; bodies are streamed with back-pressure.

    with ReplayServer(ReplaySite("fixtures/site")) as base_url:   # background thread
        httpx.get(base_url + "/")
    async with ReplayServer(site) as base_url:                    # inside a running loop
        ...
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import ssl
import threading
from http import HTTPStatus
from types import TracebackType
from typing import TYPE_CHECKING

import h11

from archiver.errors import InputError
from archiver.headers import header_value, latin1_pairs
from archiver.replay.site import ReplaySite

if TYPE_CHECKING:
    from archiver.replay.tls import LocalCA

__all__ = ["ReplayServer", "check_loopback"]

_READ_SIZE = 64 * 1024
_MAX_HEADER_BYTES = 64 * 1024


def check_loopback(host: str) -> str:
    """``host`` if it is a loopback address ("localhost" becomes 127.0.0.1), else InputError."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        raise InputError(
            f"replay serves only on a loopback address (127.0.0.1, ::1), not {host!r}",
            field="host",
        )
    return str(address)


def _reason(status: int) -> bytes:
    try:
        return HTTPStatus(status).phrase.encode("ascii")
    except ValueError:
        return b""


class ReplayServer:
    """Serves a :class:`ReplaySite` on ``host:port`` (port 0: any free port)."""

    def __init__(
        self, site: ReplaySite, host: str = "127.0.0.1", port: int = 0, tls: LocalCA | None = None
    ) -> None:
        self.site = site
        self.tls = tls
        self.host = check_loopback(host)
        self.port = port
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def url(self) -> str:
        """The base URL, also usable as the proxy URL: ``http://127.0.0.1:PORT``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    # -- running inside an event loop ---------------------------------------------------

    async def start(self) -> str:
        self._server = await asyncio.start_server(
            self._accept, self.host, self.port, backlog=1024, limit=_MAX_HEADER_BYTES
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self.url

    async def close(self) -> None:
        """Stop listening and end every open connection."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for task in list(self._connections):
            task.cancel()
        if self._connections:
            await asyncio.gather(*self._connections, return_exceptions=True)

    async def serve_forever(self) -> None:
        if self._server is None:
            await self.start()
        assert self._server is not None
        try:
            await self._server.serve_forever()
        finally:
            await self.close()

    async def __aenter__(self) -> str:
        return await self.start()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- running in a background thread (for synchronous tests) -------------------------

    def __enter__(self) -> str:
        ready = threading.Event()
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as error:  # handed to the starting thread below
                failure.append(error)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.close())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="replay-server", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            raise failure[0]
        return self.url

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
        self._loop = self._thread = None

    # -- one connection -----------------------------------------------------------------

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            await self._serve_connection(reader, writer)
        except (ConnectionError, asyncio.CancelledError, h11.ProtocolError, ssl.SSLError):
            pass
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, tunnel: str | None = None
    ) -> None:
        """Requests on one connection; ``tunnel`` is the host of a CONNECT tunnel it runs in."""
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=_MAX_HEADER_BYTES)
        while True:
            try:
                request = await self._read_request(conn, reader)
            except h11.RemoteProtocolError as error:
                await self._send_error(conn, writer, error.error_status_hint)
                return
            if request is None:
                return
            if request.method == b"CONNECT" and self.tls is not None and tunnel is None:
                await self._tunnel(conn, reader, writer, request)
                return
            keep_going = await self._respond(conn, writer, request, tunnel)
            if not keep_going or conn.our_state is h11.MUST_CLOSE:
                return
            conn.start_next_cycle()

    async def _tunnel(
        self,
        conn: h11.Connection,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        request: h11.Request,
    ) -> None:
        """Answer ``CONNECT host:port`` with 200, speak TLS as ``host``, serve what comes."""
        authority = request.target.decode("ascii", "replace")
        host, _, port = authority.rpartition(":")
        if not host or not port.isdigit():
            await self._send_error(conn, writer, 400)
            return
        host = host.strip("[]").lower()
        assert self.tls is not None
        context = await asyncio.get_running_loop().run_in_executor(None, self.tls.context, host)
        writer.write(
            conn.send(h11.Response(status_code=200, headers=[], reason=b"Connection Established"))
        )
        await writer.drain()
        await writer.start_tls(context)
        named = host if port == "443" else f"{host}:{port}"
        await self._serve_connection(reader, writer, tunnel=named)

    async def _read_request(
        self, conn: h11.Connection, reader: asyncio.StreamReader
    ) -> h11.Request | None:
        request: h11.Request | None = None
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                conn.receive_data(await reader.read(_READ_SIZE))
            elif isinstance(event, h11.Request):
                request = event
            elif isinstance(event, h11.EndOfMessage):
                return request
            elif isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
                return None
            # h11.Data: a request body, which replay ignores.

    async def _send_error(
        self, conn: h11.Connection, writer: asyncio.StreamWriter, status: int
    ) -> None:
        if conn.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
            return
        body = f"{status} {_reason(status).decode()}\n".encode()
        headers = [
            ("Content-Type", "text/plain"),
            ("Content-Length", str(len(body))),
            ("Connection", "close"),
        ]
        writer.write(
            conn.send(h11.Response(status_code=status, headers=headers, reason=_reason(status)))
        )
        writer.write(conn.send(h11.Data(data=body)))
        writer.write(conn.send(h11.EndOfMessage()))
        await writer.drain()

    async def _respond(
        self,
        conn: h11.Connection,
        writer: asyncio.StreamWriter,
        request: h11.Request,
        tunnel: str | None = None,
    ) -> bool:
        """Answer one request; False when the connection must end."""
        method = request.method.decode("ascii", "replace")
        target = request.target.decode("utf-8", "replace")
        headers = latin1_pairs(request.headers)
        if method == "CONNECT":
            await self._send_error(conn, writer, 501)
            return False
        host = header_value(headers, "host")  # h11 gives names in lower case
        if tunnel is not None:
            # Inside https: the tunnel's host, whatever port the Host header repeats.
            host = tunnel
        response = self.site.respond(method, target, headers, host=host, via="server")
        try:
            if response.delay:
                await asyncio.sleep(response.delay)
            if response.close:
                writer.transport.abort()
                return False
            writer.write(
                conn.send(
                    h11.Response(
                        status_code=response.status,
                        headers=list(response.headers),
                        reason=_reason(response.status),
                    )
                )
            )
            for chunk in response.body.chunks:
                writer.write(conn.send(h11.Data(data=chunk)))
                await writer.drain()
            writer.write(conn.send(h11.EndOfMessage()))
            await writer.drain()
        finally:
            self.site.log.finish(response.request_id)
        return True
