"""Publication and update times: the date line the page displays, checked against metadata.

The visible date line nearest the headline is the truth readers see. A date in
the site header ("today"), a sidebar or a footer is never taken: candidates
inside page chrome are rejected, and the rest are ranked by how close they sit
to the headline in the tree. Metadata fills in when nothing is displayed and
is reported in ``warnings`` when it disagrees with the display.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver.dates import ParsedDate, parse_date, parse_epoch, parse_iso
from archiver.extract.dom import (
    TEXT_SEPARATOR,
    Block,
    ancestors,
    blocks_at,
    in_any,
    text_of,
)
from archiver.extract.metadata import Metadata
from archiver.extract.vocabulary import Part

#: Date lines by element or attribute; date lines by class and id names come from ``roles``.
#: Elements that may hold a date line, by name (queried only when the page holds the
#: names, see ``vocabulary``).
DATE_PARTS = (
    Part("time"),
    Part("[itemprop=datePublished]", names=("itemprop",)),
    Part("[data-role=publishdate]", names=("data-role",)),
)
_UPDATED_LABEL = re.compile(
    r"(cập nhật|cap nhat|updated?|sửa đổi|chỉnh sửa|modified)", re.IGNORECASE
)
_MAX_LEVELS = 6
# A bare date line sits close to the headline: its text is searched this many levels up.
_TEXT_SCAN_LEVELS = 4
_MAX_LINE = 160
# "2 giờ trước" is a date line only when it stands alone right by the headline; further
# away it belongs to a list of other articles, and inside prose ("Mới đây, ...") it is a word.
_MAX_RELATIVE_LINE = 40
_MAX_RELATIVE_LEVELS = 3
_MAX_OTHER_WORDS = 10
_SEPARATOR_WORD = re.compile(r"[|•·\-–—/,;:]+")
# A teaser (headline, time, a line of sapo) is shorter than this.
_MAX_TEASER = 800
# What a text must contain before the date parser is asked about its line: a numeric date
# (found around its "/" or "-"), a month in words, or a relative time. Plain substring
# searches on the lower-cased text: a regex with alternatives costs ~0.5 µs per character.
_NUMERIC_DATE = re.compile(r"\d{1,4}\s*[/-]\s*\d{1,2}\s*[/-]\s*\d{1,4}")
_DATE_WORDS = (
    "tháng",
    "trước",
    "hôm ",
    "vừa",
    "thang ",
    "truoc",
    "hom ",
    "january",
    "february",
    "march",
    "april",
    "may ",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_DATE_WORDS_UTF8 = tuple(word.encode("utf-8") for word in _DATE_WORDS)
_DIGIT_MARK = re.compile(r"\d\s?[/-]\s?\d")


@dataclass(slots=True)
class Timestamps:
    published: ParsedDate | None = None
    published_raw: str | None = None
    updated: ParsedDate | None = None
    nodes: list[LexborNode] = field(default_factory=list)  # date lines, kept out of the body
    warnings: list[str] = field(default_factory=list)
    selectors_missed: bool = False  # the profile named date elements, none showed a date


@dataclass(slots=True)
class _Candidate:
    date: ParsedDate
    line: str
    node: LexborNode
    distance: int
    order: int
    updated: bool


def find_timestamps(
    tree: LexborHTMLParser,
    meta: Metadata,
    *,
    anchor: LexborNode | None,
    chrome_ids: Callable[[], set[int]],
    dated: Callable[[], list[LexborNode]],
    selectors: Sequence[str] = (),
    updated_selectors: Sequence[str] = (),
    formats: Sequence[str] = (),
    order: str = "DMY",
    now: datetime | None = None,
) -> Timestamps:
    result = Timestamps()
    options = {"now": now, "order": order, "formats": formats}

    visible = _from_selectors(tree, selectors, options)
    if visible is not None:
        result.nodes.append(visible.node)
    elif selectors:
        result.selectors_missed = True
    candidates: list[_Candidate] = []
    if visible is None:
        candidates = _visible_candidates(tree, anchor, chrome_ids, dated(), options)
        published = [c for c in candidates if not c.updated]
        if published:
            visible = min(published, key=lambda c: (c.distance, c.order))
            result.nodes.append(visible.node)

    updated_visible = _from_selectors(tree, updated_selectors, options)
    if updated_visible is None:
        labelled = [c for c in candidates if c.updated]
        if labelled:
            updated_visible = min(labelled, key=lambda c: (c.distance, c.order))
    machine = _first_iso(meta.published)
    if visible is None and machine is None and updated_visible is not None:
        # The only date line says "Cập nhật lúc 07:30, ..." (sites that print no other): it
        # is the time readers are given for the article.
        visible, updated_visible = updated_visible, None
        result.nodes.append(visible.node)
    if updated_visible is not None:
        result.updated = updated_visible.date
        result.nodes.append(updated_visible.node)

    if visible is not None:
        result.published = visible.date
        result.published_raw = visible.date.raw
        timed = _attribute_time(visible.node, visible.date)
        if timed is not None:
            # The line shows the day or "2 giờ trước"; its element's datetime has the time.
            result.published = timed
        elif machine is not None and visible.date.precision == "relative":
            result.published = machine[1]  # "2 giờ trước": the metadata says when
        elif machine is not None and not _agree(visible.date, machine[1]):
            result.warnings.append(
                f"metadata date {machine[0]}={machine[1].isoformat()} disagrees with the page "
                f"({visible.date.isoformat()}); kept the page's"
            )
        elif machine is not None and visible.date.precision == "date":
            # The page shows only the day; the metadata agrees and knows the time.
            result.published = machine[1]
    elif machine is not None:
        result.published = machine[1]
        result.published_raw = machine[1].raw
    if result.updated is None:
        modified = _first_iso(meta.modified)
        if modified is not None and (
            result.published is None
            or modified[1].value - result.published.value > timedelta(minutes=1)
        ):
            result.updated = modified[1]
    return result


def _from_selectors(
    tree: LexborHTMLParser, selectors: Sequence[str], options: dict
) -> _Candidate | None:
    """The first date shown by an element the profile names (its text, else its datetime)."""
    for selector in selectors:
        for node in tree.css(selector):
            text = text_of(node)
            parsed = element_date(node, text, **options)
            if parsed is not None:
                return _Candidate(parsed, text, node, 0, 0, False)
    return None


def element_date(
    node: LexborNode,
    text: str,
    *,
    now: datetime | None,
    order: str,
    formats: Sequence[str],
) -> ParsedDate | None:
    """The date shown by an element a profile names (``text`` is its text): the text when it
    is short enough to be a date line, else the element's ``datetime`` attribute."""
    parsed = (
        parse_date(text, now=now, order=order, formats=formats)
        if text and len(text) < 300
        else None
    )
    if parsed is None and node.attributes.get("datetime"):
        parsed = parse_iso(node.attributes["datetime"] or "")
    return parsed


