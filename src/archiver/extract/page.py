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

from archiver.extract.dom import UNREAD_TAGS, parse, prepare
from archiver.extract.encoding import decode_as, decode_html
from archiver.extract.metadata import Metadata, read_metadata
from archiver.extract.vnfonts import convert_legacy_text

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
        cut = cut_unread(bytes(html))
        decoded = decode_html(cut.data, _header(headers, "content-type"))
        codec = decoded.encoding
        warnings.extend(decoded.warnings)
    else:
        cut = cut_unread(html.encode("utf-8", "surrogatepass"))
        decoded, codec = None, "utf-8"
    markup = decoded.text if decoded is not None else decode_as(cut.data, codec)
    if len(markup) > MAX_HTML_CHARS:
        warnings.append(
            f"page is {len(markup):,} characters; only the first {MAX_HTML_CHARS:,} were read"
        )
        markup = markup[:MAX_HTML_CHARS]
    if _many_tags(markup, cut.data if codec == "utf-8" else None):
        markup, flattened = limit_nesting(markup)
        if flattened:
            warnings.append(f"markup nested deeper than {MAX_DEPTH} elements was flattened")
    tree = parse(markup)
    styles = [decode_as(sheet, codec) for sheet in cut.styles]
    legacy = convert_legacy_text(tree, markup, styles=styles if cut.complete else None)
    if legacy:
        warnings.append(f"converted {legacy.upper()} font-encoded text to Unicode")
    json_ld = [decode_as(script, codec) for script in cut.json_ld]
    meta = read_metadata(tree, json_ld=json_ld if cut.complete else None)
    prepare(tree, cut=cut.complete, ruby=cut.ruby)
    return Page(tree, meta, tuple(warnings))


#: Elements cut from the page before decoding and parsing: no reader sees their contents,
#: and they are most of a news page's bytes (scripts, styles, inline SVG icons). Void
#: elements (<embed>) and anything left unclosed are removed from the tree instead
#: (``dom.prepare``).
CUT_TAGS = UNREAD_TAGS
#: ... found with ``<ruby>``, which is not cut: its readings (``<rt>``) are removed from the
#: tree when the page has one (``dom.prepare``).
_CUT_OPEN = re.compile(
    rb"<(?:!--|(" + b"|".join(t.encode() for t in (*CUT_TAGS, "ruby")) + rb")(?=[\s>/]))"
)
#: A ``<noscript>`` holding this many paragraphs is the text itself, shown to readers without
#: scripts (a blog engine that renders its posts by script from a template keeps the post
#: there too); one that holds a tracking pixel or a "turn JavaScript on" line is cut.
_NOSCRIPT_PARAGRAPHS = 2
_PARAGRAPH_OPEN = re.compile(rb"<p[\s>]")
# Bytes that show a page is in UTF-16/32 without a byte-order mark: no byte-level cutting.
_WIDE = (b"<\x00", b"\x00<")


@dataclass(frozen=True, slots=True)
class Cut:
    data: bytes
    #: The JSON-LD the cut scripts held (metadata reads it), still encoded.
    json_ld: list[bytes]
    #: The cut style sheets (legacy font rules are read from them), still encoded.
    styles: list[bytes]
    #: Every cut element was closed: the tree needs no removal pass of its own.
    complete: bool
    #: The page may annotate words with their readings (``<ruby>``'s ``<rt>``): they go.
    ruby: bool = True


def cut_unread(data: bytes) -> Cut:
    """The page's bytes without comments and the elements of :data:`CUT_TAGS`.

    Decoding and parsing a third of the bytes takes a third of the time, and nothing is
    left for a removal pass. An element ends at the first closing tag of its name (any
    case), as a browser ends a script; an inline ``<svg>`` becomes a space (an icon between
    two words is a gap); a ``<noscript>`` holding paragraphs loses only its tags (its text
    is what a reader without scripts sees). Works on the bytes of any ASCII-compatible
    encoding: searches in C over a lower-cased copy, a regex only to find the opening tags.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or any(w in data[:1024] for w in _WIDE):
        return Cut(data, [], [], False)  # (ruby unknown: looked for in the tree)
    low = data.lower()
    find = low.find
    parts: list[bytes] = []
    json_ld: list[bytes] = []
    styles: list[bytes] = []
    position = searched = 0
    complete = True
    ruby = False
    while (opening := _CUT_OPEN.search(low, searched)) is not None:
        start = opening.start()
        name = opening.group(1)
        if name == b"ruby":
            ruby = True
            searched = opening.end()
            continue
        if name is None:  # a comment
            end = find(b"-->", start + 4)
            close_end = end + 2 if end >= 0 else len(data) - 1
        else:
            tag_end = find(b">", opening.end())
            close = find(b"</" + name, tag_end) if tag_end >= 0 else -1
            close_end = find(b">", close) if close >= 0 else -1
            if close_end < 0:
                complete, ruby = False, True  # unclosed: left to the tree, readings too
                break
            if name == b"script" and b"ld+json" in low[start:tag_end]:
                json_ld.append(data[tag_end + 1 : close])
            elif name == b"style":
                styles.append(data[tag_end + 1 : close])
            elif name == b"svg":
                parts.append(data[position:start] + b" ")
                position = searched = close_end + 1
                continue
            elif name == b"noscript" and _holds_paragraphs(low, tag_end, close):
                # Only its tags go: the text is read, and what it holds is cut as anywhere
                # else (its stray closing tag is ignored by the parser).
                parts.append(data[position:start])
                position = searched = tag_end + 1
                continue
        parts.append(data[position:start])
        position = searched = close_end + 1
    if not parts:
        return Cut(data, json_ld, styles, complete, ruby)
    parts.append(data[position:])
    return Cut(b"".join(parts), json_ld, styles, complete, ruby)


def _holds_paragraphs(low: bytes, start: int, end: int) -> bool:
    for found, _ in enumerate(_PARAGRAPH_OPEN.finditer(low, start, end), 1):
        if found >= _NOSCRIPT_PARAGRAPHS:
            return True
    return False


#: Browsers stop nesting at a depth of 512 (Chromium); the HTML parser's time grows with the
#: square of the depth, so a page nested 50,000 deep would take seconds. Deeper elements are
#: dropped (their text is kept). Only pages with very many tags are checked.
MAX_DEPTH = 512
_MANY_TAGS = 20_000
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


def _many_tags(markup: str, utf8: bytes | None) -> bool:
    """Does ``markup`` open more than :data:`_MANY_TAGS` tags in its first two million
    characters? ``utf8``: the bytes it was decoded from as UTF-8, where a "<" is the byte
    0x3C and no other: counted in them first (a fifth of the time), as most pages have
    far fewer."""
    if utf8 is not None and utf8.count(b"<") <= _MANY_TAGS:
        return False
    return markup.count("<", 0, 2_000_000) > _MANY_TAGS


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
