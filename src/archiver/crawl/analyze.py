"""What a fetched page yields for the crawl: its article, and the URLs it leads to.

:func:`analyze` is pure (bytes and URL in, :class:`Analysis` out) and picklable, so
the crawl runs it in worker processes while the event loop keeps fetching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from archiver.article import Article

#: Kinds of frontier URLs, by what fetching them is for.
KINDS = ("robots", "sitemap", "feed", "seed", "listing", "archive", "article", "page")

# Links to files that are not web pages: recorded nowhere, never fetched.
_BINARY = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|bmp|tiff?|mp[34]|m4a|avi|mov|wmv|flv|webm|ogg|wav|"
    r"pdf|docx?|xlsx?|pptx?|odt|rar|zip|7z|gz|tar|exe|msi|apk|css|js|json|woff2?|ttf|eot)(?:$|\?)",
    re.IGNORECASE,
)
_XML_TYPES = ("xml", "rss", "atom")


@dataclass(frozen=True, slots=True)
class Found:
    """A URL a page leads to, with what it probably is."""

    url: str
    kind: str
    lastmod: datetime | None = None


@dataclass(frozen=True, slots=True)
class Analysis:
    article: Article | None = None
    found: tuple[Found, ...] = ()
    #: Next pages of a paginated listing (followed only while they bring new articles).
    next_pages: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    #: "html", "sitemap", "feed" or "other" (not parsed).
    content: str = "other"


def is_fetchable(url: str) -> bool:
    """False for links to images, documents, archives and other non-pages."""
    return not _BINARY.search(url)


def content_kind(content_type: str | None, body: bytes, kind: str) -> str:
    mime = (content_type or "").split(";")[0].strip().lower()
    head = body[:512].lstrip().lower()
    if (
        kind in ("sitemap", "feed")
        or any(t in mime for t in _XML_TYPES)
        or head.startswith(b"<?xml")
    ):
        if b"<rss" in body[:2048] or b"<feed" in body[:2048] or b"<rdf" in body[:2048]:
            return "feed"
        if mime.startswith("text/html") and kind not in ("sitemap", "feed"):
            return "html"
        return "sitemap"
    if body[:2] == b"\x1f\x8b" and kind == "sitemap":
        return "sitemap"
    if (
        not mime
        or "html" in mime
        or (mime == "text/plain" and head.startswith((b"<!doctype", b"<html")))
    ):
        return "html"
    return "other"


def analyze(
    body: bytes,
    url: str,
    *,
    content_type: str | None,
    kind: str,
    profile: str | None,
    fetched_at: datetime | None,
) -> Analysis:
    """Extract the article (if any) and the onward URLs of one fetched response."""
    content = content_kind(content_type, body, kind)
    if content == "sitemap":
        return _sitemap(body, url)
    if content == "feed":
        return _feed(body, url)
    if content != "html":
        return Analysis(content="other")
    from archiver.discover import (
        classify,
        earlier_articles_box,
        extract_links,
        find_feed_links,
        next_page_links,
    )
    from archiver.discover.links import parse_html
    from archiver.extract import extract
    from archiver.sites import registry

    prof = registry().get(profile) if profile else registry().for_url(url)
    headers = {"content-type": content_type} if content_type else None
    article = extract(body, url, headers=headers, fetched_at=fetched_at, profile=prof)
    tree = parse_html(body)
    article_patterns = prof.article_urls if prof else ()
    listing_patterns = prof.listing_urls if prof else ()
    ignored = prof.ignore_urls if prof else ()
    found: list[Found] = []
    for link in extract_links(tree, url):
        if not is_fetchable(link.url) or any(p.search(link.url) for p in ignored):
            continue
        link_kind = classify(link.url, article_patterns, listing_patterns)
        found.append(
            Found(link.url, {"article": "article", "listing": "listing"}.get(link_kind, "page"))
        )
    notes: list[str] = []
    next_pages: tuple[str, ...] = ()
    if not article.is_article:
        for box_link in earlier_articles_box(tree, url):
            found.append(Found(box_link.url, "article"))
        pager = next_page_links(tree, url)
        next_pages = pager.next[:1]
        if pager.postback_only:
            notes.append("listing pager uses ASP.NET postbacks; its later pages cannot be followed")
        if kind in ("seed", "listing"):
            found.extend(
                Found(feed.url, "feed")
                for feed in find_feed_links(tree, url)
                if feed.kind == "feed"
            )
    return Analysis(
        article=article if article.is_article else None,
        found=tuple(found),
        next_pages=next_pages,
        notes=tuple(notes),
        content="html",
    )


def _sitemap(body: bytes, url: str) -> Analysis:
    from archiver.discover import classify, parse_sitemap

    sitemap = parse_sitemap(body, url)
    if sitemap.kind == "feed":
        return _feed(body, url)
    found = [Found(child.loc, "sitemap", child.lastmod) for child in sitemap.sitemaps]
    for entry in sitemap.urls:
        if is_fetchable(entry.loc):
            kind = "article" if classify(entry.loc) != "listing" else "listing"
            found.append(Found(entry.loc, kind, entry.lastmod or entry.news_published))
    return Analysis(found=tuple(found), notes=tuple(sitemap.warnings), content="sitemap")


def _feed(body: bytes, url: str) -> Analysis:
    from archiver.discover import parse_feed

    feed = parse_feed(body, url)
    found = tuple(
        Found(entry.link, "article", entry.published)
        for entry in feed.entries
        if is_fetchable(entry.link)
    )
    return Analysis(found=found, notes=tuple(feed.warnings), content="feed")
