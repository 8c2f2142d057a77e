"""Finding the article's element on a page that no profile describes.

Readability's idea in one pass over the paragraph-like elements lexbor selects:
each paragraph scores by its length and commas and gives that score to the element
holding it (in full), the one above (a half) and the next (a third); link-heavy
candidates are discounted. The winner is then widened the ways real pages need: up
to the parent when several strong candidates share it or the parent scores better,
and across siblings when the text is split (paragraphs between ad slots, a body in
several boxes, a ``<div>`` per paragraph).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver.extract.dom import (
    BLOCK_TAGS,
    DOCUMENT_ID,
    PARAGRAPH_TAGS,
    Inside,
    in_any,
    link_chars,
    tag_ids,
)

_MIN_PARAGRAPH = 25
# Elements that hold paragraph text: whole-text ones count everything inside them,
# the others only their own text nodes (a <td> of a table layout, a <div> with <br>s).
_WHOLE_TEXT_TAGS = frozenset({"p", "pre", "blockquote", "h2", "h3", "h4", "figcaption"})
# (Captions count: in a photo story they are all the text there is.)
#: (Tested by tag on one walk over every element: a selector list walks once per name.)
_HOLDER_TAGS = frozenset(
    "p pre blockquote h2 h3 h4 figcaption td div li dd section article span font".split()
)
_TOP = 5
#: Characters of text set straight in a block that score as one paragraph.
_LINES_PARAGRAPH = 500
# Readability's constants: candidates within this share of the best are alternatives, and
# this many alternatives under one element make that element the article.
_ALTERNATIVE_SHARE = 0.75
_MIN_ALTERNATIVES = 3
_SIBLING_SHARE = 0.2
_SIBLING_TEXT = 80
#: A <div>'s text set in inline elements counts when it is this long, and this many times
#: the text set straight in the <div>.
_MIN_INLINE_TEXT = 150
_INLINE_SHARE = 2
_TABLE_PARTS = frozenset({"tbody", "thead", "tfoot"})
_DOCUMENT = frozenset({"html", "-document", "#document"})
#: The tag sets above as lexbor's numbers, for the walk over every element (see ``tag_ids``).
_HOLDER_IDS = tag_ids(_HOLDER_TAGS)
_WHOLE_TEXT_IDS = tag_ids(_WHOLE_TEXT_TAGS)
_PARAGRAPH_IDS = tag_ids(PARAGRAPH_TAGS | {"figcaption"})
_BLOCK_IDS = tag_ids(BLOCK_TAGS)
_LEAF_IDS = tag_ids(("div", "section"))
_DOCUMENT_IDS = tag_ids(("html",)) | {DOCUMENT_ID}


@dataclass(slots=True)
class Choice:
    """The element holding the article, and what else it holds that is not article text."""

    node: LexborNode | None
    #: The share of the page's paragraph score the chosen text holds: an article's body
    #: holds most of it, one teaser on a home page little.
    share: float = 0.0
    #: Children of ``node`` left out: beside the text, not part of it (when the text was
    #: gathered from siblings).
    excluded: list[LexborNode] = field(default_factory=list)


class _Scores:
    def __init__(self) -> None:
        self.score: dict[int, float] = {}
        self.node: dict[int, LexborNode] = {}
        self.total = 0.0

    def credit(self, start: LexborNode | None, score: float) -> None:
        node = start
        for divisor in (1.0, 2.0, 3.0):
            if node is None or node.tag_id in _DOCUMENT_IDS:
                break
            key = node.mem_id
            self.score[key] = self.score.get(key, 0.0) + score / divisor
            self.node[key] = node
            node = node.parent

    def get(self, node: LexborNode) -> float:
        return self.score.get(node.mem_id, 0.0)


def choose_container(
    tree: LexborHTMLParser,
    skip_ids: set[int],
    teaser_ids: set[int] = frozenset(),  # type: ignore[assignment]
    headline: LexborNode | None = None,
) -> Choice:
    """The element holding the most paragraph-like, link-poor text; ``skip_ids`` is chrome.

    Text in teasers (``teaser_ids``) is never chosen but counts in the page's total: a
    page of teasers leaves little of it to any element. When the text found sits in
    another ``<article>`` than the ``headline``'s (a page that loads the next articles
    below its own as the reader scrolls), the text of the headline's article is chosen.
    """
    root = tree.body
    if root is None:
        return Choice(None)
    scores = _score(root, skip_ids, teaser_ids)
    if not scores.score:
        return Choice(None)
    choice = _choose(scores, skip_ids)
    own = _own_article(choice.node, headline, scores)
    if own is not None:
        article, inside = own
        choice = _choose(inside, skip_ids)
        if choice.node is None or not in_any(choice.node, {article.mem_id}):
            # (widened across to the next articles again: their row is not the text)
            held = max(inside.score.values()) / scores.total if scores.total else 0.0
            choice = Choice(article, min(held, 1.0))
    slides = _slide_lists(choice.node)
    if slides:
        # A gallery's slides (each led by "3/50") are captions, and may outweigh the article
        # they sit in: the article is what is left without them, unless they are all there is.
        skip = skip_ids | {n.mem_id for n in slides}
        rest = _score(root, skip, teaser_ids)
        if rest.score and max(rest.score.values()) >= _MIN_REST:
            choice = _choose(rest, skip)
            if choice.node is not None:
                choice.excluded.extend(n for n in slides if in_any(n, {choice.node.mem_id}))
    return choice


def _own_article(
    chosen: LexborNode | None, headline: LexborNode | None, scores: _Scores
) -> tuple[LexborNode, _Scores] | None:
    """The headline's ``<article>`` and the scores inside it when ``chosen`` is, or holds,
    another article with a text of its own, and the headline's holds one too (a few
    paragraphs); else None."""
    if chosen is None or headline is None:
        return None
    own = _article_of(headline)
    if own is None or in_any(chosen, {own.mem_id}):
        return None
    around = _article_of(chosen)
    others = [around] if around is not None else chosen.css("article")
    if not any(
        len(other.text(deep=True)) >= _OTHER_ARTICLE
        and not in_any(other, {own.mem_id})
        and not in_any(own, {other.mem_id})
        for other in others
    ):
        return None
    inside = _Scores()
    inside.total = scores.total
    for key, node in scores.node.items():
        if in_any(node, {own.mem_id}):
            inside.score[key], inside.node[key] = scores.score[key], node
    if not inside.score or max(inside.score.values()) < _MIN_REST:
        return None
    return own, inside


#: Characters of text that make an ``<article>`` beside the headline's another article.
_OTHER_ARTICLE = 500


def _article_of(node: LexborNode) -> LexborNode | None:
    """The closest ``<article>`` holding ``node`` (or ``node`` itself)."""
    current: LexborNode | None = node
    while current is not None and current.tag != "article":
        current = current.parent
    return current


def _choose(scores: _Scores, skip_ids: set[int]) -> Choice:
    ranked = sorted(scores.score, key=scores.score.__getitem__, reverse=True)[:_TOP]
    final: dict[int, float] = {}
    for key in ranked:
        score = scores.score[key]
        if final and score < _ALTERNATIVE_SHARE * max(final.values()):
            # (Links only lower a score: this one and those after it can be neither the best
            # nor an alternative to it, see ``_widen``. Their links are not counted.)
            break
        final[key] = score * (1.0 - _link_density(scores.node[key]))
    best_key = max(final, key=final.__getitem__)
    best = _widen(
        scores.node[best_key], [scores.node[k] for k in ranked if k != best_key], final, scores
    )
    while best.tag in _TABLE_PARTS and best.parent is not None:
        best = best.parent  # a table is one block: its neighbours are the table's
    node, excluded = _with_siblings(best, scores, skip_ids)
    if node is not best:
        # The paragraphs gathered from siblings may themselves be one box of a row of
        # boxes of one kind (a CMS's intro block, then its paragraphs block): the row.
        # (Their class names must agree as written: grid columns "col_620" and "col_300",
        # "large-8" and "large-4", are of one kind only without their numbers.)
        row, outside = _repeated_boxes(node, scores, skip_ids, exact=True)
        if row is not node:
            node, excluded = row, excluded + outside
    held = max(scores.get(node), scores.get(best), scores.score[best_key])
    return Choice(node, min(held / scores.total, 1.0) if scores.total else 0.0, excluded)


#: A slide counter ("3/50", "3 of 50") leading a gallery's item.
_SLIDE_COUNTER = re.compile(r"\s*\d{1,3}\s*(?:/|of)\s*(\d{1,3})\b", re.IGNORECASE)
#: What the page must hold beside a gallery for the gallery not to be the article: a
#: few paragraphs' score.
_MIN_REST = 12.0


def _slide_lists(node: LexborNode | None) -> list[LexborNode]:
    """``node`` when it is a list of numbered slides (at least three items, nearly all led by
    a counter of one total), else the lists of slides inside it."""
    if node is None:
        return []
    if _numbered_items(node):
        return [node]
    return [n for n in node.css("ul, ol") if _numbered_items(n)]


def _numbered_items(node: LexborNode) -> bool:
    items = [c for c in node.iter() if c.tag[0] not in "-_"]
    if len(items) < _MIN_ALTERNATIVES:
        return False
    # (Read until the answer is known: most lists, and every text, fail at once.)
    least = 0.8 * len(items)
    misses = 0
    total = None
    for item in items:
        counter = _SLIDE_COUNTER.match(item.text(deep=True))
        if counter is None:
            misses += 1
            if len(items) - misses < least:
                return False
        elif total is None:
            total = counter.group(1)
        elif counter.group(1) != total:
            return False
    return total is not None


def _score(root: LexborNode, skip_ids: set[int], teaser_ids: set[int]) -> _Scores:
    scores = _Scores()
    # (Paragraphs share their ancestors: each is asked about once for the whole page.)
    skipped, in_teaser = Inside(skip_ids), Inside(teaser_ids)
    for holder in root.css("*"):
        tag = holder.tag_id
        if tag not in _HOLDER_IDS:
            continue
        whole = tag in _WHOLE_TEXT_IDS
        text = holder.text(deep=whole)
        length = own = len(text.strip())
        # (Asked of the blocks holding text of their own only: a wrapper holds none.)
        leaf = not whole and own > 0 and _is_leaf(holder)
        if leaf and own < _MIN_INLINE_TEXT and not _custom_elements(holder):
            # A <div> used as a paragraph whose sentences are mostly set in inline elements
            # (a quote in <i>, a summary around <a>s): their text is its text, as in a <p>.
            inline = holder.text(deep=True)
            inline_length = len(inline.strip())
            if inline_length >= max(_MIN_INLINE_TEXT, _INLINE_SHARE * own) and ". " in inline:
                text, whole, length = inline, True, inline_length
        if length < _MIN_PARAGRAPH:
            continue
        if whole and link_chars(holder) > 0.5 * length:
            continue
        if skipped(holder):
            continue
        # A paragraph's length counts up to 300 characters; text set straight in a <div> or
        # <td> (lines between <br>s, a post as typed) counts as a paragraph per 500.
        cap = 3.0 if whole else 3.0 * (1 + length // _LINES_PARAGRAPH)
        score = 1.0 + text.count(",") + min(length / 100, cap)
        scores.total += score
        if teaser_ids and in_teaser(holder):
            continue
        start: LexborNode | None = holder
        if tag in _PARAGRAPH_IDS or leaf:
            # A paragraph (or a <div> used as one) gives its score to what holds it.
            start = holder.parent
        # Text set in <span>/<font>, or paragraphs wrapped in one: credit the block above.
        while start is not None and start.tag_id not in _BLOCK_IDS:
            start = start.parent
        scores.credit(start, score)
    return scores


def _custom_elements(node: LexborNode) -> bool:
    """``node`` holds elements a script defines (``<app-recipe-steps>``): blocks of a page
    built by a framework, not the inline elements of a paragraph."""
    for child in node.iter():
        tag = child.tag or ""
        if "-" in tag[1:] and tag[0] not in "-_":
            return True
    return False


def _is_leaf(node: LexborNode) -> bool:
    """A ``<div>`` (or ``<section>``) of inline text only: a paragraph in all but name."""
    if node.tag_id not in _LEAF_IDS:
        return False
    return not any(child.tag_id in _BLOCK_IDS for child in node.iter())


def _widen(
    best: LexborNode, others: list[LexborNode], final: dict[int, float], scores: _Scores
) -> LexborNode:
    """Move up from ``best`` when the article's text is spread over several candidates."""
    top = final.get(best.mem_id, scores.get(best))
    alternatives = [n for n in others if final.get(n.mem_id, 0.0) >= _ALTERNATIVE_SHARE * top]
    if len(alternatives) >= _MIN_ALTERNATIVES - 1:
        lineages = [{p.mem_id for p in _parents(n)} for n in alternatives]
        for parent in _parents(best):
            if sum(parent.mem_id in lineage for lineage in lineages) >= _MIN_ALTERNATIVES - 1:
                best = parent
                break
    # A parent that scores better than its best child holds more of the text.
    last = scores.get(best)
    threshold = last / 3
    parent = best.parent
    while parent is not None and parent.tag not in _DOCUMENT:
        score = scores.get(parent)
        if score == 0.0:
            parent = parent.parent
            continue
        if score < threshold:
            break
        if score > last:
            best = parent
            break
        last = score
        parent = parent.parent
    # An only child says nothing more than its parent.
    while (
        best.parent is not None
        and best.parent.tag not in _DOCUMENT
        and sum(1 for c in best.parent.iter() if c.tag[0] not in "-_") == 1
    ):
        best = best.parent
    return best