def _visible_candidates(
    tree: LexborHTMLParser,
    anchor: LexborNode | None,
    chrome_ids: Callable[[], set[int]],
    dated: list[LexborNode],
    options: dict,
) -> list[_Candidate]:
    """Date lines near the headline, each with its distance (levels up to a common ancestor).
    The page's chrome (``chrome_ids``, a scan of its own) is asked for only once a line
    reads as a date."""
    if anchor is None:
        return []
    levels: dict[int, int] = {anchor.mem_id: 0}
    chain = [anchor]
    for depth, parent in enumerate(ancestors(anchor), start=1):
        if depth > _MAX_LEVELS or parent.tag in ("body", "html"):
            break
        levels[parent.mem_id] = depth
        chain.append(parent)

    found: list[_Candidate] = []
    seen: set[int] = set()
    for order, node in enumerate(dated):
        if order > 400:
            break
        candidate = _candidate(node, levels, chrome_ids, options, order)
        if candidate is not None:
            found.append(candidate)
            seen.add(node.mem_id)
    if any(not c.updated for c in found):
        return found
    # No date-styled element: read the short lines around the headline (old portals print
    # "Thứ 4, ngày 04/07/2018 | 03:34 PM" in a bare <td> or <span>), within the widest
    # allowed ancestor; each line's distance is the level of its nearest shared ancestor.
    # (in_any on the narrowest also asks about every wider one: they are its ancestors.)
    allowed = chain[1 : _TEXT_SCAN_LEVELS + 1]
    if not allowed:
        return found
    # The widest of them whose text is not a whole portal's (measured from the widest down:
    # usually one measure, whose text nodes are then searched: lexbor renders the text once).
    for scope in reversed(allowed):
        joined = scope.text(deep=True, separator=TEXT_SEPARATOR)
        if len(joined) - joined.count(TEXT_SEPARATOR) <= 60_000:
            break
    else:
        return found
    texts = joined.split(TEXT_SEPARATOR)
    hits = _short_dated_texts(texts)
    if not hits or in_any(allowed[0], chrome_ids()):
        return found
    for order, block in enumerate(_dated_blocks(scope, texts, hits, chrome_ids())):
        if len(block.text) > _MAX_LINE or block.node.mem_id in seen:
            continue
        parsed = parse_date(block.text, **options)
        if parsed is None:
            continue
        distance = next(
            (levels[p.mem_id] for p in (block.node, *ancestors(block.node)) if p.mem_id in levels),
            _MAX_LEVELS,
        )
        if (
            _plausible(parsed, block.text, distance)
            and not _in_teaser(block.node, levels)
            and not _quoted(block.node, levels)
        ):
            line = block.text
            updated = bool(_UPDATED_LABEL.search(line[: parsed.span[0]]))
            if updated:
                parsed, line, updated = _published_after(parsed, line, options)
            found.append(_Candidate(parsed, line, block.node, distance, order, updated))
    return found


