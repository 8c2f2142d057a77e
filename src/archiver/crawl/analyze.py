"""What a fetched page yields for the crawl: its article, and the in-scope URLs it leads to.

:func:`analyze` is pure (bytes and URL in, :class:`Analysis` out) and picklable, so
the crawl runs it in worker processes while the event loop keeps fetching. The page
is parsed once: links are read from the tree before extraction consumes it, and only
links inside the crawl's scope travel back to the engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, NamedTuple

from archiver.article import Article
from archiver.crawl.config import in_domains, port_allowed
from archiver.crawl.period import Period
from archiver.discover.links import classify
from archiver.fetch.exchange import Exchange
from archiver.fetch.result import content_kind
from archiver.pickling import pickled_by_fields
from archiver.urls import MAX_URL_LENGTH, explicit_port

# Links to files that are not web pages: recorded nowhere, never fetched.
_BINARY_EXTENSIONS = (
    r"\.(?:jpe?g|png|gif|webp|svg|ico|bmp|tiff?|mp[34]|m4a|avi|mov|wmv|flv|webm|ogg|wav|"
    r"pdf|docx?|xlsx?|pptx?|odt|rar|zip|7z|gz|tar|exe|msi|apk|css|js|json|woff2?|ttf|eot)(?:$|\?)"
)
_BINARY = re.compile(_BINARY_EXTENSIONS, re.IGNORECASE)
# The same for a lower-cased ASCII URL, as nearly every link is: matching case-blind cost
# three times as much (and IGNORECASE's letters take a few non-ASCII ones too).
_BINARY_LOWER = re.compile(_BINARY_EXTENSIONS)


class Found(NamedTuple):
    """A URL a page leads to (normalised), what it probably is, and its host.

    It crosses the workers' pipe as the plain tuple of its fields, ``(url, kind,
    lastmod, host)``, which the crawl's process unpacks by position: unpickled as a
    ``Found``, each of a page's dozen links cost a call of Python code (1.7 us as a
    frozen dataclass, 0.8 as a named tuple), a plain tuple 0.1 us.
    """

    url: str
    kind: str
    lastmod: datetime | None = None
    host: str = ""

    def __reduce__(self) -> tuple[type[tuple[Any, ...]], tuple[tuple[Any, ...]]]:
        return (tuple, (tuple(self),))


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Analysis:
    article: Article | None = None
    #: Each a :class:`Found`, or its plain tuple once it has crossed the pipe.
    found: tuple[Found, ...] = ()
    #: Next pages of a paginated listing (followed only while they bring new articles).
    next_pages: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    #: "html", "sitemap", "feed" or "other" (not parsed).
    content: str = "other"
    #: The exchange made ready for the archive (hashed, compressed, folded), when asked.
    prepared: Any = None
    #: When the page's article was published, if it was left out for falling outside
    #: the crawl's period.
    outside_period: str | None = None


def is_fetchable(url: str) -> bool:
    """False for links to images, documents, archives and other non-pages."""
    if url.isascii():
        return not _BINARY_LOWER.search(url.lower())
    return not _BINARY.search(url)


def url_host(url: str) -> str:
    """The host of a normalised http(s) URL, without port or ``www.`` (fast path of host_of)."""
    netloc = url.split("/", 3)[2] if url.count("/") >= 2 else ""
    if "@" in netloc or "[" in netloc:
        from archiver.urls import host_of

        try:
            return host_of(url)
        except ValueError:  # brackets round no IP address ("http://[menu]"): no host at all
            return ""
    host = netloc.split(":", 1)[0]
    return host[4:] if host.startswith("www.") else host


class Scope:
    """Origins a crawl may fetch from: these hosts and their subdomains, on their default
    ports, or on the ports they were named with (see ``config.port_allowed``).

    The crawl sends its scope with every page to the parsing workers: it travels as one
    string, and a worker builds the scope of a string once (:func:`_scope_of`), so the
    link verdicts keyed by it (``_verdicts``) find their table without hashing and
    comparing its sets page after page.
    """

    def __init__(
        self,
        hosts: Iterable[str],
        origins: Iterable[tuple[str, int | None]] = (),
    ) -> None:
        self.hosts = frozenset(hosts)
        self.origins = frozenset(origins)
        self.ported = frozenset(h for h, p in self.origins if p is not None)
        self._text: str | None = None
        #: What :meth:`origin_of` found, by a URL's origin part (see :func:`origin_part`).
        self._origins: dict[str, tuple[str, bool]] = {}

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        if self._text is None:
            # Hosts never hold white space; a port is digits or nothing.
            origins = (f"{h} {'' if p is None else p}" for h, p in sorted(self.origins, key=str))
            self._text = "\n".join(sorted(self.hosts)) + "\t" + "\n".join(origins)
        return (_scope_of, (self._text,))

    def __contains__(self, host: str) -> bool:
        return in_domains(host, self.hosts)

    def allows(self, url: str, host: str) -> bool:
        """Is ``url`` (whose :func:`url_host` is ``host``) in scope, port included?"""
        return in_domains(host, self.hosts) and port_allowed(
            host, explicit_port(url), self.origins, self.ported
        )

    def origin_of(self, url: str) -> tuple[str, bool]:
        """(:func:`url_host` of ``url``, whether it is a host in scope): read once per origin
        (see :func:`origin_part`). A listing's hundred new links a page are on a few origins,
        and reading the host, the port and the domains of each took a fifth of a verdict."""
        return _origin_of(url, self._origins, self)


def origin_part(url: str) -> str:
    """``url`` up to its third "/" (all of it without one): the part :func:`url_host` and
    :meth:`Scope.allows` read. Both read the host and port of the text between the second
    "/" and the third (``urlsplit``'s netloc, when they fall back on it, ends there or
    earlier: at a "/", "?" or "#"), and the scheme before it; nothing after the third."""
    third = url.find("/", url.find("/", url.find("/") + 1) + 1)
    return url if third < 0 else url[:third]


#: :func:`_origin_of`'s answers without a scope (every URL with a host is in).
_UNSCOPED_ORIGINS: dict[str, tuple[str, bool]] = {}
#: The most origins remembered per scope (a crawl of a few sites links to a few hundred).
MAX_ORIGINS = 4096


def _origin_of(
    url: str, known: dict[str, tuple[str, bool]], scope: Scope | None
) -> tuple[str, bool]:
    key = origin_part(url)
    found = known.get(key)
    if found is None:
        if len(known) >= MAX_ORIGINS:
            known.clear()
        host = url_host(url)
        found = known[key] = (host, bool(host) and (scope is None or scope.allows(url, host)))
    return found


#: The scopes a worker was sent, by their text (a crawl has one; a worker serves one crawl).
_SCOPES: dict[str, Scope] = {}


def _scope_of(text: str) -> Scope:
    """The :class:`Scope` pickled as ``text``, built once per worker."""
    scope = _SCOPES.get(text)
    if scope is None:
        hosts, _, origins = text.partition("\t")
        pairs = (line.split(" ") for line in origins.split("\n") if line)
        scope = Scope(
            (h for h in hosts.split("\n") if h),
            ((host, int(port) if port else None) for host, port in pairs),
        )
        scope._text = text
        if len(_SCOPES) >= 16:
            _SCOPES.clear()
        _SCOPES[text] = scope
    return scope


def analyze(
    body: bytes,
    url: str,
    *,
    content_type: str | None,
    kind: str,
    profile: str | None,
    fetched_at: datetime | None,
    scope: Scope | None = None,
) -> Analysis:
    """Extract the article (if any) and the onward in-scope URLs of one fetched response."""
    content = content_kind(content_type, body, kind)
    if content == "sitemap":
        return _sitemap(body, url, scope)
    if content == "feed":
        return _feed(body, url, scope)
    if content != "html":
        return Analysis(content="other")
    from archiver.discover import (
        Anchors,
        earlier_articles_box,
        find_feed_links,
        link_urls,
        next_page_links,
    )
    from archiver.extract import extract_page, load_page
    from archiver.extract.pipeline import url_refusal
    from archiver.sites import registry

    page = load_page(body, {"content-type": content_type} if content_type else None)
    tree = page.tree
    prof = registry().get(profile) if profile else registry().for_page(url, tree)
    patterns = (prof.article_urls, prof.listing_urls, prof.ignore_urls) if prof else ((), (), ())
    # The page's links, read once for the links, the pager and the feed links.
    anchors = Anchors(tree)
    verdicts = _verdicts(scope, patterns)
    found: list[Found] = []
    for link in link_urls(tree, url, anchors=anchors):
        verdict = verdicts.get(link, _UNSEEN)
        if verdict is _UNSEEN:
            verdict = verdicts[link] = _link_verdict(link, scope, *patterns)
        if verdict is not None:
            found.append(verdict)
    # Read the listing furniture before extraction consumes the tree; an article page
    # (by its URL) has none worth the time: its links are all above already.
    listing_like = kind != "article"
    boxes = earlier_articles_box(tree, url) if listing_like else []
    pager = next_page_links(tree, url, anchors=anchors) if listing_like else None
    feeds = find_feed_links(tree, url, anchors=anchors) if kind in ("seed", "listing") else []
    # A page its URL shows to be no article (a site's home, its "about" page, a profile's
    # listing) is not extracted: the extraction would say so, and its record is thrown
    # away. (Asked of the other kinds only: an article's URL seldom is one, and the
    # extraction asks again.)
    refused = listing_like and url_refusal(url, prof) is not None
    article = None if refused else extract_page(page, url, fetched_at=fetched_at, profile=prof)
    is_article = article is not None and article.is_article
    notes: list[str] = []
    next_pages: tuple[str, ...] = ()
    if not is_article and pager is not None:
        # The links above are in scope already; the earlier articles and feeds not yet.
        found += _kept((Found(b.url, "article", None, url_host(b.url)) for b in boxes), scope)
        next_pages = pager.next[:1]
        if pager.postback_only:
            notes.append("listing pager uses ASP.NET postbacks; its later pages cannot be followed")
        feed_urls = [f.url for f in feeds if f.kind == "feed"]
        found += _kept((Found(u, "feed", None, url_host(u)) for u in feed_urls), scope)
    return Analysis(
        article=article if is_article else None,
        found=_not_too_long(found, notes),
        next_pages=tuple(u for u in next_pages if len(u) <= MAX_URL_LENGTH),
        notes=tuple(notes),
        content="html",
    )


_KINDS = {"article": "article", "listing": "listing"}


def _not_too_long(found: Iterable[Found], notes: list[str]) -> tuple[Found, ...]:
    """``found`` without URLs over :data:`MAX_URL_LENGTH`; a note says how many were left."""
    found = tuple(found)
    kept = tuple(f for f in found if len(f.url) <= MAX_URL_LENGTH)
    if len(kept) < len(found):
        skipped = len(found) - len(kept)
        notes.append(f"{skipped} links longer than {MAX_URL_LENGTH} characters skipped")
    return kept


def _kept(found: Iterable[Found], scope: Scope | None) -> tuple[Found, ...]:
    """The URLs of ``found`` inside the crawl's scope (all with a host, without a scope)."""
    return tuple(f for f in found if f.host and (scope is None or scope.allows(f.url, f.host)))


