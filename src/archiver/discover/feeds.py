"""RSS 2.0, RSS 1.0 and Atom feeds: their entries, and the feed links a page advertises.

Parsing is feedparser's (its loose mode survives HTML entities and broken markup).
Two corrections for Vietnamese feeds, both measured on feedparser 6.0:

- encoding: a UTF-8 feed declared ``ISO-8859-1`` came out as mojibake ("Tiáº¿ng");
  bytes that are valid UTF-8 are now read as UTF-8 whatever the declaration says.
- dates: feedparser reads ``2024-02-05 10:20`` as UTC and gives nothing for
  ``Mon, 05 Feb 2024 10:20:00`` or ``05/02/2024 10:20``; a zone-less time is local
  (GMT+7), so the raw text is re-read here and every date comes out aware, in +07:00.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from selectolax.lexbor import LexborHTMLParser

from archiver.dates import VN_TZ
from archiver.dates.feed import parse_timestamp
from archiver.discover import _fasturl, _xmltext
from archiver.discover.links import Anchors, anchors_of, base_url_of
from archiver.text import clean_or_none

__all__ = ["MAX_FEED_BYTES", "Feed", "FeedEntry", "FeedLink", "find_feed_links", "parse_feed"]

MAX_FEED_BYTES = 20 * 1024 * 1024
_FEED_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/x-rss+xml",
}
_FEED_FILE = re.compile(r"(\.rss|\.xml|\.atom|/feed/?|/atom/?|/rss/?)$")
_FEED_LIST_PAGE = re.compile(r"/rss(\.html?|\.aspx|\.php|\.jsp)?/?$")
_FEED_WORDS = ("rss", "feed", "atom")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed; ``published`` is aware, in +07:00 (None when absent or unreadable)."""

    link: str
    title: str | None = None
    published: datetime | None = None
    guid: str | None = None


@dataclass(frozen=True, slots=True)
class Feed:
    title: str | None
    entries: tuple[FeedEntry, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed a page advertises (``kind="feed"``) or a page listing feeds (``"feed-list"``)."""

    url: str
    title: str | None
    kind: Literal["feed", "feed-list"]


def parse_feed(body: bytes, url: str | None = None, *, max_bytes: int = MAX_FEED_BYTES) -> Feed:
    """Parse a feed fetched from ``url``; relative links are resolved against it."""
    # Imported here, not with the module: feedparser (and chardet, which it loads) take
    # 15 MB, and a crawl's main process, which imports this package, never parses a feed.
    import feedparser

    data, warnings = _xmltext.decompress(body, max_bytes)
    text = _xmltext.repair(_xmltext.decode(data).lstrip())
    headers = {"content-type": "application/xml; charset=utf-8"}
    if url:
        headers["content-location"] = url
    parsed = feedparser.parse(
        b'<?xml version="1.0" encoding="utf-8"?>' + text.encode("utf-8"),
        response_headers=headers,
        sanitize_html=False,
    )
    if parsed.get("bozo") and not parsed.entries:
        warnings.append(f"not a readable feed: {parsed.get('bozo_exception')}")
    entries = []
    skipped = 0
    for item in parsed.entries:
        entry = _entry(item, url)
        if entry is None:
            skipped += 1
        else:
            entries.append(entry)
    if skipped:
        warnings.append(f"{skipped} entries without an http(s) link were skipped")
    return Feed(_text(parsed.feed.get("title_detail")), tuple(entries), tuple(warnings))


def _entry(item: Any, base: str | None) -> FeedEntry | None:
    link = item.get("link") or ""
    guid = item.get("id") or None
    if not link and guid and item.get("guidislink"):
        link = guid
    if not link:
        return None
    link = _fasturl.normalize(link.strip(), base, cache=False)  # each entry is listed once
    if not link.startswith(("http://", "https://")):
        return None
    return FeedEntry(link, _text(item.get("title_detail")), _published(item), guid)


def _published(item: Any) -> datetime | None:
    for key in ("published", "updated", "created"):
        # dict.get: FeedParserDict.get maps a missing "published" to "updated" with a warning.
        raw = dict.get(item, key)
        if not raw:
            continue
        value = parse_timestamp(raw)
        if value is not None:
            return value
        # An exotic format feedparser knows (it reports it in UTC).
        parsed = dict.get(item, f"{key}_parsed")
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), VN_TZ)
    return None


def _text(detail: Any) -> str | None:
    if not detail:
        return None
    value = detail.get("value") or ""
    if "html" in (detail.get("type") or "") and "<" in value:
        body = LexborHTMLParser(value).body
        value = body.text() if body else value
    return clean_or_none(value)


def find_feed_links(
    page: bytes | str | LexborHTMLParser, base_url: str, *, anchors: Anchors | None = None
) -> list[FeedLink]:
    """Feeds a page declares (``<link rel=alternate>``) or links to, then pages listing feeds
    (``anchors``: its links read already, see :class:`~archiver.discover.links.Anchors`)."""
    tree = page if isinstance(page, LexborHTMLParser) else LexborHTMLParser(page)
    anchors = anchors_of(tree, anchors)
    hrefs = anchors.hrefs
    base = base_url_of(tree, base_url, anchors)
    found: dict[str, FeedLink] = {}
    for node in anchors.head_links():
        attrs = node.attributes
        rel = (attrs.get("rel") or "").lower().split()
        kind = (attrs.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in _FEED_TYPES:
            _add(found, attrs.get("href"), base, attrs.get("title"), "feed")
    # A page has hundreds of links and a feed link or two, and most pages none: when no
    # address holds a _FEED_WORDS word anywhere, no link is looked at. (Lower-casing the
    # addresses joined gives each one's lower case: no character outside ASCII lower-cases
    # to a letter of those words, and a line break is in none of them.)
    joined = "\n".join(href for href in hrefs if href).lower()
    any_word = "rss" in joined or "feed" in joined or "atom" in joined
    for index in anchors.links() if any_word else ():
        href = hrefs[index]
        if not href:
            continue
        # An address with no _FEED_WORDS anywhere is passed over at once (the part of it read
        # below is within it).
        low = href.lower()
        if "rss" not in low and "feed" not in low and "atom" not in low:
            continue
        href = href.strip()
        path = href.split("#")[0].lower()
        address = path.split("?")[0]
        if not any(word in path for word in _FEED_WORDS):
            continue
        title = anchors.text(index) or anchors.nodes[index].attrs.get("title")
        if _FEED_LIST_PAGE.search(address) and "?" not in path:
            _add(found, href, base, title, "feed-list")
        elif _FEED_FILE.search(address) or "rss" in address.rsplit("/", 1)[-1]:
            _add(found, href, base, title, "feed")
    feeds = [link for link in found.values() if link.kind == "feed"]
    return feeds + [link for link in found.values() if link.kind == "feed-list"]


def _add(
    found: dict[str, FeedLink],
    href: str | None,
    base: str,
    title: str | None,
    kind: Literal["feed", "feed-list"],
) -> None:
    if not href or href.lower().startswith(("javascript:", "mailto:")):
        return
    url = _fasturl.normalize(href.strip(), base)
    if url.startswith(("http://", "https://")) and url not in found:
        found[url] = FeedLink(url, clean_or_none(title), kind)