def _short_dated_texts(texts: list[str]) -> list[int]:
    """Indexes of the ``texts`` short enough for a date line that hold something shaped
    like a date: a text longer than a date line is prose that mentions a date ("ngày 23/12,
    ...")."""
    short = [
        i
        for i, text in enumerate(texts)
        if len(text) <= _MAX_LINE or len(text.strip()) <= _MAX_LINE
    ]
    return [short[i] for i in _dated_texts([texts[i] for i in short])]


def _dated_blocks(
    scope: LexborNode, texts: list[str], hits: list[int], chrome_ids: set[int]
) -> list[Block]:
    """The rendered blocks under ``scope`` (``texts``: its :func:`~dom.text_nodes`, ``hits``:
    those that hold something shaped like a date) that hold a date, in order."""
    return [
        b
        for b in blocks_at(scope, texts, hits, chrome_ids)
        if len(b.text) <= _MAX_LINE and _dated_texts([b.text])
    ]


def _dated_texts(texts: list[str]) -> list[int]:
    """Indexes of the texts that hold something shaped like a date, in order."""
    joined = TEXT_SEPARATOR.join(texts)
    lower = joined.lower()
    positions: list[int] = []
    # Only where a digit touches a "/" or "-" ("12/3", "04 - 07") is the date regex tried:
    # hyphens are everywhere in Vietnamese prose, dates are not.
    for mark in _DIGIT_MARK.finditer(joined):
        at = mark.start()
        if _NUMERIC_DATE.search(joined, max(0, at - 5), at + 16):
            positions.append(at)
    if len(lower) != len(joined):  # (lower-casing lengthened a letter: positions shift)
        for word in _DATE_WORDS:
            at = lower.find(word)
            while at != -1:
                positions.append(at)
                at = lower.find(word, at + 1)
    found: set[int] = set()
    if positions:
        starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
        found = {bisect_right(starts, at) - 1 for at in positions}
    if len(lower) == len(joined):
        # The words are searched in the UTF-8 bytes (str.find is several times slower on
        # Vietnamese text); a text's index is the number of separators before a hit, and
        # the rest of a text that holds a word is not searched for it again.
        data = lower.encode("utf-8")
        sep = TEXT_SEPARATOR.encode()
        for word in _DATE_WORDS_UTF8:
            at = data.find(word)
            while at != -1:
                found.add(data.count(sep, 0, at))
                end = data.find(sep, at)
                if end == -1:
                    break
                at = data.find(word, end)
    return sorted(found)


def _candidate(
    node: LexborNode,
    levels: dict[int, int],
    chrome_ids: Callable[[], set[int]],
    options: dict,
    order: int,
) -> _Candidate | None:
    distance = next(
        (levels[p.mem_id] for p in ancestors(node) if p.mem_id in levels),
        None,
    )
    if distance is None or _quoted(node, levels):
        return None
    text = text_of(node)
    parsed = parse_date(text, **options) if text and len(text) <= _MAX_LINE else None
    if parsed is None:
        attr = node.attributes.get("datetime")
        parsed = parse_iso(attr) if attr else None
        if parsed is None:
            return None
    if not _plausible(parsed, text, distance) or _in_teaser(node, levels):
        return None
    if in_any(node, chrome_ids()):
        return None
    updated = bool(_UPDATED_LABEL.search(text[: parsed.span[0]] if parsed.raw in text else text))
    if updated and parsed.raw in text:
        parsed, text, updated = _published_after(parsed, text, options)
    return _Candidate(parsed, text, node, distance, order, updated)


