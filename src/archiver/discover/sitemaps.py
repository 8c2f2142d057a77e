"""Sitemaps: the URLs (with lastmod and Google News dates) of urlsets and sitemap indexes.

Reads XML sitemaps, sitemap indexes, Google News sitemaps, gzipped sitemaps and plain
text sitemaps (one URL per line). XML is parsed with the standard library's expat,
namespace-agnostic, and never with an HTML parser. Broken input never raises: the
result holds what was read before the damage and a warning saying what happened.

    >>> sm = parse_sitemap(b'<urlset><url><loc>http://tamky.gov.vn/a.html</loc>'
    ...                    b'<lastmod>2018-07-04</lastmod></url></urlset>')
    >>> sm.urls[0].loc, sm.urls[0].lastmod.isoformat()
    ('http://tamky.gov.vn/a.html', '2018-07-04T00:00:00+07:00')
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from archiver.dates.feed import parse_timestamp
from archiver.discover import _fasturl, _xmltext
from archiver.text import clean_or_none
from archiver.urls import is_http_url, normalize_url

__all__ = ["MAX_SITEMAP_BYTES", "Sitemap", "SitemapEntry", "parse_sitemap"]

#: sitemaps.org: a sitemap may hold 50 MB uncompressed; the decompression cap too.
MAX_SITEMAP_BYTES = 50 * 1024 * 1024

Kind = Literal["urlset", "sitemapindex", "text", "feed", "unknown"]
_ENTRY_TAGS = {"url", "sitemap"}
_FEED_ROOTS = {"rss", "feed", "rdf"}
_HTTP = ("http://", "https://")


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """One ``<url>`` (or ``<sitemap>`` of an index); dates are aware, in +07:00."""

    loc: str
    lastmod: datetime | None = None
    news_published: datetime | None = None
    news_title: str | None = None


@dataclass(frozen=True, slots=True)
class Sitemap:
    """What a sitemap lists. ``kind == "feed"`` means an RSS/Atom feed was given instead."""

    kind: Kind
    urls: tuple[SitemapEntry, ...] = ()
    sitemaps: tuple[SitemapEntry, ...] = ()
    warnings: tuple[str, ...] = ()


class _Entry:
    __slots__ = ("lastmod", "loc", "published", "title")

    def __init__(self) -> None:
        self.loc = self.lastmod = self.published = self.title = ""


def parse_sitemap(
    body: bytes, url: str | None = None, *, max_bytes: int = MAX_SITEMAP_BYTES
) -> Sitemap:
    """Parse a sitemap fetched from ``url`` (relative locations are resolved against it)."""
    data, warnings = _xmltext.decompress(body, max_bytes)
    text = _xmltext.decode(data).lstrip()
    if not text:
        return Sitemap("unknown", warnings=(*warnings, "empty sitemap"))
    if not text.startswith("<") and "<urlset" not in text[:2000]:
        return _parse_text(text, url, warnings)
    return _parse_xml(_xmltext.repair(text), url, warnings)


def _parse_text(text: str, base: str | None, warnings: list[str]) -> Sitemap:
    urls = []
    for line in text.splitlines():
        line = line.strip()
        if line and is_http_url(line):
            urls.append(SitemapEntry(normalize_url(line, base)))
    return Sitemap("text", urls=tuple(urls), warnings=tuple(warnings))


def _parse_xml(text: str, base: str | None, warnings: list[str]) -> Sitemap:
    parser = ET.XMLPullParser(events=("start", "end"))
    kind: Kind = "unknown"
    urls: list[SitemapEntry] = []
    children: list[SitemapEntry] = []
    stack: list[str] = []
    entry: _Entry | None = None
    root: ET.Element | None = None
    skipped = 0
    # feed() queues a syntax error for read_events() to raise after the events before it;
    # close() raises its own (document cut short) at once.
    parser.feed(text)
    unfinished: ET.ParseError | None = None
    try:
        parser.close()
    except ET.ParseError as error:
        unfinished = error
    try:
        for event, element in parser.read_events():
            name = _xmltext.local_name(element.tag)
            if event == "start":
                if root is None:
                    root = element
                    kind = _root_kind(name)
                    if kind == "feed":
                        warnings.append("this is an RSS/Atom feed, not a sitemap")
                        break
                if name in _ENTRY_TAGS and len(stack) == 1:
                    entry = _Entry()
                stack.append(name)
                continue
            stack.pop()
            parent = stack[-1] if stack else ""
            if entry is not None:
                _collect(entry, name, parent, element.text)
            if name in _ENTRY_TAGS and entry is not None and len(stack) == 1:
                made = _make_entry(entry, base)
                if made is None:
                    skipped += 1
                else:
                    (urls if name == "url" else children).append(made)
                entry = None
                root.clear()  # type: ignore[union-attr]  # keep memory flat on 50k-URL files
    except ET.ParseError as error:
        warnings.append(
            f"malformed XML, kept the {len(urls) + len(children)} entries before it: {error}"
        )
        unfinished = None
    if unfinished is not None and kind != "feed":
        warnings.append(
            f"XML ends early, kept the {len(urls) + len(children)} entries before "
            f"the end: {unfinished}"
        )
    if skipped:
        warnings.append(f"{skipped} entries without an http(s) <loc> were skipped")
    return Sitemap(kind, tuple(urls), tuple(children), tuple(warnings))


def _root_kind(name: str) -> Kind:
    if name in ("urlset", "sitemapindex"):
        return name  # type: ignore[return-value]
    return "feed" if name in _FEED_ROOTS else "unknown"


def _collect(entry: _Entry, name: str, parent: str, text: str | None) -> None:
    if parent in _ENTRY_TAGS:
        if name == "loc":
            entry.loc = _xmltext.unescape(text)
        elif name == "lastmod":
            entry.lastmod = _xmltext.unescape(text)
    elif parent == "news":
        if name == "publication_date":
            entry.published = _xmltext.unescape(text)
        elif name == "title":
            entry.title = _xmltext.unescape(text)


def _make_entry(entry: _Entry, base: str | None) -> SitemapEntry | None:
    loc = entry.loc
    if not loc:
        return None
    loc = _fasturl.normalize(loc, base, cache=False)  # each URL is listed once
    if not loc.startswith(_HTTP):  # normalize_url lower-cases the scheme
        return None
    return SitemapEntry(
        loc=loc,
        lastmod=parse_timestamp(entry.lastmod),
        news_published=parse_timestamp(entry.published),
        news_title=clean_or_none(entry.title),
    )
