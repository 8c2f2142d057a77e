"""The first stages of extraction: a page's bytes in, its parsed, cleaned tree and metadata out.

Decoding (charset and legacy font encodings), parsing, reading the metadata
(before scripts are stripped: JSON-LD lives in <script>) and removing what a
reader never sees. :func:`archiver.extract.extract` and the profile checker
(:mod:`archiver.extract.probe`) both start here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from archiver.encoding import decode_html
from archiver.extract.dom import parse, prepare
from archiver.extract.metadata import Metadata, read_metadata
from archiver.legacy import convert_legacy_text

#: Pages are cut here (with a warning): real articles are far smaller, and it bounds the work.
MAX_HTML_CHARS = 8_000_000


@dataclass(frozen=True, slots=True)
class Page:
    """A page ready for the field stages. ``warnings`` are about decoding and size."""

    tree: LexborHTMLParser
    meta: Metadata
    warnings: tuple[str, ...]


def load_page(html: bytes | str, headers: Mapping[str, str] | None = None) -> Page:
    """Decode (honouring the HTTP charset in ``headers``), parse and clean one page."""
    warnings: list[str] = []
    if isinstance(html, bytes | bytearray | memoryview):
        decoded = decode_html(bytes(html), _header(headers, "content-type"))
        markup = decoded.text
        warnings.extend(decoded.warnings)
    else:
        markup = html
    if len(markup) > MAX_HTML_CHARS:
        warnings.append(
            f"page is {len(markup):,} characters; only the first {MAX_HTML_CHARS:,} were read"
        )
        markup = markup[:MAX_HTML_CHARS]
    markup, json_ld = without_scripts(markup)
    if markup.count("<", 0, 2_000_000) > _MANY_TAGS:
        markup, flattened = limit_nesting(markup)
        if flattened:
            warnings.append(f"markup nested deeper than {MAX_DEPTH} elements was flattened")
    tree = parse(markup)
    legacy = convert_legacy_text(tree, markup)
    if legacy:
        warnings.append(f"converted {legacy.upper()} font-encoded text to Unicode")
    meta = read_metadata(tree, json_ld=json_ld)
    prepare(tree)
    return Page(tree, meta, tuple(warnings))


_SCRIPT_OPEN = re.compile(r"<(script|style)(?=[\s>/])", re.IGNORECASE)
_SCRIPT_CLOSE = {
    "script": re.compile(r"</script", re.IGNORECASE),
    "style": re.compile(r"</style", re.IGNORECASE),
}


def without_scripts(markup: str) -> tuple[str, list[str]]:
    """``markup`` without its ``<script>`` and ``<style>`` elements, and the JSON-LD they held.

    Scripts and styles are most of a news page's bytes (two thirds on the real pages
    measured) and none of its text: cut before parsing, they cost neither parse time nor
    a removal pass. An element ends at the first closing tag of its name, as in a browser.
    String searches in C; a regex only finds the opening tags.
    """
    parts: list[str] = []
    json_ld: list[str] = []
    find = markup.find
    position = 0
    while (opening := _SCRIPT_OPEN.search(markup, position)) is not None:
        name = opening.group(1)
        tag_end = find(">", opening.end())
        if tag_end < 0:
            break
        close = find("</" + name, tag_end)
        if close < 0:  # the closing tag in another case ("</SCRIPT>")
            other = _SCRIPT_CLOSE[name.lower()].search(markup, tag_end)
            if other is None:
                break
            close = other.start()
        close_end = find(">", close)
        if close_end < 0:
            break
        start = opening.start()
        if "ld+json" in markup[start:tag_end].lower():
            json_ld.append(markup[tag_end + 1 : close])
        parts.append(markup[position:start])
        position = close_end + 1
    if not parts:
        return markup, json_ld
    parts.append(markup[position:])
    return "".join(parts), json_ld


#: Browsers stop nesting at a depth of 512 (Chromium); the HTML parser's time grows with the
#: square of the depth, so a page nested 50,000 deep would take seconds. Deeper elements are
#: dropped (their text is kept). Only pages with very many tags are checked.
MAX_DEPTH = 512
_MANY_TAGS = 20_000
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


def limit_nesting(markup: str, max_depth: int = MAX_DEPTH) -> tuple[str, bool]:
    """``markup`` with tags nested deeper than ``max_depth`` removed; whether any were."""
    depth = 0
    dropped: list[tuple[int, int]] = []
    for match in _TAG.finditer(markup):
        closing, name, self_closing = match.groups()
        if self_closing or name.lower() in _VOID:
            if depth >= max_depth:
                dropped.append(match.span())
            continue
        if closing:
            depth -= 1
            if depth >= max_depth:
                dropped.append(match.span())
            depth = max(depth, 0)
        else:
            if depth >= max_depth:
                dropped.append(match.span())
            depth += 1
    if not dropped:
        return markup, False
    parts, last = [], 0
    for start, end in dropped:
        parts.append(markup[last:start])
        last = end
    parts.append(markup[last:])
    return "".join(parts), True


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None
