"""Outgoing links of an HTML page, and telling article URLs from listing URLs.

:func:`extract_links` gives every http(s) link of a page, normalised with
``archiver.urls.normalize_url`` (resolved against ``<base href>`` when the page has one),
with its anchor text. :func:`classify` sorts a URL into "article", "listing" or "other"
from regular expressions a site profile supplies, or, for a kind with no patterns,
from the URL shapes Vietnamese news sites and portals use:

- articles: ``/slug-20221224095943188.htm``, ``/slug-4220047.html``, ``/slug-post1234.html``,
  ``.chn``/``.ldo``/``.tpo`` with a long id, ``?IDBaiViet=123``, ``?dDocName=PORTAL123``,
  Joomla ``view=article``, or a slug of five or more words (``/tin-tuc/tam-ky-dan-dau-x-y.html``);
- listings: the home page, short category slugs (``/thoi-su.htm``, ``/kinh-doanh/bat-dong-san``),
  page numbers (``/trang-2.htm``, ``?page=2``, ``/p2``, ``/page/2/``), date archives,
  ``ChuyenMuc``/``category`` pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver.discover import _fasturl
from archiver.text import clean
from archiver.urls import normalize_url

__all__ = [
    "Anchors",
    "Kind",
    "Link",
    "anchor_text",
    "base_url_of",
    "classify",
    "extract_links",
    "link_target",
    "link_urls",
    "looks_like_article",
    "looks_like_listing",
    "parse_html",
]

Kind = Literal["article", "listing", "other"]
Patterns = Iterable[str | re.Pattern[str]]

_SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "sms:", "callto:", "file:", "ftp:")

_ARTICLE_QUERY = re.compile(
    r"(?:^|&)(?:idbaiviet|ddocname|newsid|articleid|itemid|id_bai_viet|tintucid)=[\w-]+"
    r"|(?:^|&)view=article(?:&|$)|^p=\d+$",
    re.IGNORECASE,
)
# The last path segment of an article: a slug of 3+ words, then a long numeric id.
_ARTICLE_ID_SLUG = re.compile(
    r"[a-z0-9]+(?:-[a-z0-9]+){2,}-[a-z]{0,4}\d{5,}(?:\.[a-z]{2,5})?", re.IGNORECASE
)
_LONG_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){4,}(?:\.(?:html?|aspx|php|shtml))?", re.I)
_LISTING_PATH = re.compile(
    r"/(?:trang|page|p)[-/]?\d+(?:\.[a-z]{2,5})?/?$"
    r"|/(?:ngay|date|archive|luu-tru)[-/]\d{4}|xemtheongay|chuyenmuc|chuyen-muc|danh-muc"
    r"|/category/|/tag/|/tags?/|/tim-kiem|/search",
    re.IGNORECASE,
)
_LISTING_QUERY = re.compile(
    r"(?:^|&)(?:page|trang|pageindex|pagenumber|paged|p_page|idchuyenmuc|catid|cat|ngay)=",
    re.IGNORECASE,
)
# The same tests, cheaper for the ASCII paths of nearly every link (searching the pattern
# above at each position of a long article slug was half of what a verdict cost): the path
# lower-cased (IGNORECASE's [a-z] takes four non-ASCII letters too, so only for ASCII), the
# alternatives starting with "/" searched from each "/", the others as substrings.
_LISTING_SLASHED = re.compile(
    r"/(?:(?:trang|page|p)[-/]?\d+(?:\.[a-z]{2,5})?/?$"
    r"|(?:ngay|date|archive|luu-tru)[-/]\d{4}|category/|tags?/|tim-kiem|search)"
)
_LISTING_WORDS = ("xemtheongay", "chuyenmuc", "chuyen-muc", "danh-muc")
# _ARTICLE_ID_SLUG split at its last "-" (what follows it holds none): the tail is tried
# first, and fails on most slugs at once.
_ID_SLUG_HEAD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){2,}", re.IGNORECASE)
_ID_SLUG_TAIL = re.compile(r"[a-z]{0,4}\d{5,}(?:\.[a-z]{2,5})?", re.IGNORECASE)
# _LONG_SLUG for a lower-cased ASCII segment (matching case-blind costs twice as much).
_LONG_SLUG_LOWER = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){4,}(?:\.(?:html?|aspx|php|shtml))?")
_SHORT_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){0,3}(?:\.(?:html?|chn|aspx|php))?/?", re.I)


@dataclass(frozen=True, slots=True)
class Link:
    """An outgoing link: normalised absolute URL and the anchor's text ("" when none)."""

    url: str
    text: str