def _parents(node: LexborNode) -> list[LexborNode]:
    found = []
    parent = node.parent
    while parent is not None and parent.tag not in _DOCUMENT:
        found.append(parent)
        parent = parent.parent
    return found


def _with_siblings(
    best: LexborNode, scores: _Scores, skip_ids: set[int]
) -> tuple[LexborNode, list[LexborNode]]:
    """``best``, or its parent without the children that are not text, when the article's
    paragraphs continue in ``best``'s siblings."""
    parent = best.parent
    if parent is None or parent.tag in _DOCUMENT:
        return best, []
    threshold = _SIBLING_SHARE * scores.get(best)
    children = [c for c in parent.iter() if c.tag[0] not in "-_"]
    included = [
        c.mem_id == best.mem_id or _belongs(c, best, threshold, scores, skip_ids) for c in children
    ]
    if sum(included) <= 1:
        return _repeated_boxes(best, scores, skip_ids)
    return parent, _outside(children, included, skip_ids)


def _outside(
    children: list[LexborNode], included: list[bool], skip_ids: set[int]
) -> list[LexborNode]:
    """The children left out: before the first included one, after the last, and those
    between that are not text (link boxes, chrome)."""
    first = included.index(True)
    last = len(included) - 1 - included[::-1].index(True)
    excluded = []
    for index, child in enumerate(children):
        inside = first <= index <= last
        if included[index] or (inside and _may_join(child, skip_ids)):
            continue
        excluded.append(child)
    return excluded


