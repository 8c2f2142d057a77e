"""Pagination of listing pages: the link to the next page, numbered page links, and
ASP.NET ``__doPostBack`` pagers (which a GET-only crawler cannot follow).

Next-page candidates, most trustworthy first: ``rel=next``; links labelled "Trang sau",
"Trang tiếp", "Tiếp", "Sau", "Next", "»", "›" (or whose class/title/aria-label says
next); the numbered link one past the current page; links labelled "Xem thêm"/"Xem tiếp".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver.discover import _fasturl
from archiver.discover.links import Anchors, anchors_of, base_url_of, link_target, parse_html
from archiver.text import INVISIBLE, clean, fold
from archiver.urls import normalize_url

__all__ = ["Pager", "PostBack", "next_page_links"]

_NEXT_WORDS = frozenset(
    {
        "trang sau",
        "trang tiep",
        "trang tiep theo",
        "tiep",
        "tiep theo",
        "sau",
        "ke tiep",
        "next",
        "next page",
        "trang ke",
    }
)
_MORE_WORDS = frozenset({"xem them", "xem tiep", "tai them", "xem them tin", "more"})
_NEXT_MARKS = frozenset("›»>→")
_MARK_CHARS = " ›»>→.:…|-"
_NEXT_CLASS = re.compile(r"(?:^|[\s_-])next(?:$|[\s_-])", re.I)
#: The links _next_by_class may say yes to: "next" in their class or their parent's.
_POSTBACK = re.compile(r"__doPostBack\(\s*['\"]([^'\"]*)['\"]\s*,\s*['\"]([^'\"]*)['\"]")
_NUMBER = re.compile(r"\[?(\d{1,4})\]?")
_CURRENT = re.compile(
    r"(?:trang|page|pageindex|pagenumber|paged|p)(?:[-=/_]|%3D)?(\d{1,4})(?:\D|$)", re.I
)


@dataclass(frozen=True, slots=True)
class PostBack:
    """A pager link that only submits the ASP.NET form: ``__doPostBack(target, argument)``."""

    target: str
    argument: str
    label: str


@dataclass(frozen=True, slots=True)
class Pager:
    """What a listing page offers to reach its other pages."""

    next: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    postbacks: tuple[PostBack, ...] = ()

    @property
    def postback_only(self) -> bool:
        """True for a pager that exists but cannot be followed with GET requests."""
        return not self.next and bool(self.postbacks)


#: The most words a label of interest has ("trang tiep theo"; a number is one word).
_MAX_LABEL_WORDS = max(len(w.split()) for w in _NEXT_WORDS | _MORE_WORDS)
_NOT_WORDS = _MARK_CHARS + INVISIBLE


def _long(text: str) -> bool:
    """Does :func:`_label` keep more words of ``text`` than any label of interest has?
    (Counted as the whitespace-separated pieces with a character other than arrows,
    punctuation marks and invisible ones: a lower bound of the words it keeps.)"""
    # A headline is settled by its first few words, not all of them: the text is split into
    # no more pieces than the count needs (every link's text is asked; splitting a teaser's
    # whole headline into words was most of what this cost), and wholly only when one of
    # those first pieces is no word.
    pieces = text.split(None, _MAX_LABEL_WORDS + 1)
    if len(pieces) <= _MAX_LABEL_WORDS:
        return False
    if all(piece.strip(_NOT_WORDS) for piece in pieces[: _MAX_LABEL_WORDS + 1]):
        return True
    words = 0
    for piece in text.split():
        if piece.strip(_NOT_WORDS):
            words += 1
            if words > _MAX_LABEL_WORDS:
                return True
    return False


def _label(node: LexborNode, raw: str | None = None) -> tuple[str, str]:
    """The anchor's folded text without arrows, and the raw marks it had."""
    label = _text_label(node.text(deep=True) if raw is None else raw)
    if label is None:
        attrs = node.attrs
        label = _text_label(attrs.get("aria-label") or attrs.get("title") or "")
    return label or ("", "")


@lru_cache(maxsize=4096)
def _text_label(raw: str) -> tuple[str, str] | None:
    """(folded words without arrows, the arrows) of a link text, None when it is blank:
    cached, as a site's menus repeat on every page."""
    text = clean(raw)
    if not text:
        return None
    marks = "".join(ch for ch in text if ch in _NEXT_MARKS)
    return fold(text).strip(_MARK_CHARS), marks