def parse_html(page: bytes | str | LexborHTMLParser) -> LexborHTMLParser:
    """A parsed tree for ``page`` (returned as is when it is one already)."""
    return page if isinstance(page, LexborHTMLParser) else LexborHTMLParser(page)


def base_url_of(tree: LexborHTMLParser, url: str, anchors: Anchors | None = None) -> str:
    """The URL relative links resolve against: ``<base href>`` if present, else ``url``
    (``anchors``: the page's links read already, which keep the ``<base href>`` found)."""
    href = anchors.base_href if anchors is not None else _base_href(tree)
    if href and not href.lower().startswith(_SKIPPED_SCHEMES):
        return normalize_url(href, url)
    return url


def _tag_id(name: str) -> int:
    node = LexborHTMLParser(f"<{name} href=x>").css_first(name)
    assert node is not None
    return node.tag_id


#: lexbor's ids of the tags :class:`Anchors` reads (an int per node is cheaper than its name).
_A, _AREA, _BASE, _LINK = _tag_id("a"), _tag_id("area"), _tag_id("base"), _tag_id("link")

#: What a listing's pager and feed links read besides the page's links, found in one search
#: of the tree (each search walks the whole page: three took 0.3 ms each on a bench listing):
#: the ``<link href>`` elements (feeds, ``rel=next``) and the few ``<a href>`` a ``rel`` or a
#: "next" in its class or its parent's may mark. See :meth:`Anchors.marked`.
_MARKED = 'link[href], a[rel][href], a[href][class*="next" i], [class*="next" i] > a[href]'
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _base_href(tree: LexborHTMLParser) -> str:
    base = tree.css_first("base[href]")
    return (base.attributes.get("href") or "").strip() if base is not None else ""


class Anchors:
    """The links (``a[href]``, ``area[href]``) of a parsed page, read once for all the
    functions that look at them (:func:`extract_links`, the listing pager, feed links):
    each element's ``href`` and, when first asked, its text. A listing page holds hundreds
    of links, and finding them and reading their attributes and text from the tree is most
    of what each of those functions spends. Read it before the tree changes."""

    __slots__ = ("_marked", "_texts", "_tree", "base_href", "hrefs", "nodes", "only_a")

    def __init__(self, tree: LexborHTMLParser) -> None:
        # One search of the tree for the links and the <base href>: a search each (and one
        # more for an <area>) took three times as long, ~0.1 M instructions a bench page.
        nodes = tree.css("a[href], area[href], base[href]")
        tags = [node.tag_id for node in nodes]
        #: The page's ``<base href>``, stripped ("" without one): read once for the links,
        #: the pager and the feed links.
        self.base_href = ""
        if _BASE in tags:
            base = nodes[tags.index(_BASE)]  # the first in document order
            self.base_href = (base.attributes.get("href") or "").strip()
            nodes = [node for node, tag in zip(nodes, tags, strict=True) if tag != _BASE]
            tags = [tag for tag in tags if tag != _BASE]
        self.nodes = nodes
        self.hrefs: list[str | None] = [node.attrs.get("href") for node in nodes]
        #: No ``<area>`` among them (the pager and feed links read only ``<a>``).
        self.only_a = _AREA not in tags
        self._texts: list[str | None] = [None] * len(nodes)
        self._tree = tree
        self._marked: list[LexborNode] | None = None

    def text(self, index: int) -> str:
        """``node.text(deep=True)`` of the ``index``-th element."""
        text = self._texts[index]
        if text is None:
            text = self._texts[index] = self.nodes[index].text(deep=True)
        return text

    def marked(self) -> list[LexborNode]:
        """The page's ``<link href>`` elements and the ``<a href>`` elements with a ``rel``
        or a class "next" (:data:`_MARKED`), in document order; searched when first asked."""
        if self._marked is None:
            # lexbor lists an element once for each selector of the list it matches.
            nodes = self._tree.css(_MARKED)
            self._marked = list({node.mem_id: node for node in nodes}.values())
        return self._marked

    def head_links(self) -> Iterator[LexborNode]:
        """``tree.css("link[href]")``: the ``<link href>`` elements, in document order."""
        return (node for node in self.marked() if node.tag_id == _LINK)

    def next_classed(self) -> set[int]:
        """The ``mem_id`` of each element of ``tree.css('a[href][class*="next" i],
        [class*="next" i] > a[href]')``: a class "next" in any case (ASCII, as CSS's ``i``)."""
        return {
            node.mem_id
            for node in self.marked()
            if node.tag_id == _A and (_next_in_class(node) or _next_in_class(node.parent))
        }

    def links(self) -> Iterator[int]:
        """The indexes of the ``<a>`` elements, in document order."""
        if self.only_a:
            return iter(range(len(self.nodes)))
        return (i for i, node in enumerate(self.nodes) if node.tag == "a")