#: How far above the best candidate a box repeated for each part of the text may sit.
_BOX_LEVELS = 2


def _repeated_boxes(
    best: LexborNode, scores: _Scores, skip_ids: set[int], *, exact: bool = False
) -> tuple[LexborNode, list[LexborNode]]:
    """The text split into a row of boxes of one kind ("step", "story-body-1",
    "story-body-2"), the best candidate inside one of them: the row is the article.
    Teasers are told apart by their links (a linked headline each). A box wrapped alone in
    an element without a name (``<div><div class="paragraph">``, perhaps beside an empty
    ``<div class="clear">``) is of its kind: the row is of the wrappers, and a wrapper is no
    level of its own."""
    box = named = best
    levels = 0
    while levels <= _BOX_LEVELS:
        parent = box.parent
        if parent is None or parent.tag in _DOCUMENT:
            break
        if box.attributes.get("class"):
            named = box
        children = [c for c in parent.iter() if c.tag[0] not in "-_"]
        if named.attributes.get("class") and _unnamed(parent) and len(_texts(parent)) == 1:
            box = parent
            continue
        if named.attributes.get("class"):
            included = [
                c.mem_id == box.mem_id
                or (_same_kind(_unwrapped(c), named, exact) and _prose_box(c, skip_ids))
                for c in children
            ]
            other = [
                c
                for c, inside in zip(children, included, strict=True)
                if inside and c.mem_id != box.mem_id
            ]
            others = sum(scores.get(c) for c in other)
            # Three boxes make a row; two do when the other holds a good part of the text
            # (a paragraph at least: a headline's box beside the text's is no part of it).
            if sum(included) >= _MIN_ALTERNATIVES or (
                sum(included) == 2
                and others >= _SIBLING_SHARE * scores.get(box)
                and (others > 0 or any(_holds_paragraph(c) for c in other))
            ):
                return parent, _outside(children, included, skip_ids)
        box = named = parent
        levels += 1
    return best, []


