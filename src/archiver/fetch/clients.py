"""HTTP clients for a crawl: one small httpx.AsyncClient per host, created lazily, closed when idle.

Why not one client for everything: httpx's connection pool does work proportional to
the number of connections it holds on every request it assigns (encode/httpx#3215:
an anyio lock plus a scan of every connection's state), so throughput *falls* as
concurrency rises within one pool. A crawler is polite anyway (``per_host`` requests
in flight per host), so a pool per host stays tiny (``per_host + 1`` connections) and
the scan is cheap whatever the number of hosts. ``bench/fetch_pool.py`` measures both.

A client handed in through ``transport`` (tests, the in-process replay) is shared by
every host: its pool belongs to the caller. ``client_factory(origin)`` builds clients
another way (a test that counts them, special TLS settings).

A request of a client built here goes straight to the client's transport
(:meth:`Lease.send`): what ``AsyncClient.send`` adds around it is machinery a crawl does
not use (auth flows, redirect following, event hooks, a cookie jar consulted on every
response whether it sets cookies or not), about 0.2 ms of CPU a request. Cookies are
still sent and kept, as the client would. Clients from a ``client_factory`` are used
through ``send`` as they come.
"""

from __future__ import annotations

import contextlib
import functools
import re
import ssl
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from archiver.fetch.network import NO_BODY, AsyncioTransport
from archiver.settings import Settings

__all__ = ["RESPONSE_KEY", "ClientFactory", "ClientPool", "Lease", "origin_of", "parse_url"]

ClientFactory = Callable[[str], httpx.AsyncClient]
_SHARED = "*"
#: Where each request's response is kept (``request.extensions``) by a response hook.
#: httpx parses a 3xx's Location inside ``send`` even when not following it, and raises
#: on a malformed one, losing the response: the hook keeps it for the record.
RESPONSE_KEY = "archiver.response"
#: Hosts whose request headers a client keeps ready (a client given as ``transport``
#: serves every host of a crawl).
_HEADS = 256


async def _keep_response(response: httpx.Response) -> None:
    response.request.extensions[RESPONSE_KEY] = response


def _with_hook(client: httpx.AsyncClient) -> httpx.AsyncClient:
    hooks = client.event_hooks
    client.event_hooks = {
        "request": hooks["request"],
        "response": [*hooks["response"], _keep_response],
    }
    return client


def origin_of(url: httpx.URL) -> str:
    """``scheme://host:port``: the unit of a connection pool (and of robots.txt)."""
    port = url.port or (443 if url.scheme == "https" else 80)
    return f"{url.scheme}://{url.host}:{port}"


def origin_of_text(url: str) -> str:
    """:func:`origin_of` a URL given as text, parsing only its scheme and authority once
    per origin (the crawl asks for the origin of every URL it fetches)."""
    start = url.find("//")
    if start < 0:
        return origin_of(httpx.URL(url))
    end = len(url)
    for mark in "/?#":
        found = url.find(mark, start + 2)
        if 0 <= found < end:
            end = found
    return _origin_of_authority(url[:end])


@functools.lru_cache(maxsize=4096)
def _origin_of_authority(scheme_and_authority: str) -> str:
    return origin_of(httpx.URL(scheme_and_authority + "/"))


#: A URL httpx would leave as it is: lower-case scheme and host, then a path and query of
#: unreserved characters only (no escapes, no dot segments: checked apart), no fragment.
_PLAIN_URL = re.compile(
    r"(?P<origin>https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::[0-9]{1,5})?)"
    r"(?P<path>/[A-Za-z0-9._~/-]*)(?:\?(?P<query>[A-Za-z0-9._~=&-]*))?"
)


#: The longest URL httpx takes (``httpx._urlparse.MAX_URL_LENGTH``): a longer one is an
#: InvalidURL, however plain.
_HTTPX_MAX_URL = 65_536


def parse_url(url: str) -> httpx.URL:
    """``httpx.URL(url)``; for the plain URLs a crawl fetches, without parsing them again.

    httpx checks every character of a URL in Python and runs its regular expressions on
    each part: for a bench article's URL six times what this takes. A URL of
    :data:`_PLAIN_URL`'s shape comes out of that unchanged but for its origin (the port
    dropped when it is the scheme's own): the origin is parsed once, by httpx, and the
    path and query set beside it. tests/test_fetch_clients.py checks both ways agree.
    """
    match = _PLAIN_URL.fullmatch(url) if len(url) <= _HTTPX_MAX_URL else None
    if match is None or "/." in url:
        return httpx.URL(url)
    parsed = httpx.URL.__new__(httpx.URL)
    parsed._uri_reference = _origin_parsed(match["origin"])._replace(
        path=match["path"], query=match["query"]
    )
    return parsed


@functools.lru_cache(maxsize=4096)
def _origin_parsed(origin: str) -> Any:  # httpx's (private) ParseResult
    return httpx.URL(origin + "/")._uri_reference