def _next_in_class(node: LexborNode | None) -> bool:
    """Does the element's class attribute hold "next" in any ASCII case?"""
    if node is None:
        return False
    return "next" in (node.attrs.get("class") or "").translate(_ASCII_LOWER)


def anchors_of(page: bytes | str | LexborHTMLParser, anchors: Anchors | None) -> Anchors:
    return anchors if anchors is not None else Anchors(parse_html(page))


def extract_links(
    page: bytes | str | LexborHTMLParser, url: str, *, anchors: Anchors | None = None
) -> list[Link]:
    """Every distinct http(s) link of ``page`` (fetched from ``url``), in document order.

    A URL linked several times keeps the first non-empty anchor text (or ``title``/``alt``).
    Links back to the page itself and fragment-only links are left out. ``anchors``: the
    page's links read already (:class:`Anchors`).
    """
    tree = parse_html(page)
    anchors = anchors_of(tree, anchors)
    found: dict[str, str] = {}
    nodes = anchors.nodes
    for index, target in _targets(tree, url, anchors):
        if not found.get(target):
            found[target] = anchor_text(nodes[index], anchors.text(index))
    return [Link(target, text) for target, text in found.items()]


def link_urls(
    page: bytes | str | LexborHTMLParser, url: str, *, anchors: Anchors | None = None
) -> list[str]:
    """The URLs of :func:`extract_links`, in the same order, without their anchor texts
    (reading and cleaning each link's text is most of what that costs)."""
    tree = parse_html(page)
    return list(
        dict.fromkeys(target for _, target in _targets(tree, url, anchors_of(tree, anchors)))
    )


def _targets(tree: LexborHTMLParser, url: str, anchors: Anchors) -> Iterator[tuple[int, str]]:
    """(index in ``anchors``, normalised URL) of each http(s) link that is not the page."""
    base = base_url_of(tree, url, anchors)
    origin = _fasturl.Origin(base)
    here = normalize_url(url)
    targets: dict[str | None, str | None] = {}  # href -> target: listings repeat each href
    for index, href in enumerate(anchors.hrefs):
        if href in targets:
            target = targets[href]
        else:
            target = targets[href] = link_target(href, base, origin)
        if target is not None and target != here:
            yield index, target


def link_target(href: str | None, base: str, origin: _fasturl.Origin) -> str | None:
    """The normalised http(s) URL an ``href`` points to, or None (javascript:, #top, mailto:)."""
    if not href:
        return None
    href = href.strip()
    if not href or href[0] == "#" or href[:11].lower().startswith(_SKIPPED_SCHEMES):
        return None
    target = _fasturl.normalize(href, base, origin)
    return target if target.startswith(("http://", "https://")) else None


