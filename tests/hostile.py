"""Hostile web servers for crawl tests: real sockets on loopback addresses and ports.

A :class:`Web` runs one asyncio loop in a background thread and serves any number of
origins from it. :meth:`Web.listen` opens a real listener on ``127.0.0.x`` (Linux routes
all of 127.0.0.0/8 to the loopback interface), so a crawl reaches
``http://127.0.0.2:PORT/`` exactly as it would reach a site on the web: its own
address, a non-default port, robots.txt at that origin. :meth:`Web.named` serves a
made-up host name (``http://www.only.example``) through :attr:`Web.proxy`, the way
``archiver crawl --proxy`` reaches the replay server.

Each route answers with a :class:`Reply`, a list of them (one per request, the last
repeated), or a function of the :class:`Request`. Replies can misbehave the way real
servers do: a slow start, a body trickled a byte at a time (slow-loris), a
Content-Length that lies, a body that never ends, a dropped connection.

Every request is logged, with when it started and ended, in :attr:`Web.log` (an
:class:`archiver.replay.RequestLog`), keyed by host: the server's own view of how many
requests were in flight to a host at once. A response ends when its last byte is
written or when the client hangs up, whichever comes first.

    with Web() as web:
        site = web.listen("127.0.0.2")
        site.route("/robots.txt", text("User-agent: *\\nDisallow: /private/\\n"))
        site.route("/", html("<a href='/a'>a</a>"))
        site.route("/slow", Reply(body=b"x" * 100, trickle=1.0))
        ...crawl site.origin...
        assert web.log.max_in_flight("127.0.0.2") == 1
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from urllib.parse import urlsplit

from archiver.replay import RequestLog

__all__ = ["Reply", "Request", "Site", "Web", "html", "redirect", "text"]

_MAX_HEAD = 64 * 1024


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    target: str  # as sent: origin form ("/a?b") or absolute form (through the proxy)
    path: str  # path and query
    host: str  # host name (no port) the request is for
    headers: dict[str, str]

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True, slots=True)
class Reply:
    """One response, and how badly to send it."""

    status: int = 200
    headers: Sequence[tuple[str, str]] = ()
    body: bytes = b""
    #: "auto": the true length; None: no Content-Length (the body ends with the
    #: connection); an int: that number, true or not.
    content_length: int | str | None = "auto"
    #: Seconds to wait before the status line (a slow listing, a busy server).
    delay: float = 0.0
    #: Bytes per second for the body (slow-loris at 1.0); None: all at once.
    trickle: float | None = None
    #: After the body, keep the connection open this long without a byte more.
    hang: float = 0.0
    #: Close the connection at once, without an answer.
    drop: bool = False


Route = Reply | Sequence[Reply] | Callable[[Request], Reply]


def html(markup: str | bytes, status: int = 200, charset: str = "utf-8", **extra: object) -> Reply:
    body = markup.encode(charset) if isinstance(markup, str) else markup
    headers = [("Content-Type", f"text/html; charset={charset}")]
    headers += [(str(k).replace("_", "-"), str(v)) for k, v in extra.items()]
    return Reply(status, headers, body)


def text(content: str | bytes, status: int = 200, content_type: str = "text/plain") -> Reply:
    body = content.encode("utf-8") if isinstance(content, str) else content
    return Reply(status, [("Content-Type", content_type)], body)


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status, [("Location", location)], b"")


@dataclass(slots=True)
class Site:
    """The routes of one origin (``http://host:port``)."""

    origin: str
    routes: dict[str, Route] = field(default_factory=dict)
    served: dict[str, int] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return urlsplit(self.origin).hostname or ""

    def url(self, path: str) -> str:
        return self.origin + path

    def route(self, path: str, answer: Route) -> None:
        """Answer requests for ``path`` (with its query, if it has one) with ``answer``."""
        self.routes[path] = answer

    def reply_to(self, request: Request) -> Reply:
        answer = self.routes.get(request.path)
        if answer is None:
            answer = self.routes.get(request.path.split("?", 1)[0])
        count = self.served.get(request.path, 0)
        self.served[request.path] = count + 1
        if answer is None:
            return html("<h1>404</h1><p>Không có trang này.</p>", status=404)
        if isinstance(answer, Reply):
            return answer
        if callable(answer):
            return answer(request)
        return answer[min(count, len(answer) - 1)]

    def requests(self, web: Web, path: str | None = None) -> list:
        """This site's requests in ``web.log`` (for ``path`` only, if given)."""
        return [
            r
            for r in web.log.records(self.host)
            if path is None or urlsplit(r.target).path == path or r.target == path
        ]


class Web:
    """Loopback web servers sharing one event loop thread and one request log."""

    def __init__(self) -> None:
        self.log = RequestLog()
        self._sites: dict[str, Site] = {}  # origin -> site
        self._servers: list[asyncio.AbstractServer] = []
        self._connections: set[asyncio.Task[None]] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._proxy: str | None = None

    # -- lifetime ---------------------------------------------------------------------

    def __enter__(self) -> Web:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if not self._thread.is_alive():
            return
        self._call(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()

    async def _close(self) -> None:
        for server in self._servers:
            server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)

    def _call(self, coroutine):  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    # -- origins ----------------------------------------------------------------------

    def listen(self, host: str = "127.0.0.1", port: int = 0) -> Site:
        """A new origin on a real listener: ``http://HOST:PORT`` (port 0: a free one)."""

        async def start() -> tuple[asyncio.AbstractServer, int]:
            holder: list[Site] = []
            server = await asyncio.start_server(
                lambda r, w: self._accept(r, w, holder[0] if holder else None),
                host,
                port,
                limit=_MAX_HEAD,
            )
            site = Site(f"http://{host}:{server.sockets[0].getsockname()[1]}")
            holder.append(site)
            return server, site

        server, site = self._call(start())
        self._servers.append(server)
        self._sites[site.origin] = site
        return site

    def named(self, origin: str) -> Site:
        """An origin with a made-up name (``http://www.only.example``), served by :attr:`proxy`."""
        parts = urlsplit(origin)
        site = Site(f"{parts.scheme}://{parts.netloc}")
        self._sites[_origin_key(parts.scheme, parts.netloc)] = site
        return site

    @property
    def proxy(self) -> str:
        """The URL of an HTTP proxy serving every origin of this web (``--proxy``)."""
        if self._proxy is None:
            self._proxy = self.listen("127.0.0.1").origin
        return self._proxy

    def site_for(self, scheme: str, netloc: str) -> Site | None:
        return self._sites.get(_origin_key(scheme, netloc))

    # -- one connection ----------------------------------------------------------------

    async def _accept(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, site: Site | None
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            await self._serve(reader, writer, site)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            pass
        finally:
            self._connections.discard(task)
            writer.transport.abort()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, listener: Site | None
    ) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = ([*lines[0].split(" ", 2), "", ""])[:3]
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        proxied = target.lower().startswith(("http://", "https://"))
        if proxied:
            parts = urlsplit(target)
            site = self.site_for(parts.scheme, parts.netloc)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            host = (parts.hostname or "").lower()
        else:
            site, path = listener, target
            host = listener.host if listener is not None else ""
        request = Request(method, target, path, host, headers)
        request_id = self.log.begin(
            host,
            method,
            target,
            site.url(path) if site else None,
            tuple(headers.items()),
            "proxy" if proxied else "direct",
        )
        status: int | None = None
        try:
            # An unknown name behind the proxy answers as a gateway whose DNS failed.
            reply = site.reply_to(request) if site else text("no such host", status=502)
            status = None if reply.drop else reply.status
            self.log.set_status(request_id, status)
            hung_up = asyncio.ensure_future(reader.read(1))
            sending = asyncio.ensure_future(self._send(writer, reply, method))
            done, _ = await asyncio.wait({hung_up, sending}, return_when=asyncio.FIRST_COMPLETED)
            for pending in (hung_up, sending):
                if pending not in done:
                    pending.cancel()
            await asyncio.gather(hung_up, sending, return_exceptions=True)
        finally:
            self.log.finish(request_id, status)

    async def _send(self, writer: asyncio.StreamWriter, reply: Reply, method: str) -> None:
        writer.transport.set_write_buffer_limits(0)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.drop:
            return
        body = b"" if method == "HEAD" else reply.body
        lines = [f"HTTP/1.1 {reply.status} {_reason(reply.status)}"]
        lines += [f"{name}: {value}" for name, value in reply.headers]
        length = len(reply.body) if reply.content_length == "auto" else reply.content_length
        if length is not None and reply.status not in (204, 304):
            lines.append(f"Content-Length: {length}")
        lines.append("Connection: close")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await writer.drain()
        if reply.trickle:
            pause = 1.0 / reply.trickle
            for index in range(len(body)):
                writer.write(body[index : index + 1])
                await writer.drain()
                await asyncio.sleep(pause)
        elif body:
            writer.write(body)
            await writer.drain()
        if reply.hang:
            await asyncio.sleep(reply.hang)


def _origin_key(scheme: str, netloc: str) -> str:
    netloc = netloc.lower()
    default = ":443" if scheme == "https" else ":80"
    return f"{scheme.lower()}://{netloc.removesuffix(default)}"


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
