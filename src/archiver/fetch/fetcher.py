"""The fetcher: one URL in, every HTTP exchange it took out (retries, redirect hops), within limits.

    async with Fetcher(settings) as fetcher:
        result = await fetcher.fetch(url, etag=known_etag, allow=in_scope_and_robots)
        store.save_many((exchange, None) for exchange in result.exchanges)
        if result.kind == "ok":
            ...

What it does, and what it leaves to the crawler:

- Retries (:mod:`archiver.fetch.retry`) apply to each request of a chain; every
  attempt is an :class:`Exchange`.
- Redirects are followed here, one hop at a time, so each hop is recorded. Before a
  hop the caller's ``allow(url)`` is asked (robots.txt and crawl scope are the
  crawler's). A URL seen twice in one chain is a loop, except once after a hop that
  set a cookie (ASP.NET portals bounce through ``?AspxAutoDetectCookieSupport=1``).
- Limits hold while streaming (:mod:`archiver.fetch.body`): a Content-Length over the
  limit is refused unread, a body is cut at the limit, gzip bombs stop early; httpx
  timeouts (connect, read, write, pool) plus a total deadline per exchange.
- Politeness timing, the frontier and robots.txt policy live in the crawler.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import inspect
import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType

import httpx

from archiver.fetch.body import ACCEPT_ENCODING, Body, BodyLimits, content_codings, read_body
from archiver.fetch.clients import RESPONSE_KEY, ClientFactory, ClientPool, parse_url
from archiver.fetch.exchange import Exchange
from archiver.fetch.result import FetchResult, Kind, is_document_type
from archiver.fetch.retry import Retried, RetryPolicy
from archiver.headers import latin1_pairs
from archiver.settings import DEFAULTS, Settings

__all__ = ["Allow", "Fetcher"]

#: ``allow(url)``: may the chain go on to ``url``? (sync or async)
Allow = Callable[[str], bool | Awaitable[bool]]
#: Seconds to leave between two requests of one fetch to the host of a URL (politeness).
Gap = Callable[[str], float]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
#: The chain's own deadline fires this long after the URL deadline, which each request
#: already obeys: a request is never cut off by the outer one, so it is always recorded.
_DEADLINE_SLACK = 1.0
_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
_NOTHING = Body(b"", 0)


@dataclass(frozen=True, slots=True)
class _Attempt:
    """One request's outcome, as the retry policy sees it."""

    exchange: Exchange
    failure: BaseException | None = None
    body: Body = _NOTHING

    @property
    def status(self) -> int | None:
        return self.exchange.status

    def header(self, name: str) -> str | None:
        return self.exchange.header(name)


class _DeadlinePassed(Exception):
    """The URL's deadline (``Settings.url_deadline``) passed before another request."""


def _describe(error: BaseException, settings: Settings, limit: float) -> str:
    if isinstance(error, TimeoutError):
        if limit < settings.total_timeout:
            return f"URL deadline of {settings.url_deadline:g}s passed"
        return f"total deadline of {settings.total_timeout:g}s passed"
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


#: The peer address of each open connection: asking the stream costs a getpeername and
#: anyio's table of every socket attribute, on every request of a kept-alive connection.
_PEERS: weakref.WeakKeyDictionary[object, str | None] = weakref.WeakKeyDictionary()


def _server_ip(response: httpx.Response) -> str | None:
    """The peer's IP address, when the transport exposes its socket (httpcore does)."""
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None
    try:
        return _PEERS[stream]
    except (KeyError, TypeError):
        pass
    try:
        address = stream.get_extra_info("server_addr")
    except (AttributeError, OSError, TypeError):
        return None
    ip = str(address[0]) if isinstance(address, tuple) and address else None
    with contextlib.suppress(TypeError):  # a stream that cannot be weakly referenced
        _PEERS[stream] = ip
    return ip


def _content_length(headers: httpx.Headers) -> int | None:
    try:
        return int(headers["content-length"])
    except (KeyError, ValueError):
        return None


def _transfer_codings(headers: httpx.Headers) -> tuple[str, ...]:
    value = headers.get("transfer-encoding", "")
    return tuple(c.strip().lower() for c in value.split(",") if c.strip())


def _location(exchange: Exchange) -> str | None:
    """The Location header as a browser reads it: raw UTF-8 bytes mean UTF-8 (tin-tức)."""
    value = exchange.header("location")
    if value is None:
        return None
    try:  # headers are kept as latin-1 (lossless); the bytes are usually UTF-8
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _chain_key(url: httpx.URL) -> str:
    """The URL without its fragment (what ``url.copy_with(fragment=None)`` gives, unparsed)."""
    return str(url).partition("#")[0]