def anchor_text(node: LexborNode, raw: str | None = None) -> str:
    """The text of a link, else its ``title``, else the ``alt`` of its image ("" if none).
    ``raw``: ``node.text(deep=True)``, when read already."""
    text = clean(node.text(deep=True) if raw is None else raw)
    if not text:
        image = node.css_first("img[alt]")
        text = clean(node.attrs.get("title") or (image.attrs.get("alt") if image else ""))
    return text


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _matches(url: str, patterns: tuple[str | re.Pattern[str], ...]) -> bool:
    return any((p if isinstance(p, re.Pattern) else _compiled(p)).search(url) for p in patterns)


def classify(url: str, article_patterns: Patterns = (), listing_patterns: Patterns = ()) -> Kind:
    """ "article", "listing" or "other" for ``url``.

    Patterns are regular expressions searched in the whole URL. When patterns are given
    for a kind they alone decide it; a kind without patterns falls back on the URL-shape
    heuristics of :func:`looks_like_article` / :func:`looks_like_listing`.
    """
    articles = tuple(article_patterns)
    listings = tuple(listing_patterns)
    if _matches(url, articles) if articles else looks_like_article(url):
        return "article"
    if _matches(url, listings) if listings else looks_like_listing(url):
        return "listing"
    return "other"


def _last_segment(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


#: Characters after which :func:`_path_query` leaves a URL to ``urlsplit``: a fragment, an
#: IPv6 bracket, the white space ``urlsplit`` removes.
_NOT_SIMPLE = re.compile(r"[#\[\]\t\r\n]")


def _path_query(url: str) -> tuple[str, str]:
    """``urlsplit(url)``'s path and query. A link of a crawl is a normalised http(s) URL
    (no fragment, ASCII): its path starts at the first "/" or "?" after the host, its
    query after the first "?", and slicing finds them in a tenth of ``urlsplit``'s time
    (the verdicts on a listing's hundred new links spent a third of theirs there). Any
    other URL goes through ``urlsplit`` (tests/test_discover_links.py checks both agree)."""
    if url.startswith("http://"):
        start = 7
    elif url.startswith("https://"):
        start = 8
    else:
        start = 0
    if start and url.isascii() and not _NOT_SIMPLE.search(url):
        slash, mark = url.find("/", start), url.find("?", start)
        if mark < 0:
            return (url[slash:] if slash >= 0 else ""), ""
        if 0 <= slash < mark:
            return url[slash:mark], url[mark + 1 :]
        return "", url[mark + 1 :]
    parts = urlsplit(url)
    return parts.path, parts.query


def looks_like_article(url: str) -> bool:
    """True when ``url`` has the shape of an article on Vietnamese news sites and portals."""
    return _article_shape(*_path_query(url))


def _article_shape(path: str, query: str) -> bool:
    if query and _ARTICLE_QUERY.search(query):
        return True
    if _listing_path(path):
        return False
    last = _last_segment(path)
    return _article_id_slug(last) or _long_slug(last)


def _long_slug(last: str) -> bool:
    """``_LONG_SLUG.fullmatch(last)``."""
    if last.isascii():
        return _LONG_SLUG_LOWER.fullmatch(last.lower()) is not None
    return _LONG_SLUG.fullmatch(last) is not None


def _listing_path(path: str) -> bool:
    """``_LISTING_PATH.search(path)`` (tests/test_discover_links.py checks they agree)."""
    if not path.isascii():
        return _LISTING_PATH.search(path) is not None
    lowered = path.lower()
    return _LISTING_SLASHED.search(lowered) is not None or any(
        word in lowered for word in _LISTING_WORDS
    )


def _article_id_slug(last: str) -> bool:
    """``_ARTICLE_ID_SLUG.fullmatch(last)``, tail first."""
    head, dash, tail = last.rpartition("-")
    return bool(dash and _ID_SLUG_TAIL.fullmatch(tail) and _ID_SLUG_HEAD.fullmatch(head))


def looks_like_listing(url: str) -> bool:
    """True when ``url`` has the shape of a home, category, page-N or date-archive page."""
    path, query = _path_query(url)
    if query and _LISTING_QUERY.search(query):
        return True
    path = path or "/"
    if path == "/" or _listing_path(path):
        return True
    segments = [s for s in path.split("/") if s]
    if len(segments) > 2 or _article_shape(path, query):
        return False
    return all(_SHORT_SLUG.fullmatch(segment) for segment in segments)
