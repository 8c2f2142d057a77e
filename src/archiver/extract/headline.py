"""The headline: the title as the page displays it, without " - Site name" suffixes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver.extract.dom import BR, first_match, in_any, text_of
from archiver.extract.metadata import Metadata
from archiver.text import clean, compact_key, fold

_SEPARATORS = re.compile(r"\s+[-|–—:»/]{1,2}\s+")
_NON_WORD = re.compile(r"[\W_]+")
_NOT_TITLE_TAGS = frozenset({"title", "a", "li", "body", "html", "ul", "ol", "img"})


@lru_cache(maxsize=8192)
def title_key(text: str) -> str:
    """A title reduced to what comparisons of titles and leads look at: folded words."""
    return _NON_WORD.sub(" ", fold(text)).strip()


def similarity(a: str, b: str) -> float:
    """How alike two titles are, 0..1, ignoring case, diacritics and punctuation."""
    ka, kb = title_key(a), title_key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    shorter, longer = sorted((ka, kb), key=len)
    if len(shorter) >= 12 and shorter in longer:
        return 0.9 * len(shorter) / len(longer) + 0.1
    wa, wb = set(ka.split()), set(kb.split())
    return len(wa & wb) / len(wa | wb)


class References:
    """Strings to compare many texts with, their keys and word sets worked out once:
    :meth:`best` is ``max(similarity(text, r) for r in refs)`` (0.0 with none), the
    same figure, without folding every reference again for every text compared."""

    __slots__ = ("_refs",)

    def __init__(self, refs: Iterable[str]) -> None:
        self._refs = [(key, set(key.split())) for key in map(title_key, refs)]

    def __bool__(self) -> bool:
        return bool(self._refs)

    def best(self, text: str) -> float:
        ka = title_key(text)
        if not ka:
            return 0.0
        best = 0.0
        words: set[str] | None = None
        for kb, wb in self._refs:
            if not kb:
                continue
            if ka == kb:
                return 1.0
            shorter, longer = (kb, ka) if len(kb) < len(ka) else (ka, kb)
            if len(shorter) >= 12 and shorter in longer:
                score = 0.9 * len(shorter) / len(longer) + 0.1
            else:
                if words is None:
                    words = set(ka.split())
                score = len(words & wb) / len(words | wb)
            if score > best:
                best = score
        return best


_SITE_WORDS = re.compile(
    r"^(?:cổng thông tin|cổng ttđt|trang thông tin|trang tin|báo điện tử|báo|tạp chí|website|"
    r"ubnd|uỷ ban nhân dân|ủy ban nhân dân|sở |bộ |đài )",
    re.IGNORECASE,
)


#: Headlines open with these too ("Bộ Y tế khuyến cáo ...", "UBND tỉnh phê duyệt ..."): a part
#: opening so names the site only when short.
_AGENCY_WORDS = re.compile(r"^(?:ubnd|uỷ ban nhân dân|ủy ban nhân dân|sở |bộ |đài )", re.I)
_AGENCY_NAME_WORDS = 8


def strip_site_suffix(title: str, site_names: Iterable[str]) -> str:
    """Remove a trailing (or leading) " - Site name" part from a document title."""
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    names = {compact_key(n) for n in site_names if n}
    names = {n for n in names if len(n) >= 4}

    def is_site(part: str) -> bool:
        key = compact_key(part)
        if not key:
            return True
        if _SITE_WORDS.match(part.strip()) and (
            len(part.split()) <= _AGENCY_NAME_WORDS or not _AGENCY_WORDS.match(part.strip())
        ):
            return True  # (a long part opening with "Sở", "Bộ" is a headline: "Sở X đề xuất ...")
        # The part is (mostly) a site name, not a headline that merely contains one.
        return any(
            (name in key and len(name) >= 0.6 * len(key)) or (key in name and len(key) >= 4)
            for name in names
        )

    kept = list(parts)
    while len(kept) > 1 and is_site(kept[-1]):
        kept.pop()
    while len(kept) > 1 and is_site(kept[0]):
        kept.pop(0)
    if len(kept) > 1 and len(kept[-1].split()) <= 3 and len(" ".join(kept[:-1]).split()) >= 4:
        kept.pop()  # an unknown short trailer ("Tin tức", "Online") is almost always the site
    # Cut the original string so a dash inside the headline survives.
    start = title.find(kept[0])
    end = title.find(kept[-1], max(start, 0)) + len(kept[-1])
    return title[start:end].strip() if start >= 0 and end > start else kept[0].strip()


def title_references(meta: Metadata, names: list[str]) -> list[str]:
    """Strings the headline should resemble: metadata titles, whole and split at separators."""
    refs: list[str] = []
    for value in (meta.og_title, meta.headline, meta.html_title):
        if not value:
            continue
        # The parts of the title that name the site ("Headline | Báo Sông Hàn") are no
        # reference: an <h1> holding the site's name is its logo, not the headline.
        parts = [p for p in _SEPARATORS.split(value) if not _names_site(p, names)]
        for candidate in (strip_site_suffix(value, names), value, *parts):
            if len(candidate.split()) >= 3 and candidate not in refs:
                refs.append(candidate)
    return refs


#: A site's name is short: a longer part of a title that opens like one is a headline ("Bộ
#: TT&TT tổ chức hội nghị ...").
_SITE_NAME_WORDS = 6


def _names_site(part: str, names: Iterable[str]) -> bool:
    """A part of a document title that is the site's name ("Báo Sông Hàn", "VnExpress")."""
    if len(part.split()) > _SITE_NAME_WORDS:
        return False
    key = compact_key(part)
    return bool(_SITE_WORDS.match(part.strip())) or any(
        key and key == compact_key(name) for name in names if name
    )


