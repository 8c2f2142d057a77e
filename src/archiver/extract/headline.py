"""The headline: the title as the page displays it, without " - Site name" suffixes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver.extract.dom import first_match, text_of
from archiver.extract.metadata import Metadata
from archiver.text import fold

_SEPARATORS = re.compile(r"\s+[-|–—:»/]{1,2}\s+")
_NON_WORD = re.compile(r"[\W_]+")
_NOT_TITLE_TAGS = frozenset({"title", "a", "li", "body", "html", "ul", "ol", "img"})


def _key(text: str) -> str:
    return _NON_WORD.sub(" ", fold(text)).strip()


def similarity(a: str, b: str) -> float:
    """How alike two titles are, 0..1, ignoring case, diacritics and punctuation."""
    ka, kb = _key(a), _key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    shorter, longer = sorted((ka, kb), key=len)
    if len(shorter) >= 12 and shorter in longer:
        return 0.9 * len(shorter) / len(longer) + 0.1
    wa, wb = set(ka.split()), set(kb.split())
    return len(wa & wb) / len(wa | wb)


def strip_site_suffix(title: str, site_names: Iterable[str]) -> str:
    """Remove a trailing (or leading) " - Site name" part from a document title."""
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    names = {_key(n).replace(" ", "") for n in site_names if n}
    names.discard("")

    def is_site(part: str) -> bool:
        key = _key(part).replace(" ", "")
        return bool(key) and any(key in name or name in key for name in names if len(name) >= 4)

    while len(parts) > 1 and is_site(parts[-1]):
        parts.pop()
    while len(parts) > 1 and is_site(parts[0]):
        parts.pop(0)
    if len(parts) > 1 and len(parts[-1].split()) <= 3 and len(" ".join(parts[:-1]).split()) >= 4:
        parts.pop()  # an unknown short trailer ("Tin tức", "Online") is almost always the site
    separators = _SEPARATORS.findall(title)
    kept = parts[0]
    # Rebuild with the original separators so a dash inside a headline survives.
    start = title.find(kept)
    end = title.find(parts[-1], start) + len(parts[-1]) if start >= 0 else -1
    if start >= 0 and end > start:
        return title[start:end].strip()
    return (separators[0] if separators else " - ").join(parts).strip()


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
    references = [r for r in (meta.og_title, meta.headline, meta.html_title) if r]
    references = [strip_site_suffix(r, names) for r in references]

    best: tuple[float, LexborNode, str] | None = None
    for node in tree.css("h1"):
        text = text_of(node)
        if not text or len(text) > 400:
            continue
        score = max((similarity(text, ref) for ref in references), default=0.0)
        words = len(text.split())
        if not references:
            score = 0.5 if words >= 3 else 0.1
        elif words <= 3 and any(similarity(text, n) > 0.5 for n in names if n):
            continue  # the site logo set in an h1
        if best is None or score > best[0]:
            best = (score, node, text)
    if best is not None and (best[0] >= 0.5 or (not references and best[0] > 0.1)):
        return best[2], best[1], "h1"

    # No convincing h1: a visible element styled as a title that matches the metadata.
    if references:
        for index, node in enumerate(titled()):
            if index >= 200:
                break
            if node.tag in _NOT_TITLE_TAGS:
                continue
            text = text_of(node)
            if 10 <= len(text) <= 400 and max(similarity(text, r) for r in references) >= 0.8:
                return text, node, "visible"
    if best is not None and best[0] >= 0.3:
        return best[2], best[1], "h1"
    for ref in references:
        return ref, None, "metadata"
    return None, None, "none"
