"""Listing and hub pages told before their text is read, when the answer is already certain.

On a page no profile describes, a page of teasers (a home page, a section, a tag page) is
recognised as a listing only after the whole body reading (lead, byline, view count, the
text): :func:`archiver.extract.content.looks_like_listing` judges the paragraphs read.
Most of that work is thrown away: a listing's record keeps its heading and nothing else.

:func:`plainly_listing` decides it earlier, from what is known once the body element is
chosen and the dates are read, and only when the late decision cannot come out otherwise.

*The bound.* The paragraphs the late decision judges are rendered from the body element's
text nodes after elements are taken out of it: their characters are characters of those
text nodes, and a space between two of their words stands where the nodes' text has white
space, where a node ends (the cells of a table row are joined by one) or where a line
breaks. So whatever is taken out, their total weight
(:func:`~archiver.extract.content.text_weight`) is at most that of the element's text,
its text nodes set apart by spaces and cleaned as a paragraph is (:func:`text_bound`).
Elements certain to be taken out count for nothing: teasers, the element's children set
beside the text, noise by its tag or by the profile's "remove" selectors, the boxes named
like chrome or noise that the reading confirms as noise there and the cards of other
articles (found by the same functions, on the same tree: the reading asks the extraction
for what the early decision found), the headline. They are taken out of every body but a
photo story's (an element holding one of its captions stays): a photo story gets no early
decision. Their words are words of the element's text (a space sets each text node apart),
so the bound without them is the element's, less each one's weight and the space after it.

*Paragraph by paragraph* (:func:`paragraph_bounds`). Each text node left has an owner: its
nearest block element (in a table row, the row). A paragraph is read from one owner's
text nodes (its run of inline text, a block element without blocks inside, a data row's
cells), and a drop cap set apart may open it (two characters of another owner): taking
more out only takes text away, or joins one owner's text across what was taken. So a
paragraph weighs at most its owner's text plus a drop cap, and the paragraphs a run counts
(``RUN_PARAGRAPH`` characters or more each) come from owners of that many characters less
a drop cap, at most one per that many of their characters.

*The rules.* Those of the late decision that find an article all need some running text:
a run of paragraphs of ``RUN_CHARS`` (on a dated page, half as much), or, in an element
holding ``POST_SHARE`` of the page's text, one paragraph of ``SHORT_POST``. When the bounds
are below each of them that applies (the whole text's bound bounds both; the paragraphs'
bound them closer), none can fire, and the rule of "one teaser among many, or a footer"
(less than ``LISTING_CHARS`` in all, in less than ``FEW_SHARE`` of the page's text or among
``MANY_TEASERS``) does when the whole text's bound is below ``LISTING_CHARS``: the page is a
listing, and its record is the one the late decision gives.

Hangul jamo are the one kind of character that weighs more composed than apart (a
syllable counts three, its letters one each): an element holding them gets no bound.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from selectolax.lexbor import LexborNode

from archiver.extract import content
from archiver.extract.dom import BLOCK_TAGS, ancestors
from archiver.text import clean

#: Characters the bound does not hold for (see above).
_JAMO = re.compile("[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff]")
#: An element whose text is this many times the limit is not looked at more closely: what
#: is certain to go would have to be nearly all of it.
_FAR_OVER = 40


def text_bound(node: LexborNode) -> int | None:
    """An upper bound of the weight of the paragraphs read from ``node``, whatever is taken
    out of it first; None when its text holds Hangul jamo."""
    text = node.text(deep=True, separator=" ")
    if _JAMO.search(text):
        return None
    return content.text_weight(clean(text))


def listing_limit(share: float, *, dated: bool, teasers: int) -> int:
    """The text weight under which a generic body element holding ``share`` of the page's
    text is a listing for :func:`~archiver.extract.content.looks_like_listing`, whatever its
    paragraphs are; 0 when no weight is (too large a share, too few teasers)."""
    if share >= content.FEW_SHARE and teasers < content.MANY_TEASERS:
        return 0
    if not teasers:
        return 0  # (without teasers, a paragraph or two of prose are a short text: no listing)
    limit = content.RUN_CHARS // 2 if dated else content.RUN_CHARS
    if share >= content.POST_SHARE:
        limit = min(limit, content.SHORT_POST)
    return min(limit, content.LISTING_CHARS)


def plainly_listing(
    container: LexborNode,
    share: float,
    *,
    dated: bool,
    teasers: int,
    removed: Callable[
        [], tuple[Iterable[LexborNode], Iterable[LexborNode | None], set[int] | None]
    ] = lambda: ((), (), None),
    photo_story: Callable[[], bool] = lambda: True,
) -> bool:
    """True when :func:`~archiver.extract.content.looks_like_listing` will say the page
    whose generic body element is ``container`` lists articles, whatever the later stages
    take out of the element. False says nothing.

    ``removed`` gives what the body reading takes out of the element unless it reads a
    photo story, which ``photo_story`` tells: elements that hold a link (teasers), and
    others (both asked only when the element's whole text is too long), and the ids of the
    element and of every element under it when known (see :func:`outermost_inside`).
    """
    limit = listing_limit(share, dated=dated, teasers=teasers)
    if limit <= 0:
        return False
    text = container.text(deep=True, separator=" ")
    if len(text) >= _FAR_OVER * limit or _JAMO.search(text):
        return False
    bound = content.text_weight(clean(text))
    if bound < limit:
        return True
    taken = outermost_inside(container, *removed())
    for node in taken:
        weight = content.text_weight(clean(node.text(deep=True, separator=" ")))
        if weight:
            bound -= weight + 1
    if bound >= content.LISTING_CHARS:
        return False  # (the rule of a teaser among many, or a footer, may not hold)
    if bound >= limit:
        run, largest = paragraph_bounds(container, taken)
        if run >= (content.RUN_CHARS // 2 if dated else content.RUN_CHARS):
            return False
        if share >= content.POST_SHARE and largest >= content.SHORT_POST:
            return False
    return not photo_story()


#: What a drop cap set apart adds to the paragraph it opens (see ``content.body_blocks``).
_DROP_CAP = 2


def paragraph_bounds(container: LexborNode, taken: Iterable[LexborNode]) -> tuple[int, int]:
    """Upper bounds of (the weight of the paragraphs a run of text counts, of the heaviest
    paragraph) read from ``container`` once ``taken`` (elements inside it) are out, whatever
    else is taken out with them (see the module's docstring).

    A text node's owner is its nearest block element inside ``container`` (or the container
    itself); inside a table row, the outermost row, whose cells a data row joins into one
    paragraph. An owner's weight is that of its text nodes set apart by spaces, cleaned.
    """
    skip = {node.mem_id for node in taken}
    top = container.mem_id
    texts: dict[int, list[str]] = {top: []}
    # (node's children, their owner, inside a table row)
    stack: list[tuple[Iterator[LexborNode], int, bool]] = [
        (container.iter(include_text=True), top, False)
    ]
    while stack:
        children, owner, in_row = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            continue
        tag = child.tag
        if tag in ("-text", "_text"):
            value = child.text_content
            if value and not value.isspace():
                texts[owner].append(value)
            continue
        if not tag or tag[0] in "-!" or child.mem_id in skip:
            continue  # (comments, the doctype: no text)
        mine = owner
        if not in_row and (tag == "tr" or tag in BLOCK_TAGS):
            mine = child.mem_id
            texts[mine] = []
        stack.append((child.iter(include_text=True), mine, in_row or tag == "tr"))
    counted = content._RUN_PARAGRAPH - _DROP_CAP
    run = largest = 0
    for parts in texts.values():
        if not parts:
            continue
        weight = content.text_weight(clean(" ".join(parts)))
        largest = max(largest, weight + _DROP_CAP)
        if weight >= counted:
            run += weight + _DROP_CAP * (weight // counted)
    return run, largest


def outermost_inside(
    container: LexborNode,
    linked: Iterable[LexborNode],
    others: Iterable[LexborNode | None] = (),
    inside: set[int] | None = None,
) -> list[LexborNode]:
    """The elements of ``linked`` (each holding a link) and ``others`` strictly inside
    ``container`` that no other of them holds. ``inside``: the ids of ``container`` and of
    every element under it, when the caller has them."""
    top = container.mem_id
    if inside is not None:
        chosen: dict[int, LexborNode] = {}
        for node in (*linked, *others):
            if node is not None and node.mem_id in inside and node.mem_id != top:
                chosen[node.mem_id] = node
        return [node for node in chosen.values() if not _held(node, top, chosen)]
    wanted = {node.mem_id for node in linked}
    found: dict[int, LexborNode] = {}
    if wanted:
        # An element inside the container holding a link holds one of the container's
        # links: the container's few links are walked up, not the page's many teasers.
        for link in container.css("a"):
            for parent in ancestors(link):
                if parent.mem_id == top:
                    break
                if parent.mem_id in wanted:
                    found[parent.mem_id] = parent
    for node in others:
        if node is None or node.mem_id == top or node.mem_id in found:
            continue
        if any(parent.mem_id == top for parent in ancestors(node)):
            found[node.mem_id] = node
    return [node for node in found.values() if not _held(node, top, found)]


def _held(node: LexborNode, top: int, chosen: dict[int, LexborNode]) -> bool:
    """Another of ``chosen`` holds ``node`` (looked for up to the element ``top``)."""
    for parent in ancestors(node):
        if parent.mem_id == top:
            return False
        if parent.mem_id in chosen:
            return True
    return False