_HEADING_LIKE = "h2, h3, h4, h5, b, strong, font[size], big"
#: Without a metadata title to compare with, a bold line of more words than this that ends
#: with a full stop is a sentence.
_SENTENCE_WORDS = 12


def title_before(
    tree: LexborHTMLParser,
    container: LexborNode,
    references: Iterable[str],
    skip_ids: set[int],
) -> tuple[str, LexborNode] | None:
    """A headline set in bold or a heading just before the body, for pages with no <h1> or class.

    Old portals write ``<b><font size=4>Headline</font></b>`` above the text, outside
    the body's element or at its top; the nearest such element before the first
    paragraph of the body is the title. With metadata titles it must resemble one.
    """
    body = tree.body
    if body is None:
        return None
    position = {n.mem_id: i for i, n in enumerate(body.css("*"))}
    start = position.get(container.mem_id)
    if start is None:
        return None
    # Table layouts put the headline in the same cell as the text: look up to the first
    # real paragraph inside the body's element, not only before the element.
    for paragraph in container.css("p, div, td, li"):
        if len(paragraph.text(deep=False).strip()) >= 80 or (
            paragraph.tag == "p" and len(paragraph.text(deep=True).strip()) >= 80
        ):
            start = position.get(paragraph.mem_id, start)
            break
    refs = References(references)
    best: tuple[int, str, LexborNode] | None = None
    for node in body.css(_HEADING_LIKE):
        at = position.get(node.mem_id, -1)
        if at >= start or node.mem_id in skip_ids:
            continue
        text = text_of(node)
        words = len(text.split())
        if not 3 <= words <= 40 or text.endswith(":") or (best is not None and at < best[0]):
            continue
        if refs and refs.best(text) < 0.3:
            continue
        if not refs and words > _SENTENCE_WORDS and text.endswith("."):
            continue  # a bold sentence (the lead opening the text), not a headline
        best = (at, text, node)
    if best is None or in_any(best[2], skip_ids):
        return None
    return best[1], best[2]


def _pictured_title(heading: LexborNode) -> str:
    """The headline of a heading set as a picture (a magazine's cover: ``<h1><img
    alt="Headline"></h1>``): the picture's text alternative."""
    picture = heading.css_first("img[alt]")
    return " ".join((picture.attributes.get("alt") or "").split()) if picture is not None else ""


#: Paths of a site's home page.
_HOME_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.php", "/default.aspx"})


def _links_home(heading: LexborNode, text: str) -> bool:
    """The heading is one link to a site's home page (``<h1><a href="http://x.blogspot.com/">
    Blog name</a></h1>``): the site's name set as its logo, whatever words it has. (A
    post's headline links to the post.)"""
    link = heading.css_first("a[href]")
    if link is None or len(text_of(link)) < len(text):
        return False
    href = (link.attributes.get("href") or "").strip()
    if not href or href.startswith(("#", "?")):
        return False
    parts = urlsplit(href)
    if parts.query or parts.fragment or parts.path.lower() not in _HOME_PATHS:
        return False
    return bool(parts.netloc) or parts.path != ""


def _site_name(text: str, names: Iterable[str]) -> bool:
    return any(similarity(text, n) > 0.5 for n in names if n)


