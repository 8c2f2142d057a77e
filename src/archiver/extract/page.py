"""The first stages of extraction: a page's bytes in, its parsed, cleaned tree and metadata out.

Decoding (charset and legacy font encodings), parsing, reading the metadata
(before scripts are stripped: JSON-LD lives in <script>) and removing what a
reader never sees. :func:`archiver.extract.extract` and the profile checker
(:mod:`archiver.extract.probe`) both start here.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import repeat

import numpy as np
from selectolax.lexbor import LexborHTMLParser

from archiver.extract.dom import UNREAD_TAGS, parse, prepare
from archiver.extract.encoding import decode_as, decode_html
from archiver.extract.metadata import Metadata, read_metadata
from archiver.extract.vnfonts import convert_legacy_text, may_contain_legacy
from archiver.extract.vocabulary import UNKNOWN, Vocabulary

#: Pages are cut here (with a warning): real articles are far smaller, and it bounds the work.
MAX_HTML_CHARS = 8_000_000


@dataclass(frozen=True, slots=True)
class Page:
    """A page ready for the field stages. ``warnings`` are about decoding and size."""

    tree: LexborHTMLParser
    meta: Metadata
    warnings: tuple[str, ...]
    #: What the markup holds: queries for names it never uses are not run.
    vocabulary: Vocabulary = UNKNOWN


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
    # (The bytes were counted while being cut: most pages have far fewer "<" than many.)
    few = codec == "utf-8" and cut.tags_bound is not None and cut.tags_bound <= _MANY_TAGS
    if not few and _many_tags(markup, cut.data if codec == "utf-8" else None):
        markup, flattened = limit_nesting(markup)
        if flattened:
            warnings.append(f"markup nested deeper than {MAX_DEPTH} elements was flattened")
    # Lexbor parses UTF-8: the bytes the text was decoded from without a change are handed
    # to it as they are, rather than encoded again from the text (a copy of the page).
    exact = decoded is not None and decoded.exact and markup is decoded.text
    tree = parse(cut.data if exact else markup)
    # (The pre-check first: the style sheets, often most of the bytes cut, are decoded only
    # for a page that may hold legacy text.)
    if may_contain_legacy(markup):
        styles = [decode_as(bytes(sheet), codec) for sheet in cut.styles]
        legacy = convert_legacy_text(tree, markup, styles=styles if cut.complete else None)
        if legacy:
            warnings.append(f"converted {legacy.upper()} font-encoded text to Unicode")
    # (Read from the bytes the markup was decoded from: an ASCII-compatible encoding writes
    # the names of elements and attributes in ASCII bytes.)
    wide = not cut.ascii or codec.startswith(("utf-16", "utf-32"))
    vocabulary = UNKNOWN if wide else Vocabulary.of(cut.data)
    json_ld = [decode_as(script, codec) for script in cut.json_ld]
    meta = read_metadata(tree, json_ld=json_ld if cut.complete else None, vocabulary=vocabulary)
    prepare(tree, cut=cut.complete and not cut.left, ruby=cut.ruby, vocabulary=vocabulary)
    return Page(tree, meta, tuple(warnings), vocabulary)


#: Elements cut from the page before decoding and parsing: no reader sees their contents,
#: and they are most of a news page's bytes (scripts, styles, inline SVG icons). Void
#: elements (<embed>) and anything left unclosed are removed from the tree instead
#: (``dom.prepare``).
CUT_TAGS = UNREAD_TAGS
#: ... found with ``<ruby>``, which is not cut: its readings (``<rt>``) are removed from the
#: tree when the page has one (``dom.prepare``).
_CUT_OPEN = re.compile(
    rb"<(?:!--|(" + b"|".join(t.encode() for t in (*CUT_TAGS, "ruby")) + rb")(?=[\s>/]))",
    re.IGNORECASE,
)
#: The two characters after ``<`` that each of :data:`_CUT_OPEN`'s openings starts with, as
#: a table indexed by ``ord(second) << 8 | ord(first)`` (two bytes read as a little-endian
#: number: see :func:`_tag_starts`).
_OPENING_PAIRS = np.zeros(1 << 16, dtype=bool)
for _opening in ("!-", *CUT_TAGS, "ruby"):
    _OPENING_PAIRS[ord(_opening[1]) << 8 | ord(_opening[0])] = True
_LT = ord("<")
#: Four bytes "<", first, second, third as a little-endian number, each with bit 0x20 set.
_FOLD4 = 0x20202020
#: The first byte after "<" of such a number, and a "/" there.
_FIRST, _SLASH_FIRST = 0xFF00, ord("/") << 8
#: The closing tag of each cut element, in any case (see :func:`_closing`).
_CLOSING_TAGS = {
    name.encode(): re.compile(b"</" + name.encode(), re.IGNORECASE) for name in CUT_TAGS
}
#: A ``<noscript>`` holding this many paragraphs is the text itself, shown to readers without
#: scripts (a blog engine that renders its posts by script from a template keeps the post
#: there too); one that holds a tracking pixel or a "turn JavaScript on" line is cut.
_NOSCRIPT_PARAGRAPHS = 2
_PARAGRAPH_OPEN = re.compile(rb"<p[\s>]", re.IGNORECASE)
# Bytes that show a page is in UTF-16/32 without a byte-order mark: no byte-level cutting.
_WIDE = (b"<\x00", b"\x00<")


@dataclass(frozen=True, slots=True)
class Cut:
    data: bytes
    #: The JSON-LD the cut scripts held (metadata reads it), still encoded.
    json_ld: list[bytes]
    #: The cut style sheets (legacy font rules are read from them), still encoded: views of
    #: the page's bytes, copied only for a page that may hold legacy text (they are often
    #: more bytes than the rest of the page, and most pages hold none).
    styles: list[memoryview]
    #: Every cut element was closed: the tree needs no removal pass of its own.
    complete: bool
    #: The page may annotate words with their readings (``<ruby>``'s ``<rt>``): they go.
    ruby: bool = True
    #: At least as many "<" bytes as ``data`` holds (counted before the cut), or None.
    tags_bound: int | None = None
    #: The bytes are in an ASCII-compatible encoding (not UTF-16 or UTF-32).
    ascii: bool = True
    #: An element to cut was left in the markup (the parser ends it before its closing
    #: tag): the tree is searched for unread elements after all.
    left: bool = False


def cut_unread(data: bytes) -> Cut:
    """The page's bytes without comments and the elements of :data:`CUT_TAGS`.

    Decoding and parsing a third of the bytes takes a third of the time, and nothing is
    left for a removal pass. An element ends at the first closing tag of its name (any
    case), as a browser ends a script; an inline ``<svg>`` becomes a space (an icon between
    two words is a gap); a ``<noscript>`` holding paragraphs loses only its tags (its text
    is what a reader without scripts sees). Works on the bytes of any ASCII-compatible
    encoding: the tags are located in C (see :func:`_tag_starts`), a regex only confirms the
    few openings found there.
    """
    # (``find`` with an end, not ``in`` a copy: ``bytes.__contains__`` first tries its
    # argument as an integer, raising and clearing a TypeError each time.)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or any(
        data.find(wide, 0, 1024) >= 0 for wide in _WIDE
    ):
        return Cut(data, [], [], False, ascii=False)  # (ruby unknown: looked for in the tree)
    find = data.find
    candidates, closings, bound = _tag_starts(data)
    # (The kept pieces are views of ``data``, copied once, by the join.)
    view = memoryview(data)
    parts: list[bytes | memoryview] = []
    json_ld: list[bytes] = []
    styles: list[memoryview] = []
    position = searched = 0
    complete = True
    ruby = False
    left = False
    for opening in filter(None, map(_CUT_OPEN.match, repeat(data), candidates)):
        start = opening.start()
        if start < searched:
            continue  # inside an element already cut (a "<!--" in a script)
        name = opening.group(1)
        if name is not None:
            name = name.lower()
        if name == b"ruby":
            ruby = True
            searched = opening.end()
            continue
        if name is None:  # a comment
            end = find(b"-->", start + 4)
            close_end = end + 2 if end >= 0 else len(data) - 1
        else:
            tag_end = find(b">", opening.end())
            close = _closing(data, closings, name, tag_end) if tag_end >= 0 else -1
            close_end = find(b">", close) if close >= 0 else -1
            if close_end < 0:
                complete, ruby = False, True  # unclosed: left to the tree, readings too
                break
            if name in _CLOSED_BY_PARENT and _closed_before(data, tag_end, close):
                # Left to the parser, which ends it where a browser does; the tree pass
                # removes it (what it seemed to hold is read or cut as anywhere else).
                left = True
                searched = opening.end()
                continue
            if name == b"script" and _declares_json_ld(data, start, tag_end):
                json_ld.append(data[tag_end + 1 : close])
            elif name == b"style":
                styles.append(view[tag_end + 1 : close])
            elif name == b"svg":
                parts += (view[position:start], b" ")
                position = searched = close_end + 1
                continue
            elif name == b"noscript" and _holds_paragraphs(data, tag_end, close):
                # Only its tags go: the text is read, and what it holds is cut as anywhere
                # else (its stray closing tag is ignored by the parser).
                parts.append(view[position:start])
                position = searched = tag_end + 1
                continue
        parts.append(view[position:start])
        position = searched = close_end + 1
    if not parts:
        return Cut(data, json_ld, styles, complete, ruby, bound, left=left)
    parts.append(view[position:])
    return Cut(b"".join(parts), json_ld, styles, complete, ruby, bound, left=left)


def _tag_starts(data: bytes) -> tuple[list[int], list[int], int]:
    """Where in ``data`` an opening :data:`_CUT_OPEN` matches may start, and where a closing
    tag of a cut element may (``</`` then a name): a ``<`` and two characters of
    :data:`_OPENING_PAIRS`.

    A regex search stops at every ``<`` of the page (thousands) and costs more than parsing
    what is left; numpy finds them all at once, and the next bytes (lower-cased by setting
    bit 0x20: what that does to other bytes only lets more through) are looked up in a
    table: a hundred-odd candidates remain, ``<span`` and ``</div>`` gone. Also gives a
    bound on the page's "<" bytes (every one but the last three bytes' is found here).
    """
    codes = np.frombuffer(data, dtype=np.uint8)
    size = max(len(codes) - 3, 0)  # (every opening is longer than 3 bytes)
    mask = codes[:size] == _LT
    # ``nonzero`` over a boolean a byte costs ~2.6 instructions a byte, most of the scan: it
    # runs over the eight-byte words holding a "<" (a page has one in ~130 bytes), then over
    # those words' bytes only.
    whole = size & ~7
    words = (mask[:whole].view(np.uint64) != 0).nonzero()[0]
    inner = mask[:whole].reshape(-1, 8).take(words, axis=0).ravel().nonzero()[0]
    starts = (words.take(inner >> 3) << 3) | (inner & 7)
    if whole < size:
        starts = np.concatenate((starts, mask[whole:].nonzero()[0] + whole))
    # Each "<" and the three bytes after it as one number (an unaligned view of the page,
    # read at the starts only): one lookup where there were three, and fewer numpy calls.
    quads = np.ndarray((size,), dtype="<u4", buffer=data, strides=(1,))[starts] | _FOLD4
    openings = _OPENING_PAIRS.take((quads >> 8) & 0xFFFF)
    closings = ((quads & _FIRST) == _SLASH_FIRST) & _OPENING_PAIRS.take(quads >> 16)
    return starts[openings].tolist(), starts[closings].tolist(), len(starts) + 3


#: Closing tags looked at one by one before a regex takes over (a script holding markup in
#: its strings has many that are not its own).
_CLOSING_TRIES = 8


def _closing(data: bytes, closings: list[int], name: bytes, at: int) -> int:
    """Where the first closing tag of ``name`` (in any case) at or after ``at`` starts, or -1;
    ``closings``: where every closing tag that may be a cut element's starts, in order."""
    index = bisect_left(closings, at)
    end = 2 + len(name)
    for position in closings[index : index + _CLOSING_TRIES]:
        if data[position + 2 : position + end].lower() == name:
            return position
    if len(closings) <= index + _CLOSING_TRIES:
        return -1
    found = _CLOSING_TAGS[name].search(data, closings[index + _CLOSING_TRIES])
    return found.start() if found is not None else -1