Patterns = tuple[re.Pattern[str], ...]

#: What each link URL became (its :class:`Found`, or None when left out), per crawl scope
#: and site profile's URL patterns: a site's menus and sidebars repeat on every page, and
#: a link's host, scope, kind and patterns are then read once. A worker keeps one table
#: per scope and patterns (the scope of a crawl, each site's profile); a table is emptied
#: when it holds :data:`MAX_VERDICTS` URLs.
_VERDICTS: dict[tuple[object, ...], dict[str, Found | None]] = {}
MAX_VERDICTS = 16_384
_UNSEEN = object()


def _verdicts(
    scope: Scope | None, patterns: tuple[Patterns, Patterns, Patterns]
) -> dict[str, Found | None]:
    key = (*((scope.hosts, scope.origins) if scope is not None else (None, None)), *patterns)
    table = _VERDICTS.get(key)
    if table is None:
        if len(_VERDICTS) >= 64:  # (a crawl has one scope, and a profile a site)
            _VERDICTS.clear()
        table = _VERDICTS[key] = {}
    elif len(table) >= MAX_VERDICTS:
        table.clear()
    return table


def _link_verdict(
    url: str, scope: Scope | None, articles: Patterns, listings: Patterns, ignored: Patterns
) -> Found | None:
    """The :class:`Found` of an in-scope, fetchable, not ignored link; else None."""
    host, inside = (
        scope.origin_of(url) if scope is not None else _origin_of(url, _UNSCOPED_ORIGINS, None)
    )
    if not inside:
        return None
    if not is_fetchable(url) or any(p.search(url) for p in ignored):
        return None
    return Found(url, _KINDS.get(classify(url, articles, listings), "page"), None, host)