def _holds_paragraph(node: LexborNode) -> bool:
    return any(len(p.text(deep=True).strip()) >= _MIN_PARAGRAPH for p in node.css("p"))


def _unnamed(node: LexborNode) -> bool:
    attributes = node.attributes
    return not attributes.get("class") and not attributes.get("id")


def _unwrapped(node: LexborNode) -> LexborNode:
    """The first block inside the inline wrappers (``<span><span><div class="step">``) some
    CMSs put around each box of a row, and inside blocks without a name that wrap one
    element alone; ``node`` itself when it is a named block."""
    while node.tag not in BLOCK_TAGS or _unnamed(node):
        if node.tag not in BLOCK_TAGS:
            children = [c for c in node.iter() if c.tag[0] not in "-_"]
        else:
            children = _texts(node)
            if len(children) != 1:
                break
        if not children:
            break
        node = children[0]
    return node


def _texts(node: LexborNode) -> list[LexborNode]:
    """The child elements of ``node`` but the blank ones (``<div class="clear"></div>``: no
    element inside, no text); the first two are enough to tell a wrapper."""
    found = []
    for child in node.iter():
        if child.tag[0] in "-_":
            continue
        if next(child.iter(), None) is None and not child.text(deep=False).strip():
            continue
        found.append(child)
        if len(found) == 2:
            break
    return found