def find_title(
    tree: LexborHTMLParser,
    meta: Metadata,
    *,
    selectors: Iterable[str] = (),
    site_names: Iterable[str] = (),
    titled: Callable[[], Iterable[LexborNode]] = tuple,
) -> tuple[str | None, LexborNode | None, str]:
    """Return (title, the element it was read from, where it came from).

    ``titled`` gives the elements whose class names say "title"; it is only
    called when no ``<h1>`` matches the page's metadata.
    """
    selectors = tuple(selectors)
    if selectors:
        node = first_match(tree, selectors)
        if node is not None:
            return text_of(node) or None, node, "profile"
    names = [*site_names, meta.site_name or ""]
    references = title_references(meta, names)
    compare = References(references)

    # A headline of a word or two the metadata give as it is ("Soziale Energie"): too short
    # for the references, which a site's name could match.
    said = {title_key(v) for v in (meta.og_title, meta.headline, meta.html_title) if v}
    best: tuple[float, LexborNode, str] | None = None
    # (``tags`` lists a document's elements of one name without parsing a selector.)
    for node in tree.tags("h1"):
        text = text_of(node) or _pictured_title(node)
        if not text or len(text) > 400:
            continue
        score = compare.best(text)
        words = len(text.split())
        if not references:
            score = 0.5 if words >= 3 else 0.1
            if words == 2 and title_key(text) in said and not _site_name(text, names):
                score = 0.5
        elif words <= 3 and _site_name(text, names):
            continue  # the site logo set in an h1
        if _links_home(node, text):
            continue  # the site's name as its logo, linked home ("Life as a Healthcare CIO")
        if best is None or score > best[0]:
            best = (score, node, text)
    if best is not None and (best[0] >= 0.5 or (not references and best[0] > 0.1)):
        return without_kicker(best[1], best[2], references), best[1], "h1"

    # No convincing h1: a visible element styled as a title that matches the metadata.
    if references:
        for index, node in enumerate(titled()):
            if index >= 200:
                break
            if node.tag in _NOT_TITLE_TAGS:
                continue
            text = text_of(node)
            if 10 <= len(text) <= 400 and compare.best(text) >= 0.8:
                return text, node, "visible"
    if best is not None and best[0] >= 0.3:
        return without_kicker(best[1], best[2], references), best[1], "h1"
    for value in (meta.og_title, meta.headline, meta.html_title):
        if value:
            return strip_site_suffix(value, names), None, "metadata"
    return None, None, "none"


#: Elements a kicker is set in, inside the headline: a small label before its words.
_KICKER_TAGS = frozenset({"span", "small", "em", "strong", "b", "i", "a", "mark", "div", "p"})
#: Class names of kickers ("kicker", "eyebrow", "overline", "Dachzeile", "rubric", "label").
_KICKER_CLASS = re.compile(
    r"kicker|eyebrow|overline|dachzeile|topline|roofline|rubri|label|flag|categor|"
    r"super-?title|pre-?title|sur-?titre",
    re.IGNORECASE,
)
_MAX_KICKER_WORDS = 4
_KICKER_SEPARATORS = " :|–—-·•/»"
_MAX_KICKER = 40


def without_kicker(heading: LexborNode, text: str, references: Iterable[str]) -> str:
    """The headline ``text`` of ``heading`` without the kicker opening it, set apart in an
    element of its own (``<h1><span class="kicker">Analysis</span> Why ...</h1>``): a label
    of the section, not words of the headline. It goes when the rest of the heading is
    closer to the metadata titles than the whole, or, without them, when its class names
    it a kicker."""
    first = heading.child
    while first is not None and first.tag == "-text" and not first.text().strip():
        first = first.next
    if first is None or first.tag not in _KICKER_TAGS:
        return text
    label = text_of(first)
    if not label or len(label) > _MAX_KICKER or len(label.split()) > _MAX_KICKER_WORDS:
        return text
    parts = []
    sibling = first.next
    while sibling is not None:
        parts.append(sibling.text(deep=True))
        sibling = sibling.next
    # (without the separator a kicker may stand before: "Auftragshoch : Luftfahrtbranche ...")
    rest = clean(" ".join(parts).replace(BR, " ")).lstrip(_KICKER_SEPARATORS)
    if len(rest.split()) < 3:
        return text
    refs = list(references)
    if refs:
        closer = max(similarity(rest, r) for r in refs) > max(similarity(text, r) for r in refs)
        return rest if closer else text
    names = f"{first.attributes.get('class') or ''} {first.attributes.get('id') or ''}"
    return rest if _KICKER_CLASS.search(names) else text