def _is_next(node: LexborNode, words: str, marks: str, by_class: bool = True) -> bool:
    """Is the link labelled "next", or (``by_class``: worth asking) does a class say so?"""
    if words in _NEXT_WORDS or (not words and marks):
        return True
    return by_class and _next_by_class(node) and not words.isdigit()


def _next_by_class(node: LexborNode) -> bool:
    """The link's class, or its parent's, says "next"."""
    classes = (
        (node.attrs.get("class") or "")
        + " "
        + (node.parent.attrs.get("class") or "" if node.parent is not None else "")
    )
    return bool(_NEXT_CLASS.search(classes))


def current_page_number(url: str) -> int:
    """The page number a listing URL names (``/trang-3.htm``, ``?page=3``, ``/p3``), else 1."""
    numbers = _CURRENT.findall(url)
    return int(numbers[-1]) if numbers else 1


def next_page_links(
    page: bytes | str | LexborHTMLParser, url: str, *, anchors: Anchors | None = None
) -> Pager:
    """The ways from listing ``page`` (fetched from ``url``) to its next pages
    (``anchors``: its links read already, see :class:`~archiver.discover.links.Anchors`)."""
    tree = parse_html(page)
    anchors = anchors_of(tree, anchors)
    nodes, hrefs = anchors.nodes, anchors.hrefs
    base = base_url_of(tree, url, anchors)
    origin = _fasturl.Origin(base)
    here = normalize_url(url)
    strong: list[str] = []
    labelled: list[str] = []
    more: list[str] = []
    numbered: list[tuple[int, str]] = []
    postbacks: list[PostBack] = []
    # The links whose class or parent's class holds "next" in any case: only their
    # classes are worth reading (a page has hundreds of links, a pager one or two).
    classed = anchors.next_classed()

    for node in anchors.marked():  # (those without a rel read as a blank one)
        if "next" in (node.attrs.get("rel") or "").lower().split():
            strong.append(_fasturl.normalize((node.attrs.get("href") or "").strip(), base, origin))

    text = anchors.text
    for index in anchors.links():
        href = hrefs[index]
        if not href:
            continue
        href = href.strip()
        if not href or href[0] == "#":
            continue
        raw = text(index)
        postback = _POSTBACK.search(href) if "__doPostBack" in href else None
        if postback is None and _long(raw):
            # A teaser's headline: no page number, next or "more" label. Only its class
            # may still say "next" (folding the text of every link is what costs here).
            if classed:
                node = nodes[index]
                if node.mem_id in classed and _next_by_class(node):
                    target = link_target(href, base, origin)
                    if target is not None and target != here:
                        labelled.append(target)
            continue
        node = nodes[index]
        words, marks = _label(node, raw)
        number = _NUMBER.fullmatch(words)
        by_class = node.mem_id in classed
        if postback:
            if number or _is_next(node, words, marks, by_class) or "page$" in postback[2].lower():
                postbacks.append(PostBack(postback[1], postback[2], words or marks))
            continue
        if number:
            kind = "number"
        elif _is_next(node, words, marks, by_class):
            kind = "next"
        elif words in _MORE_WORDS:
            kind = "more"
        else:
            continue
        target = link_target(href, base, origin)
        if target is None or target == here:
            continue
        if kind == "number":
            numbered.append((int(number[1]), target))  # type: ignore[index]
        elif kind == "next":
            labelled.append(target)
        else:
            more.append(target)

    pages = _page_links(numbered)
    after = current_page_number(here) + 1
    following = [u for n, u in pages.items() if n == after]
    ordered = dict.fromkeys(u for u in (*strong, *labelled, *following, *more) if u != here)
    return Pager(next=tuple(ordered), pages=tuple(pages.values()), postbacks=tuple(postbacks))


def _page_links(numbered: list[tuple[int, str]]) -> dict[int, str]:
    """The numbered links that really are pages, by number.

    A link labelled "3" is a page when its URL names page 3 (``trang-3``, ``page=3``) or
    when another numbered link has the same URL but for that number (``/2.htm``, ``/3.htm``).
    """
    by_template: dict[str, list[tuple[int, str]]] = {}
    for number, target in numbered:
        digits = str(number)
        cut = [m.start() for m in re.finditer(rf"(?<!\d){digits}(?!\d)", target)]
        if cut:
            template = target[: cut[-1]] + "{}" + target[cut[-1] + len(digits) :]
            by_template.setdefault(template, []).append((number, target))
    pages: dict[int, str] = {}
    for group in by_template.values():
        for number, target in group:
            if len(group) > 1 or current_page_number(target) == number:
                pages.setdefault(number, target)
    return dict(sorted(pages.items()))