def analyze_exchange(
    exchange: Exchange,
    *,
    kind: str,
    profile: str | None,
    scope: Scope | None,
    site: str | None,
    compress_level: int,
    period: Period | None = None,
) -> Analysis:
    """:func:`analyze` the response of ``exchange``, then prepare it for the archive.

    Both are CPU work (parsing; hashing, compressing and folding for the store), so both
    run in the worker: the crawl's event loop is left with the network and the writes.
    An article published outside ``period`` is left out, and its links with it: the
    exchange is still recorded.
    """
    from archiver.store.prepare import prepare

    analysis = analyze(
        exchange.body,
        exchange.final_url or exchange.url,
        content_type=exchange.content_type,
        kind=kind,
        profile=profile,
        fetched_at=exchange.fetched_at,
        scope=scope,
    )
    article = analysis.article
    if period and article is not None and not period.holds_iso(article.published_at):
        analysis = replace(
            analysis, article=None, found=(), next_pages=(), outside_period=article.published_at
        )
    prepared = prepare(
        exchange,
        analysis.article,
        site=site,
        body_known=_never_known,
        compress_level=compress_level,
    )
    return replace(analysis, prepared=prepared)


def _never_known(sha256: str) -> bool:
    """Workers cannot see the archive: bodies are always compressed (the store ignores
    a body it already has)."""
    return False


