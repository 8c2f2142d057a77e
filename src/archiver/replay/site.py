"""A replay site: the manifest's URLs, answering requests with their saved responses.

:meth:`ReplaySite.respond` is the one place where a request becomes a response; the
HTTP server and the httpx transport both call it, so the knobs (response sequences,
delays, conditional requests, gzip) behave the same in both.
"""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

from archiver.headers import Headers, header_value
from archiver.replay.bodies import Body, body_for
from archiver.replay.log import RequestLog
from archiver.replay.manifest import Entry, ResponseSpec, load_manifest
from archiver.urls import normalize_url

__all__ = ["ReplayResponse", "ReplaySite"]

# Framing and encoding are decided when the response is sent, never copied from the manifest.
_COMPUTED = {"content-length", "transfer-encoding", "content-encoding", "connection"}
_NOT_FOUND = b"<!DOCTYPE html><title>404</title><p>Not in this replay.</p>\n"


@dataclass(frozen=True, slots=True)
class ReplayResponse:
    """What to send for one request; ``request_id`` identifies it in the site's log."""

    status: int
    headers: Headers
    body: Body
    delay: float
    close: bool
    request_id: int
    host: str


def _key(url: str) -> str:
    """The lookup key of a URL: normalised, without its scheme (http and https match)."""
    normal = normalize_url(url)
    return normal.split("://", 1)[1] if "://" in normal else normal


class ReplaySite:
    """The pages of a replay directory (or of entries built in memory), and its request log."""

    def __init__(self, directory: str | Path | None = None, entries: Iterable[Entry] = ()) -> None:
        self.directory = Path(directory) if directory is not None else None
        loaded = load_manifest(self.directory) if self.directory is not None else []
        self._entries: dict[str, Entry] = {}
        for entry in (*loaded, *entries):
            self._entries[_key(entry.url)] = entry
        self.hosts = sorted({urlsplit(e.url).netloc.lower() for e in self._entries.values()})
        self.log = RequestLog()
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()

    @property
    def urls(self) -> list[str]:
        return [entry.url for entry in self._entries.values()]

    def reset(self) -> None:
        """Start every response sequence again and clear the log."""
        with self._lock:
            self._served.clear()
        self.log.clear()

    def resolve(self, target: str, host: str | None) -> tuple[str, str]:
        """The (host, absolute URL) a request means: proxy form or origin form + Host header.

        A Host the site does not know (``127.0.0.1:8080``) stands for the site's only host.
        """
        if target.lower().startswith(("http://", "https://")):
            url = target
        else:
            host = (host or "").lower()
            if host not in self.hosts and len(self.hosts) == 1:
                host = self.hosts[0]
            path = target if target.startswith("/") else "/" + target
            url = f"http://{host or 'localhost'}{path}"
        return (urlsplit(url).netloc or "").lower(), url

    def respond(
        self,
        method: str,
        target: str,
        headers: Headers,
        *,
        host: str | None = None,
        via: str = "direct",
    ) -> ReplayResponse:
        """The response to a request; the request is logged as in flight until
        ``self.log.finish(response.request_id)`` is called."""
        logical_host, url = self.resolve(target, host)
        key = _key(url)
        entry = self._entries.get(key)
        request_id = self.log.begin(
            logical_host, method, target, entry.url if entry else None, headers, via
        )
        if entry is None:
            body = Body(iter((_NOT_FOUND,)), len(_NOT_FOUND))
            sent = (
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(_NOT_FOUND))),
            )
            response = ReplayResponse(404, sent, body, 0.0, False, request_id, logical_host)
        else:
            response = self._answer(entry, key, method, headers, request_id, logical_host)
        self.log.set_status(request_id, None if response.close else response.status)
        return response

    def _next_spec(self, entry: Entry, key: str) -> ResponseSpec:
        with self._lock:
            served = self._served.get(key, 0)
            self._served[key] = served + 1
        return entry.responses[min(served, len(entry.responses) - 1)]

    def _answer(
        self, entry: Entry, key: str, method: str, headers: Headers, request_id: int, host: str
    ) -> ReplayResponse:
        spec = self._next_spec(entry, key)
        status = spec.status
        if status == 200 and _not_modified(spec, headers):
            kept = tuple((k, v) for k, v in spec.headers if k.lower() in ("etag", "last-modified"))
            return ReplayResponse(
                304, kept, Body(iter(()), None), spec.delay, spec.close, request_id, host
            )
        body = body_for(spec)
        out = [(k, v) for k, v in spec.headers if k.lower() not in _COMPUTED]
        if not any(k.lower() == "content-type" for k, _ in out) and _has_body(spec):
            out.append(("Content-Type", _guess_type(spec, entry.url)))
        if body.gzipped:
            out.append(("Content-Encoding", "gzip"))
        if method.upper() == "HEAD" or status in (204, 304) or status < 200:
            if body.length is not None and method.upper() == "HEAD":
                out.append(("Content-Length", str(body.length)))
            body = Body(iter(()), None, body.gzipped)
        elif body.length is not None:
            out.append(("Content-Length", str(body.length)))
        return ReplayResponse(status, tuple(out), body, spec.delay, spec.close, request_id, host)


def _has_body(spec: ResponseSpec) -> bool:
    sources = (spec.file, spec.text, spec.generate_bytes, spec.gzip_bomb, spec.load)
    return any(v is not None for v in sources)


def _guess_type(spec: ResponseSpec, url: str) -> str:
    """From the file name or the URL; text given inline is sent as UTF-8 and says so."""
    name = spec.file.name if spec.file is not None else urlsplit(url).path
    guessed = (mimetypes.guess_type(name)[0] if name else None) or "text/html"
    if spec.text is not None and guessed.startswith("text/"):
        return f"{guessed}; charset=utf-8"
    return guessed


def _not_modified(spec: ResponseSpec, headers: Headers) -> bool:
    """RFC 9110 §13.1: If-None-Match decides when present, else If-Modified-Since."""
    if_none_match = header_value(headers, "if-none-match")
    etag = spec.header("etag")
    if if_none_match is not None:
        if etag is None:
            return False
        wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in wanted or etag.strip().removeprefix("W/") in wanted
    since = header_value(headers, "if-modified-since")
    modified = spec.header("last-modified")
    if since is None or modified is None:
        return False
    try:
        return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
