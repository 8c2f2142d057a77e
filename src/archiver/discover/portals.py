"""Government-portal discovery: the "Tin đã đưa" box of earlier articles and the
"Xem theo ngày" date archives that let a crawl walk a whole site back in time.

An article page on the old ASP.NET portals (the seed's kind, see site-notes) ends with a
box titled "Tin đã đưa" (or "Các tin đã đưa", "Tin khác", "Tin cùng chuyên mục") listing
earlier articles; :func:`earlier_articles_box` returns its links. Their "Xem theo ngày"
form lists the articles of one day; :func:`date_archive_urls` writes the URL of every
day of a range from a template, newest day first, for backfilling.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver.discover import _fasturl
from archiver.discover.links import Link, anchor_text, base_url_of, link_target, parse_html
from archiver.text import clean, fold
from archiver.urls import normalize_url

__all__ = ["BOX_LABELS", "date_archive_urls", "earlier_articles_box"]

#: Titles of the boxes of other articles on portal and news pages (matched accent- and
#: case-insensitively, with or without a trailing colon).
BOX_LABELS = (
    "Tin đã đưa",
    "Các tin đã đưa",
    "Tin khác",
    "Các tin khác",
    "Tin cùng chuyên mục",
    "Tin bài khác",
    "Bài viết khác",
    "Các bài viết khác",
    "Tin đã đăng",
)
# Titles of other sections: a box ends where one of them stands.
_SECTION_LABELS = ("Xem theo ngày", "Tin liên quan", "Ý kiến bạn đọc", "Bình luận")
_MAX_CLIMB = 6
_MAX_LABEL_CHARS = 40


@lru_cache(maxsize=8192)
def _folded(label: str) -> str:
    """``label`` folded for comparison (cached: the short texts of a site's pages repeat)."""
    return fold(clean(label)).rstrip(" :").strip()


def _label_of(node: LexborNode) -> str:
    """The folded text of a short text node ("" for elements and long texts)."""
    if node.tag != "-text":
        return ""
    return _label_of_text(node.text_content or "")


def _label_of_text(text: str) -> str:
    return _folded(text) if len(text) <= _MAX_LABEL_CHARS * 2 and text.strip() else ""


#: Between the text nodes of a page as :func:`_titled` reads them: the parser drops NUL
#: characters from a document's text, so none is inside a text node.
_NODE_BREAK = "\x00"


def _titled(root: LexborNode, wanted: set[str]) -> bool:
    """Does a text node under ``root`` read as one of the ``wanted`` labels? Read from the
    texts lexbor joins in C: most pages have no box, and walking all their nodes as Python
    objects to find that out took most of this module's time."""
    texts = root.text(deep=True, separator=_NODE_BREAK, skip_empty=True).split(_NODE_BREAK)
    if "" in wanted:  # (a long or blank text reads as "": any text will do)
        return any(_label_of_text(text) in wanted for text in texts)
    # Only a short text can read as a label, and each different one need be read once (a
    # listing repeats its "Xem thêm", dates and section names).
    limit = _MAX_LABEL_CHARS * 2
    return any(_label_of_text(text) in wanted for text in {t for t in texts if len(t) <= limit})


def earlier_articles_box(
    page: bytes | str | LexborHTMLParser, url: str, labels: Iterable[str] = BOX_LABELS
) -> list[Link]:
    """The links of the first box titled with one of ``labels``, in order ([] if none).

    The title is found as a text node (cheap on big pages); the box is what follows it
    inside the nearest ancestor that has links after it, up to the next section title.
    """
    tree = parse_html(page)
    root = tree.body or tree.root
    if root is None:
        return []
    wanted = {_folded(label) for label in labels}
    if not _titled(root, wanted):
        return []
    stops = wanted | {_folded(label) for label in _SECTION_LABELS}
    title = next((n for n in root.traverse(include_text=True) if _label_of(n) in wanted), None)
    if title is None or title.parent is None:
        return []
    heading = title.parent
    base = base_url_of(tree, url)
    origin = _fasturl.Origin(base)
    container = heading.parent
    for _ in range(_MAX_CLIMB):
        if container is None:
            return []
        links = _links_after(container, heading, base, origin, stops)
        if links:
            return links
        container = container.parent
    return []


def _links_after(
    container: LexborNode,
    heading: LexborNode,
    base: str,
    origin: _fasturl.Origin,
    stops: set[str],
) -> list[Link]:
    inside_heading = {node.mem_id for node in heading.traverse(include_text=True)}
    passed = False
    found: dict[str, str] = {}
    for node in container.traverse(include_text=True):
        if node.mem_id == heading.mem_id:
            passed = True
            continue
        if not passed or node.mem_id in inside_heading:
            continue
        if node.tag == "-text":
            if _label_of(node) in stops:
                break
            continue
        if node.tag != "a":
            continue
        target = link_target(node.attrs.get("href"), base, origin)
        if target is not None and not found.get(target):
            found[target] = anchor_text(node)
    return [Link(target, text) for target, text in found.items()]


_TOKENS = {
    "{yyyy}": lambda d: f"{d.year:04d}",
    "{yy}": lambda d: f"{d.year % 100:02d}",
    "{mm}": lambda d: f"{d.month:02d}",
    "{m}": lambda d: str(d.month),
    "{dd}": lambda d: f"{d.day:02d}",
    "{d}": lambda d: str(d.day),
}


def date_archive_urls(
    template: str, start: date, end: date, base: str | None = None
) -> Iterator[str]:
    """The archive URL of every day from the later of ``start``/``end`` back to the earlier.

    ``template`` holds ``{yyyy}`` (or ``{yy}``), ``{mm}``/``{m}`` and ``{dd}``/``{d}``
    (padded / unpadded), e.g. ``/CMSPages/BaiViet/XemTheoNgay.aspx?Ngay={dd}/{mm}/{yyyy}``
    or ``/tin-tuc/ngay-{yyyy}-{mm}-{dd}``; a relative template is resolved against ``base``.
    """
    if (
        not any(t in template for t in ("{yyyy}", "{yy}"))
        or not any(t in template for t in ("{mm}", "{m}"))
        or not any(t in template for t in ("{dd}", "{d}"))
    ):
        raise ValueError(f"date archive template needs a year, a month and a day: {template!r}")
    # Checked now, not at the first next(): a bad profile fails where it is loaded.
    return _walk(template, max(start, end), min(start, end), base)


def _walk(template: str, day: date, first: date, base: str | None) -> Iterator[str]:
    used = [(token, fill) for token, fill in _TOKENS.items() if token in template]
    while day >= first:
        url = template
        for token, fill in used:
            url = url.replace(token, fill(day))
        yield normalize_url(url, base)
        day -= timedelta(days=1)