def _sitemap(body: bytes, url: str, scope: Scope | None) -> Analysis:
    from archiver.discover import parse_sitemap

    sitemap = parse_sitemap(body, url)
    if sitemap.kind == "feed":
        return _feed(body, url, scope)
    children = (Found(c.loc, "sitemap", c.lastmod, url_host(c.loc)) for c in sitemap.sitemaps)
    found = list(_kept(children, scope))
    for entry in sitemap.urls:
        if not is_fetchable(entry.loc):
            continue
        host = url_host(entry.loc)
        if not host or (scope is not None and not scope.allows(entry.loc, host)):
            continue  # checked first: classify() spends no time on it
        kind = "listing" if classify(entry.loc) == "listing" else "article"
        found.append(Found(entry.loc, kind, entry.lastmod or entry.news_published, host))
    notes = list(sitemap.warnings)
    return Analysis(found=_not_too_long(found, notes), notes=tuple(notes), content="sitemap")


def _feed(body: bytes, url: str, scope: Scope | None) -> Analysis:
    from archiver.discover import parse_feed

    feed = parse_feed(body, url)
    found = (
        Found(entry.link, "article", entry.published, url_host(entry.link))
        for entry in feed.entries
        if is_fetchable(entry.link)
    )
    notes = list(feed.warnings)
    kept = _not_too_long(_kept(found, scope), notes)
    return Analysis(found=kept, notes=tuple(notes), content="feed")