def _published_after(parsed: ParsedDate, line: str, options: dict) -> tuple[ParsedDate, str, bool]:
    """A line that gives the update first and the publication after it ("Cập nhật: 14/09
    10:30 | Đăng: 14/09 08:15"): the publication, read from the rest of the line; else the
    update, as found."""
    rest = line[parsed.span[1] :]
    later = parse_date(rest, **options) if len(rest) >= 8 else None
    if later is not None and not _UPDATED_LABEL.search(rest[: later.span[0]]):
        return later, rest, False
    return parsed, line, True


def _plausible(parsed: ParsedDate, line: str, distance: int) -> bool:
    """A date line is mostly date: labels and a byline around it, not a sentence."""
    rest = line[: parsed.span[0]] + " " + line[parsed.span[1] :]
    # Words, not the separators between a date line's parts ("Ngày đăng: ... | Tác giả: ...
    # | Lượt xem: ...").
    if sum(1 for word in rest.split() if not _SEPARATOR_WORD.fullmatch(word)) > _MAX_OTHER_WORDS:
        return False
    if parsed.precision != "relative":
        return True
    return len(line) <= _MAX_RELATIVE_LINE and distance <= _MAX_RELATIVE_LEVELS


def _quoted(node: LexborNode, anchor_ids: Container[int]) -> bool:
    """True inside a quotation below the headline (an embedded post: "— Name (@name) August
    22, 2013"): its date is the quoted post's, not the article's."""
    for parent in (node, *ancestors(node)):
        if parent.mem_id in anchor_ids:
            return False
        if parent.tag == "blockquote":
            return True
    return False


def _in_teaser(node: LexborNode, anchor_ids: Container[int]) -> bool:
    """True for the time stamp of a teaser in a list of other articles (``anchor_ids``: the
    headline and its ancestors, where the search stops). A teaser is small: a box holding
    the article's text and, further down, links to others is no teaser."""
    for depth, parent in enumerate(ancestors(node)):
        if depth >= 3 or parent.mem_id in anchor_ids:
            return False
        for link in parent.css("a[href]"):
            if len(link.text(deep=True).split()) >= 6:
                return len(parent.text(deep=True)) <= _MAX_TEASER
    return False


def _attribute_time(node: LexborNode, shown: ParsedDate) -> ParsedDate | None:
    """The time a date line's element gives in its ``datetime`` attribute (its own or a
    child's) when the text shows less: only the day (the same day), or a relative time.
    A relative time ("2 giờ trước", counted from when the page was shown, not read) also
    takes the time its element keeps in another attribute (``title``, ``data-time``)."""
    if shown.precision not in ("date", "relative"):
        return None
    holder = node if node.attributes.get("datetime") else node.css_first("[datetime]")
    if holder is not None:
        parsed = parse_iso(holder.attributes.get("datetime") or "")
    elif shown.precision == "relative":
        parsed = _kept_time(node)
    else:
        return None
    if parsed is None or parsed.precision in ("date", "relative"):
        return None
    if shown.precision == "date" and parsed.value.date() != shown.value.date():
        return None
    return parsed


#: Attributes in which a page keeps the moment a relative time is counted from.
_TIME_ATTRIBUTES = ("data-time", "data-datetime", "data-date", "data-published", "title")


def _kept_time(node: LexborNode) -> ParsedDate | None:
    """The moment ``node`` keeps in one of :data:`_TIME_ATTRIBUTES` (ISO, as a page writes
    it: "14/09/2026 08:15", or a Unix time in a ``data-`` attribute); never a relative one."""
    for name in _TIME_ATTRIBUTES:
        value = (node.attributes.get(name) or "").strip()
        if not value or not any(c.isdigit() for c in value):
            continue
        parsed = (
            parse_epoch(value)
            if name != "title" and value.isdigit()
            else parse_iso(value) or parse_date(value, now=None)
        )
        if parsed is not None and parsed.precision != "relative":
            return parsed
    return None


def _first_iso(values: list[tuple[str, str]]) -> tuple[str, ParsedDate] | None:
    for source, raw in values:
        parsed = parse_iso(raw)
        if parsed is not None:
            return source, parsed
    return None


def _agree(shown: ParsedDate, machine: ParsedDate) -> bool:
    """Same moment to the minute, or the same day when the page shows only a date."""
    if shown.precision == "date" or machine.precision == "date":
        return shown.value.date() == machine.value.date()
    return abs(shown.value - machine.value) < timedelta(minutes=1, seconds=59) or (
        shown.value.replace(second=0) == machine.value.replace(second=0)
    )