class Fetcher:
    """Fetches URLs for one crawl; share it between tasks, close it at the end."""

    def __init__(
        self,
        settings: Settings = DEFAULTS,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        proxy: str | httpx.Proxy | None = None,
        client_factory: ClientFactory | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.retry = retry or RetryPolicy.from_settings(settings)
        self.limits = BodyLimits.from_settings(settings)
        self.clients = ClientPool(
            settings, transport=transport, proxy=proxy, client_factory=client_factory
        )
        self._headers = {
            "User-Agent": settings.user_agent,
            "Accept": _ACCEPT,
            "Accept-Encoding": ACCEPT_ENCODING,
        }

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.clients.aclose()

    # -- one fetch: a chain of requests ---------------------------------------------------

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        allow: Allow | None = None,
        gap: Gap | None = None,
        head: int | None = None,
    ) -> FetchResult:
        """Fetch ``url``, following redirects; conditional when ``etag``/``last_modified``.

        ``gap(url)`` gives the politeness delay of ``url``'s host: a retry or a redirect
        hop waits that long after the previous request of this fetch ended. ``head``
        asks for the first ``head`` bytes of the body only (robots.txt: RFC 9309 wants
        its first 500 KiB obeyed however large the file): they are read even when the
        Content-Length announces more than the size limit.
        """
        headers: dict[str, str] = {}  # beside the fetcher's own
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            current = parse_url(url)
        except (httpx.InvalidURL, TypeError) as error:
            return self._unrequestable(url, f"invalid URL: {error}")
        if current.scheme not in ("http", "https") or not current.host:
            return self._unrequestable(url, "only absolute http(s) URLs can be fetched")

        exchanges: list[Exchange] = []
        hops = [_chain_key(current)]
        seen = {hops[0]: 1}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.url_deadline
        while True:
            attempt = functools.partial(
                self._attempt, current, headers, exchanges, gap, deadline, head
            )
            try:
                # Each request stops at the deadline by itself; this bounds the waits
                # between them (retry backoff, politeness gaps) too.
                async with asyncio.timeout_at(deadline + _DEADLINE_SLACK):
                    retried = await self.retry.run(attempt)
            except (_DeadlinePassed, TimeoutError):
                if not exchanges:
                    return self._unrequestable(url, "URL deadline passed before any request")
                detail = (
                    f"URL deadline of {self.settings.url_deadline:g}s passed after "
                    f"{len(exchanges)} requests"
                )
                return self._finish(url, hops, exchanges, "network_error", detail)
            last = retried.result
            if last.failure is not None or last.status not in _REDIRECTS:
                kind, detail, retry_at = self._classify(retried)
                return self._finish(url, hops, exchanges, kind, detail, retry_at)
            location = _location(last.exchange)
            try:
                target = current.join(location.strip()) if location else None
            except httpx.InvalidURL:
                target = None
            if target is None or target.scheme not in ("http", "https") or not target.host:
                detail = f"HTTP {last.status} with Location {location!r}"
                return self._finish(
                    url, hops, exchanges, "bad_redirect", detail, redirect_to=location
                )
            key = _chain_key(target)
            visits = seen.get(key, 0)
            cookie_set = any(e.header("set-cookie") for e in exchanges)
            if visits and not (visits == 1 and cookie_set):
                return self._finish(
                    url,
                    hops,
                    exchanges,
                    "redirect_loop",
                    f"{key} again after {len(hops) - 1} redirects",
                    redirect_to=key,
                )
            if len(hops) > self.settings.max_redirects:
                return self._finish(
                    url,
                    hops,
                    exchanges,
                    "too_many_redirects",
                    f"more than {self.settings.max_redirects} redirects",
                    redirect_to=key,
                )
            if allow is not None:
                allowed = allow(key)
                if inspect.isawaitable(allowed):
                    allowed = await allowed
                if not allowed:
                    return self._finish(
                        url,
                        hops,
                        exchanges,
                        "disallowed",
                        f"redirect to {key} not allowed",
                        redirect_to=key,
                    )
            seen[key] = visits + 1
            hops.append(key)
            current = target

    def _classify(self, retried: Retried[_Attempt]) -> tuple[Kind, str | None, datetime | None]:
        """The kind of a chain's last (non-redirect) attempt, why, and when to come back."""
        last = retried.result
        status = last.status
        detail = last.exchange.error
        if last.failure is not None:
            return "network_error", detail, None
        assert status is not None
        if retried.stopped == "retry_after":
            detail = f"HTTP {status}: Retry-After beyond {self.retry.max_wait:g}s"
            return "retry_later", detail, retried.retry_at
        if status == 429:
            # Still "too many requests" after every attempt: back off as long as we may.
            later = self.retry.now() + timedelta(seconds=self.retry.max_wait)
            detail = f"HTTP 429 after {retried.attempts} attempts"
            return "retry_later", detail, retried.retry_at or later
        if status == 304:
            return "not_modified", None, None
        if 200 <= status < 300:
            stopped = last.body.stopped
            if stopped in ("too_large", "ratio"):
                return "too_large", detail, None
            if stopped == "bad_encoding":
                return "bad_encoding", detail, None
            content_type = last.exchange.content_type
            return ("ok" if is_document_type(content_type) else "not_html"), None, None
        if status < 400:
            return "bad_redirect", f"HTTP {status} is not a redirect to follow", None
        if status < 500:
            return "client_error", f"HTTP {status}", None
        detail = f"HTTP {status} after {retried.attempts} attempts"
        return "server_error", detail, retried.retry_at

    def _finish(
        self,
        url: str,
        hops: list[str],
        exchanges: list[Exchange],
        kind: Kind,
        detail: str | None,
        retry_at: datetime | None = None,
        *,
        redirect_to: str | None = None,
    ) -> FetchResult:
        """The result; the last exchange is made to describe the whole chain."""
        last = exchanges[-1]
        redirects = tuple(hops[1:-1])
        if last.url != url or last.redirects != redirects:  # (a page without hops: as it is)
            exchanges[-1] = last.replaced(url=url, redirects=redirects)
        return FetchResult(url, kind, tuple(exchanges), retry_at, detail, redirect_to)

    def _unrequestable(self, url: str, detail: str) -> FetchResult:
        exchange = Exchange(
            url=url, final_url=url, status=None, fetched_at=datetime.now(UTC), error=detail
        )
        return FetchResult(url, "bad_url", (exchange,), detail=detail)

    # -- one request ----------------------------------------------------------------------

    async def _attempt(
        self,
        url: httpx.URL,
        headers: dict[str, str],
        out: list[Exchange],
        gap: Gap | None,
        deadline: float,
        head: int | None = None,
    ) -> _Attempt:
        """One request and its body, within limits; the exchange is appended to ``out``.

        ``headers``: the conditional ones, sent beside the fetcher's own.

        ``deadline`` (event-loop time) is the URL's: past it, no request is made.
        """
        if gap is not None and out:
            ended = out[-1].fetched_at.timestamp() + (out[-1].elapsed or 0.0)
            remaining = gap(str(url)) - (datetime.now(UTC).timestamp() - ended)
            if remaining > 0:
                await asyncio.sleep(remaining)
        limit = min(self.settings.total_timeout, deadline - asyncio.get_running_loop().time())
        if limit <= 0 and out:
            raise _DeadlinePassed
        fetched_at = datetime.now(UTC)
        started = time.perf_counter()
        response: httpx.Response | None = None
        failure: BaseException | None = None
        body = _NOTHING
        ip_address: str | None = None
        lease = await self.clients.take(url)
        try:
            request = lease.build_request(url, self._headers, headers)
            try:
                async with asyncio.timeout(max(limit, 0.0)):
                    response = await lease.send(request)
                    try:
                        ip_address = _server_ip(response)
                        body = await self._read(response, head)
                    finally:
                        await response.aclose()
            except (TimeoutError, httpx.TransportError, httpx.InvalidURL) as error:
                arrived = request.extensions.get(RESPONSE_KEY)
                if response is None and arrived is not None:
                    # httpx rejected the Location of a response that did arrive: keep
                    # the response; the chain reports the bad redirect.
                    response = arrived
                else:
                    failure = error
            request.extensions.pop(RESPONSE_KEY, None)
        finally:
            self.clients.give_back(lease)
        error_text = (
            _describe(failure, self.settings, limit) if failure is not None else body.detail
        )
        exchange = Exchange(
            url=str(request.url),
            final_url=str(request.url),
            status=response.status_code if response is not None else None,
            fetched_at=fetched_at,
            request_headers=latin1_pairs(request.headers.raw),
            response_headers=latin1_pairs(response.headers.raw) if response is not None else (),
            body=body.data,
            http_version=response.http_version if response is not None else None,
            ip_address=ip_address,
            elapsed=time.perf_counter() - started,
            error=error_text,
            truncated=body.truncated or (failure is not None and response is not None),
            decoded=body.decoded + _transfer_codings(response.headers)
            if response is not None
            else (),
        )
        out.append(exchange)
        return _Attempt(exchange, failure, body)

    async def _read(self, response: httpx.Response, head: int | None = None) -> Body:
        """The body of ``response``, unless there is none or it is announced too large
        (``head``: its first bytes, whatever is announced)."""
        if response.status_code in (204, 304):
            return _NOTHING
        length = _content_length(response.headers)
        limits = self.limits
        if head is not None:
            limits = dataclasses.replace(limits, max_bytes=min(head, limits.max_bytes))
        limit = limits.max_bytes
        if length is not None and length > limit and head is None:
            return Body(
                b"",
                0,
                stopped="too_large",
                truncated=True,
                detail=f"Content-Length {length} above the limit of {limit} bytes",
            )
        if response.is_stream_consumed:
            # A transport that hands over responses already read (httpx.MockTransport
            # given ``content=``, with a Content-Length checked above): httpx decoded it.
            codings = tuple(content_codings(response.headers.get("content-encoding"))[0])
            data = response.content
            if len(data) > limit:
                detail = f"body larger than {limit} bytes"
                return Body(data[:limit], len(data), codings, "too_large", detail, True)
            return Body(data, len(data), codings)
        return await read_body(
            response.aiter_raw(), response.headers.get("content-encoding"), limits
        )