_NUMBERED = re.compile(r"[-_]?\d+$")


def _kind(node: LexborNode, exact: bool = False) -> frozenset[str]:
    """The class names of ``node`` without their numbers ("story-body-2" is a "story-body"),
    or as written when ``exact``."""
    label = node.attributes.get("class")
    if not label:
        return frozenset()
    return _kind_of(label, exact)


@lru_cache(maxsize=4096)
def _kind_of(label: str, exact: bool) -> frozenset[str]:
    """:func:`_kind` by class attribute (a row's boxes repeat theirs: each is compared with
    its neighbours, and a page's names recur on the next page of the site)."""
    return frozenset(label.split() if exact else (_NUMBERED.sub("", t) for t in label.split()))


def _same_kind(a: LexborNode, b: LexborNode, exact: bool = False) -> bool:
    """Boxes of one kind: most of their class names agree ("articleBodyText section" and
    "articleBodyText version-2 section"), numbers aside unless ``exact``."""
    first, second = _kind(a, exact), _kind(b, exact)
    if not first or not second:
        return False
    return len(first & second) >= 0.5 * len(first | second)


def _prose_box(node: LexborNode, skip_ids: set[int]) -> bool:
    if node.mem_id in skip_ids or node.css_first("h2 a, h3 a, h4 a") is not None:
        return False
    text = node.text(deep=True).strip()
    return len(text) >= _SIBLING_TEXT // 2 and _link_density(node, text) < 0.4


def _belongs(
    node: LexborNode, best: LexborNode, threshold: float, scores: _Scores, skip_ids: set[int]
) -> bool:
    if node.mem_id in skip_ids:
        return False
    bonus = 0.0
    if _same_kind(node, best) and (scores.get(node) or node.text(deep=True).strip()):
        # The same kind of box as the body: its continuation (when it holds anything; an
        # empty one, a spacer row of the layout's grid, says nothing about the text).
        bonus = threshold
    if scores.get(node) + bonus >= threshold > 0:
        return True
    if node.tag != "p" and not _is_leaf(node):
        return False
    text = node.text(deep=True).strip()
    density = _link_density(node, text)
    if len(text) > _SIBLING_TEXT:
        return density < 0.25
    return bool(text) and density == 0 and (text.endswith(".") or ". " in text)


def _may_join(node: LexborNode, skip_ids: set[int]) -> bool:
    """Between two parts of the text: a subheading, a list or a quote, not a link box."""
    if node.mem_id in skip_ids:
        return False
    text = node.text(deep=True).strip()
    return not text or _link_density(node, text) <= 0.5


def _link_density(node: LexborNode, text: str | None = None) -> float:
    """Share of ``node``'s text inside links; ``text``: that text stripped, when the caller
    has it (rendering it again costs a walk of the subtree)."""
    if text is None:
        text = node.text(deep=True).strip()
    total = len(text) or 1
    return min(link_chars(node) / total, 1.0)
