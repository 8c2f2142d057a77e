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
"""

from __future__ import annotations

import contextlib
import functools
import ssl
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx

from archiver.settings import Settings

__all__ = ["RESPONSE_KEY", "ClientFactory", "ClientPool", "origin_of"]

ClientFactory = Callable[[str], httpx.AsyncClient]
_SHARED = "*"
#: Where each request's response is kept (``request.extensions``) by a response hook.
#: httpx parses a 3xx's Location inside ``send`` even when not following it, and raises
#: on a malformed one, losing the response: the hook keeps it for the record.
RESPONSE_KEY = "archiver.response"


async def _keep_response(response: httpx.Response) -> None:
    response.request.extensions[RESPONSE_KEY] = response


def _with_hook(client: httpx.AsyncClient) -> httpx.AsyncClient:
    hooks = client.event_hooks
    client.event_hooks = {"request": hooks["request"],
                          "response": [*hooks["response"], _keep_response]}
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


@dataclass(slots=True)
class _Slot:
    client: httpx.AsyncClient
    in_use: int = 0
    last_used: float = 0.0


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
        self._slots: dict[str, _Slot] = {}
        self._ssl: ssl.SSLContext | None = None
        self._last_sweep = clock()
        self._closed = False

    def __len__(self) -> int:
        return len(self._slots)

    def _key(self, url: httpx.URL) -> str:
        if self._transport is not None and self._factory is None:
            return _SHARED
        return origin_of(url)

    def _new_client(self, key: str) -> httpx.AsyncClient:
        if self._factory is not None:
            return self._factory(key)
        s = self.settings
        connections = max(1, s.per_host) + 1  # + 1: robots.txt or a redirect beside a page
        if self._ssl is None:
            # Built once: each client loading the CA bundle itself costs ~30 ms of CPU,
            # with the event loop blocked, for every new host of a crawl.
            self._ssl = httpx.create_ssl_context(verify=s.verify_tls)
        return httpx.AsyncClient(
            transport=self._transport,
            proxy=self._proxy if self._transport is None else None,
            verify=self._ssl,
            timeout=httpx.Timeout(
                connect=s.connect_timeout, read=s.read_timeout,
                write=s.write_timeout, pool=s.pool_timeout,
            ),
            limits=httpx.Limits(
                max_connections=None if key == _SHARED else connections,
                max_keepalive_connections=None if key == _SHARED else connections,
                keepalive_expiry=min(s.idle_client_timeout, 30.0),
            ),
            follow_redirects=False,  # each hop is an exchange of its own
            # The crawl decides on proxies; an http_proxy in the environment must not
            # silently reroute (or leak) an archivist's traffic.
            trust_env=False,
        )

    @contextlib.asynccontextmanager
    async def lease(self, url: httpx.URL) -> AsyncIterator[httpx.AsyncClient]:
        """The client for ``url``'s origin, kept open while the exchange runs."""
        if self._closed:
            raise RuntimeError("the fetcher is closed")
        await self._sweep()
        key = self._key(url)
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = _Slot(_with_hook(self._new_client(key)))
        slot.in_use += 1
        try:
            yield slot.client
        finally:
            slot.in_use -= 1
            slot.last_used = self._clock()

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