@dataclass(slots=True)
class Lease:
    """A client lent for one exchange, and how to send a request through it."""

    client: httpx.AsyncClient
    #: The client's own transport, when the client was built here: requests go to it
    #: directly. None for a factory's client (``client.send`` then).
    transport: httpx.AsyncBaseTransport | None = None
    in_use: int = 0
    last_used: float = 0.0
    _headers: httpx.Headers | None = None
    _fixed: dict[str, str] | None = None
    _timeout: dict[str, float | None] | None = None
    #: Per ``Host`` (a netloc), the head of its requests: ``Host``, then ``_headers``.
    _heads: dict[bytes, httpx.Headers] | None = None

    def build_request(
        self, url: httpx.URL, headers: dict[str, str], extra: dict[str, str] | None = None
    ) -> httpx.Request:
        """A GET of ``url`` with the client's default headers, then ``headers`` (the same
        dict on every call: merged once), then ``extra``: what ``client.build_request``
        makes of the two dicts together, cookies of the client's jar included.

        The headers are made once per host (``Host`` first, as httpx puts it) and copied
        for each request; the request's empty body is given as a stream (:data:`NO_BODY`),
        so httpx neither adds headers of its own nor reads the body, as it would for
        ``content``: each of those steps parses or copies every header again."""
        if self.transport is None:
            return self.client.build_request("GET", url, headers={**headers, **(extra or {})})
        if self._fixed is not headers or self._headers is None or self._heads is None:
            merged = httpx.Headers(self.client.headers)
            merged.update(headers)
            self._headers, self._fixed, self._heads = merged, headers, {}
            self._timeout = self.client.timeout.as_dict()
        netloc = url.netloc
        head = self._heads.get(netloc)
        if head is None:
            if len(self._heads) >= _HEADS:  # a shared client talks to every host
                self._heads.clear()
            raw = self._headers.raw
            if "host" not in self._headers and url.host:
                raw = [(b"Host", netloc), *raw]
            head = self._heads[netloc] = httpx.Headers(raw)
        request_headers = httpx.Headers(head)
        for name, value in (extra or {}).items():
            request_headers[name] = value
        request = httpx.Request(
            "GET",
            url,
            headers=request_headers,
            stream=NO_BODY,
            extensions={"timeout": self._timeout},
        )
        cookies = self.client.cookies
        if cookies:
            cookies.set_cookie_header(request)
        return request

    async def send(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``; the response's body is left unread (a stream)."""
        if self.transport is None:
            return await self.client.send(request, stream=True)
        if self.client.is_closed:
            raise RuntimeError("the client is closed")
        response = await self.transport.handle_async_request(request)
        response.request = request
        if "set-cookie" in response.headers:
            self.client.cookies.extract_cookies(response)
        return response


class ClientPool:
    """Clients by origin; :meth:`lease` lends one for one exchange."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        proxy: str | httpx.Proxy | None = None,
        client_factory: ClientFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self._transport = transport
        self._proxy = proxy
        self._factory = client_factory
        self._clock = clock
        self._slots: dict[str, Lease] = {}
        self._ssl: ssl.SSLContext | None = None
        self._last_sweep = clock()
        self._closed = False

    def __len__(self) -> int:
        return len(self._slots)

    def _key(self, url: httpx.URL) -> str:
        if self._transport is not None and self._factory is None:
            return _SHARED
        return origin_of(url)

    def _new_client(self, key: str) -> Lease:
        if self._factory is not None:
            return Lease(_with_hook(self._factory(key)))
        s = self.settings
        connections = max(1, s.per_host) + 1  # + 1: robots.txt or a redirect beside a page
        if self._ssl is None:
            # Built once: each client loading the CA bundle itself costs ~30 ms of CPU,
            # with the event loop blocked, for every new host of a crawl.
            self._ssl = httpx.create_ssl_context(verify=s.verify_tls)
        # What AsyncClient(proxy=...) mounts for every URL, or its default transport, with
        # connections on asyncio's own sockets (:mod:`.network`). The crawl decides on
        # proxies: an http_proxy in the environment never reroutes (or leaks) its traffic.
        transport = self._transport or AsyncioTransport(
            proxy=self._proxy,
            ssl_context=self._ssl,
            limits=httpx.Limits(
                max_connections=connections,
                max_keepalive_connections=connections,
                keepalive_expiry=min(s.idle_client_timeout, 30.0),
            ),
        )
        client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(
                connect=s.connect_timeout,
                read=s.read_timeout,
                write=s.write_timeout,
                pool=s.pool_timeout,
            ),
            follow_redirects=False,  # each hop is an exchange of its own
            trust_env=False,
        )
        return Lease(_with_hook(client), transport)

    @contextlib.asynccontextmanager
    async def lease(self, url: httpx.URL) -> AsyncIterator[httpx.AsyncClient]:
        """The client for ``url``'s origin, kept open while the exchange runs."""
        async with self.borrow(url) as lease:
            yield lease.client

    @contextlib.asynccontextmanager
    async def borrow(self, url: httpx.URL) -> AsyncIterator[Lease]:
        """:meth:`lease`, with the way to send through the client."""
        lease = await self.take(url)
        try:
            yield lease
        finally:
            self.give_back(lease)

    async def take(self, url: httpx.URL) -> Lease:
        """:meth:`borrow` without a context manager (the fetcher's, once a request: making
        and leaving one cost a few µs); hand the lease back with :meth:`give_back`."""
        if self._closed:
            raise RuntimeError("the fetcher is closed")
        if self._clock() - self._last_sweep >= self.settings.idle_client_timeout / 2:
            await self._sweep()
        key = self._key(url)
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = self._new_client(key)
        slot.in_use += 1
        return slot

    def give_back(self, lease: Lease) -> None:
        """The exchange :meth:`take` lent ``lease`` for is over."""
        lease.in_use -= 1
        lease.last_used = self._clock()

    async def _sweep(self) -> None:
        """Close clients unused for ``idle_client_timeout`` (checked every half of it)."""
        idle = self.settings.idle_client_timeout
        now = self._clock()
        if now - self._last_sweep < idle / 2:
            return
        self._last_sweep = now
        stale = [k for k, s in self._slots.items() if not s.in_use and now - s.last_used > idle]
        for key in stale:
            await self._slots.pop(key).client.aclose()

    async def aclose(self) -> None:
        """Close every client (their connections too)."""
        self._closed = True
        slots, self._slots = self._slots, {}
        for slot in slots.values():
            await slot.client.aclose()