#: Cut elements whose contents are markup, not raw text as a script's: the parser ends one at
#: its parent's closing tag when its own is missing or hidden in a broken start tag
#: (``<video ... data-x="1" </video>``), where a cut up to the next ``</video>`` would take
#: the paragraphs after it. (In a ``<select>`` or a ``<template>`` a stray closing tag is
#: ignored.)
_CLOSED_BY_PARENT = frozenset(
    {b"svg", b"math", b"object", b"video", b"audio", b"canvas", b"button", b"map"}
)
#: (In the two cases markup is written in: a case-blind search has no literal prefix to skip
#: ahead with, and would cost more over every icon than all the rest of this check.)
_BLOCK_CLOSE = re.compile(rb"</(?:div|DIV|p|P)\s*>")
_BLOCK_TAG = re.compile(rb"<(/?)(div|p)[\s>]", re.IGNORECASE)


def _closed_before(data: bytes, start: int, end: int) -> bool:
    """Whether the parser ends the element whose contents seem to be ``data[start:end]``
    before ``end``: they close a ``<div>`` or a ``<p>`` they did not open."""
    if _BLOCK_CLOSE.search(data, start, end) is None:
        return False  # (nearly always: an icon, a player)
    opened = {b"div": 0, b"p": 0}
    for match in _BLOCK_TAG.finditer(data, start, end):
        name = match.group(2).lower()
        opened[name] += -1 if match.group(1) else 1
        if opened[name] < 0:
            return True
    return False


def _declares_json_ld(data: bytes, start: int, end: int) -> bool:
    """``b"ld+json" in data[start:end].lower()``, with no copy where no "+" stands (most
    scripts' tags)."""
    return data.find(b"+", start, end) >= 0 and data[start:end].lower().find(b"ld+json") >= 0


def _holds_paragraphs(data: bytes, start: int, end: int) -> bool:
    for found, _ in enumerate(_PARAGRAPH_OPEN.finditer(data, start, end), 1):
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
