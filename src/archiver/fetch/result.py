"""What a fetch gives the crawler: every exchange it made, and one word for how it ended.

======================  ===============================================================
kind                    meaning (what the crawler does next)
======================  ===============================================================
ok                      2xx with an HTML or XML body (or no Content-Type): parse it
not_html                2xx with another type (PDF, image, text/plain...): recorded;
                        the caller decides (a robots.txt or a .xml.gz sitemap is read)
not_modified            304 to a conditional request: what the archive has is current
too_large               Content-Length or the body passed ``max_response_bytes``, or
                        decompression passed ``max_decompression_ratio``: body truncated
bad_encoding            Content-Encoding not supported (body kept as received) or corrupt
redirect_loop           a redirect led back to a URL already in the chain
too_many_redirects      more than ``max_redirects`` hops
bad_redirect            a 3xx without a usable Location (missing, not http(s), malformed)
disallowed              ``allow(url)`` refused a hop (robots.txt, crawl scope)
client_error            4xx (after retries for 408)
server_error            5xx after every retry
network_error           no response after every retry (connection, timeout, reset)
bad_url                 the URL cannot be requested at all (malformed, not http(s))
retry_later             the server asked to wait (Retry-After) longer than
                        ``retry_max_wait``, or kept answering 429: come back at
                        ``retry_at``
======================  ===============================================================

``retry_at`` is also set on server_error when the last 5xx carried a Retry-After.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from archiver.discover import GZIP_MAGIC
from archiver.fetch.exchange import Exchange

__all__ = [
    "DOCUMENT_TYPES",
    "UNREACHABLE_KINDS",
    "FetchResult",
    "Kind",
    "is_document_type",
    "media_type",
]

Kind = Literal[
    "ok",
    "not_html",
    "not_modified",
    "too_large",
    "bad_encoding",
    "redirect_loop",
    "too_many_redirects",
    "bad_redirect",
    "disallowed",
    "client_error",
    "server_error",
    "network_error",
    "bad_url",
    "retry_later",
]

#: The server or the network failed (5xx, no response, asked to wait): come back later.
UNREACHABLE_KINDS: tuple[Kind, ...] = ("server_error", "network_error", "retry_later")

#: Media type words of XML documents (``application/rss+xml``, ``text/xml``).
_XML_TYPES = ("xml", "rss", "atom")
#: Media types the crawler parses: HTML, and XML for sitemaps and feeds.
DOCUMENT_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/xml",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
    }
)


def media_type(content_type: str | None) -> str:
    """``text/html`` from ``Text/HTML; charset=utf-8``; empty when there is none."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def content_kind(content_type: str | None, body: bytes, kind: str) -> str:
    """What a response holds, from its type and first bytes: ``html``, ``sitemap``, ``feed``
    or ``other``. ``kind`` is what the URL was fetched as (``sitemap``, ``feed``, ``page``…):
    a sitemap URL answering gzip bytes is a sitemap, an XML answer with ``<rss`` a feed."""
    mime = media_type(content_type)
    head = body[:512].lstrip().lower()
    start = body[:2048]
    xml_like = any(t in mime for t in _XML_TYPES) or head.startswith(b"<?xml")
    if kind in ("sitemap", "feed") or xml_like:
        if b"<rss" in start or b"<feed" in start or b"<rdf" in start:
            return "feed"
        if mime.startswith("text/html") and kind not in ("sitemap", "feed"):
            return "html"
        return "sitemap"
    if body[:2] == GZIP_MAGIC and kind == "sitemap":
        return "sitemap"
    if (
        not mime
        or "html" in mime
        or (mime == "text/plain" and head.startswith((b"<!doctype", b"<html")))
    ):
        return "html"
    return "other"


def is_document_type(content_type: str | None) -> bool:
    """HTML or XML, or no type at all (old portals often send none: let the parser look)."""
    kind = media_type(content_type)
    return not kind or kind in DOCUMENT_TYPES or kind.endswith("+xml")


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The outcome of one :meth:`Fetcher.fetch`: all its exchanges, in order, and how it ended.

    The store records every exchange. The last one describes the whole fetch: its
    ``url`` is the URL asked for, ``final_url`` where the chain ended and ``redirects``
    the hops between; earlier exchanges (retried attempts, redirect hops) each describe
    themselves (``url == final_url``).
    """

    url: str
    kind: Kind
    exchanges: tuple[Exchange, ...]
    retry_at: datetime | None = None
    #: Why it ended so, in words (for logs and the frontier's last error).
    detail: str | None = None
    #: Where the last hop pointed, when the chain stopped at a redirect.
    redirect_to: str | None = None

    @property
    def last(self) -> Exchange:
        return self.exchanges[-1]

    @property
    def final_url(self) -> str:
        return self.last.final_url

    @property
    def status(self) -> int | None:
        return self.last.status

    @property
    def body(self) -> bytes:
        return self.last.body

    @property
    def content_type(self) -> str | None:
        return self.last.content_type

    @property
    def ok(self) -> bool:
        """A complete 2xx body arrived (a document or not)."""
        return self.kind in ("ok", "not_html")

    @property
    def attempts(self) -> int:
        """Requests sent (every retry and every hop counts)."""
        return len(self.exchanges)
