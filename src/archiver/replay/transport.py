"""The replay site as an httpx transport: the same responses and log, without sockets.

    client = httpx.AsyncClient(transport=ReplayTransport(site))

For unit tests of the crawler. Knobs behave as over HTTP: ``delay`` sleeps (and raises
``httpx.ReadTimeout`` when it exceeds the request's read timeout), ``close`` raises
``httpx.RemoteProtocolError``, gzip bodies are decoded by httpx as usual.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import httpx

from archiver.headers import latin1_pairs
from archiver.replay.site import ReplayResponse, ReplaySite

__all__ = ["ReplayTransport"]


class _Stream(httpx.AsyncByteStream, httpx.SyncByteStream):
    """A response body that marks its request finished once read or closed."""

    def __init__(self, site: ReplaySite, response: ReplayResponse) -> None:
        self._site = site
        self._response = response

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._response.body.chunks
        finally:
            self.close()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            for chunk in self._response.body.chunks:
                yield chunk
        finally:
            self.close()

    def close(self) -> None:
        self._site.log.finish(self._response.request_id)

    async def aclose(self) -> None:
        self.close()


def _read_timeout(request: httpx.Request) -> float | None:
    timeout = request.extensions.get("timeout") or {}
    value = timeout.get("read")
    return float(value) if value is not None else None


class ReplayTransport(httpx.AsyncBaseTransport, httpx.BaseTransport):
    """Answers httpx requests from a :class:`ReplaySite` (async and sync clients)."""

    def __init__(self, site: ReplaySite) -> None:
        self.site = site

    def _start(self, request: httpx.Request) -> tuple[ReplayResponse, float]:
        headers = latin1_pairs(request.headers.raw)
        response = self.site.respond(
            request.method,
            str(request.url),
            headers,
            host=request.url.netloc.decode("ascii"),
            via="transport",
        )
        limit = _read_timeout(request)
        wait = response.delay if limit is None else min(response.delay, limit)
        return response, wait

    def _finish(self, request: httpx.Request, response: ReplayResponse) -> httpx.Response:
        limit = _read_timeout(request)
        if limit is not None and response.delay > limit:
            self.site.log.set_status(response.request_id, None)
            self.site.log.finish(response.request_id)
            raise httpx.ReadTimeout(
                "replay: response delayed past the read timeout", request=request
            )
        if response.close:
            self.site.log.finish(response.request_id)
            raise httpx.RemoteProtocolError(
                "replay: server closed the connection without a response", request=request
            )
        return httpx.Response(
            response.status,
            headers=list(response.headers),
            stream=_Stream(self.site, response),
            request=request,
            extensions={"http_version": b"HTTP/1.1"},
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response, wait = self._start(request)
        if wait:
            try:
                await asyncio.sleep(wait)
            except asyncio.CancelledError:
                self.site.log.set_status(response.request_id, None)
                self.site.log.finish(response.request_id)
                raise
        return self._finish(request, response)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response, wait = self._start(request)
        if wait:
            time.sleep(wait)
        return self._finish(request, response)
