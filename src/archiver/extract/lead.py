"""The lead (sapo): the summary shown between the headline and the text.

Found by a profile's ``lead`` selector or, without one, among elements whose class says
"sapo", "lead", "summary" near the headline; else as the element right after the headline
that says what the page's description says, or a bold line set just before the body's
element. A box named like a lead that holds a picture's caption or a list of links is no
lead. The lead opens the body once: :func:`repeats` finds it printed again.
"""

from __future__ import annotations

from collections.abc import Iterable

from selectolax.lexbor import LexborNode

from archiver.extract.captions import has_caption_class, names_the_picture_before
from archiver.extract.dom import BLOCK_TAGS, ancestors, in_any, link_chars, precedes, text_of
from archiver.extract.headline import similarity, title_key


def find_lead(
    candidates: Iterable[LexborNode],
    *,
    anchor: LexborNode | None,
    container: LexborNode | None,
    skip_ids: set[int],
    description: str | None,
) -> tuple[str | None, LexborNode | None]:
    """The sapo shown above the body: a lead-styled element (``candidates``) near the headline."""
    near: set[int] = set()
    if anchor is not None:
        for depth, parent in enumerate(ancestors(anchor)):
            if depth >= 4:
                break
            near.add(parent.mem_id)
    if container is not None:
        near.add(container.mem_id)
        near.update(p.mem_id for p in list(ancestors(container))[:2])
    container_ancestors = (
        {p.mem_id for p in ancestors(container)} if container is not None else set()
    )
    for node in candidates:
        if (
            node.tag in ("meta", "body", "html", "article", "main")
            or node.mem_id in container_ancestors
        ):
            continue
        # (One walk up serves both tests: a listing has a sapo-styled summary per teaser.)
        above = list(ancestors(node))
        ids = [p.mem_id for p in above]
        if node.mem_id in skip_ids or not skip_ids.isdisjoint(ids):
            continue  # in the page's chrome
        if near and near.isdisjoint(ids):
            continue
        if any(p.tag == "a" for p in above) or not _between(node, anchor, container):
            continue  # (in a link: a card's summary, another article's)
        text = lead_text(node)
        if not 30 <= len(text) <= 1500:
            continue
        if node.tag in ("ul", "ol") or link_chars(node) > 0.5 * len(text):
            continue  # a list of links to other articles ("summary-list"), not a sapo
        if _is_picture(node, text):
            continue  # "lead-asset", "lead-image": the lead picture and its caption
        if description and similarity(text, description) < 0.3 and len(text) < 60:
            continue
        if node.mem_id == (container.mem_id if container else None) or len(node.css("p")) > 2:
            continue  # paragraphs of the body ("field-type-text-with-summary"), not a sapo
        return text, node
    subtitle = _subtitle_in_hgroup(anchor, skip_ids) if anchor is not None else None
    if subtitle is not None:
        return lead_text(subtitle), subtitle
    if anchor is not None and description:
        found = _summary_after(anchor, description, skip_ids)
        if found[1] is None and container is not None and anchor is not container:
            found = _summary_before_body(anchor, container, description, skip_ids)
        return found
    return None, None


def _subtitle_in_hgroup(anchor: LexborNode, skip_ids: set[int]) -> LexborNode | None:
    """The heading after the headline in the ``<hgroup>`` that holds both: the headline's
    subtitle, as HTML marks it (``<hgroup><h3>Kicker</h3><h1>Title</h1><h2>Summary</h2>``);
    what the description says or not. (A kicker before the headline is no lead.)"""
    parent = anchor.parent
    if parent is None or parent.tag != "hgroup" or in_any(parent, skip_ids):
        return None
    sibling = anchor.next
    while sibling is not None:
        if sibling.tag in _SUBTITLE_TAGS:
            return sibling if 30 <= len(text_of(sibling)) <= 1500 else None
        sibling = sibling.next
    return None


#: What an ``<hgroup>`` holds besides its headline.
_SUBTITLE_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6", "p"})


def _summary_before_body(
    anchor: LexborNode, container: LexborNode, description: str, skip_ids: set[int]
) -> tuple[str | None, LexborNode | None]:
    """A paragraph between the headline and the body's element, in another box than either
    (an intro block above the text), that says what the page's description says, or opens
    with it when the description is cut short. (The first few paragraphs there only.)"""
    said = title_key(description.rstrip(" .…"))
    opening = said[: max(len(said) - 12, 0)] if len(said) >= _CUT_DESCRIPTION else None
    seen = 0
    for box in _elements_between(anchor, container):
        for paragraph in [box] if box.tag == "p" else box.css("p"):
            seen += 1
            if seen > _BETWEEN_PARAGRAPHS:
                return None, None
            text = text_of(paragraph)
            if not 30 <= len(text) <= 1500 or _standfirst(paragraph):
                continue
            if similarity(text, description) >= 0.8 or (
                opening is not None and title_key(text).startswith(opening)
            ):
                if in_any(paragraph, skip_ids) or any(
                    child.tag in BLOCK_TAGS for child in paragraph.iter()
                ):
                    continue
                return lead_text(paragraph), paragraph
    return None, None


#: How many paragraphs between the headline and the body's element are looked at.
_BETWEEN_PARAGRAPHS = 8


def _elements_between(anchor: LexborNode, container: LexborNode) -> list[LexborNode]:
    """The elements between ``anchor`` and ``container`` in document order, each whole: the
    siblings after the headline and after each box holding it, then those before the body's
    element and each box holding it, up to the smallest element holding both."""
    held = {anchor.mem_id, *(p.mem_id for p in ancestors(anchor))}
    if container.mem_id in held:
        return []  # (the headline inside the body's element)
    below: list[LexborNode] = []  # the body's element and its boxes, under the common one
    node: LexborNode | None = container
    while node is not None and node.mem_id not in held:
        below.append(node)
        node = node.parent
    if node is None or not below:
        return []
    common = node
    boxes: list[LexborNode] = []
    current: LexborNode | None = anchor
    while current is not None and current.parent is not None:
        if current.parent.mem_id == common.mem_id:
            break
        boxes.extend(_siblings(current.next, None))
        current = current.parent
    if current is None:
        return []
    boxes.extend(_siblings(current.next, below[-1]))
    for outer, inner in zip(below[:0:-1], below[-2::-1], strict=True):
        boxes.extend(_siblings(outer.child, inner))
    return boxes


def _siblings(start: LexborNode | None, stop: LexborNode | None) -> list[LexborNode]:
    found = []
    while start is not None and (stop is None or start.mem_id != stop.mem_id):
        if start.tag[0] not in "-_":
            found.append(start)
        start = start.next
    return found


def _standfirst(node: LexborNode) -> bool:
    """In a British "standfirst": set apart from the text, which readers' views (and the
    lead roles) leave it out of."""
    for depth, parent in enumerate(ancestors(node)):
        if depth >= 3:
            return False
        if "standfirst" in (parent.attributes.get("class") or "").lower():
            return True
    return False


#: A description cut short opens the paragraph it was taken from; this many characters of it.
_CUT_DESCRIPTION = 60


def _between(node: LexborNode, anchor: LexborNode | None, container: LexborNode | None) -> bool:
    """A lead comes after the headline and before the body's end: not a site's description
    above the headline, not a teaser's summary below the text."""
    if anchor is not None and anchor is not container and not precedes(anchor, node):
        return False
    if container is None:
        return True
    if in_any(node, {container.mem_id}):
        return _before_text(node, container)
    return precedes(node, container)


#: A paragraph of the text: at least this many characters.
_TEXT_PARAGRAPH = 80


def _before_text(node: LexborNode, container: LexborNode) -> bool:
    """``node``, inside the body's element, comes before its first paragraph of text (or is
    it): a box named "summary" after the text is an author's bio or a teaser's summary.
    (The paragraphs of the text are the element's own: a box's, a video's caption, may
    come before the lead.)"""
    for paragraph in container.iter():
        if paragraph.tag != "p" or len(paragraph.text(deep=True).strip()) < _TEXT_PARAGRAPH:
            continue
        if in_any(paragraph, {node.mem_id}) or in_any(node, {paragraph.mem_id}):
            return True
        return not precedes(paragraph, node)
    return True


def _is_picture(node: LexborNode, text: str) -> bool:
    """True when ``node``'s text is the caption of a picture it holds, or of the picture
    right before it (it repeats what the picture's ``alt`` says), or its class names a
    picture's caption (``<p class="image-description">`` under the lead picture)."""
    if has_caption_class(node):
        return True
    caption = node.css_first("figcaption, [itemprop=caption]")
    if caption is not None and len(text_of(caption)) >= 0.8 * len(text):
        return True
    return names_the_picture_before(node, text)


#: A bold line set just before the body element is its lead when it is this long.
_BOLD_LEAD = (60, 600)


def bold_lead_before(container: LexborNode, skip_ids: set[int]) -> LexborNode | None:
    """A lead set in bold right before the body's element, with nothing between them
    (``<strong>At its annual press conference ...</strong> <div class="NewsFeed">``)."""
    previous = container.prev
    while previous is not None and previous.tag in ("-text", "_text", "-comment", "_comment"):
        if previous.tag in ("-text", "_text") and (previous.text_content or "").strip():
            return None
        previous = previous.prev
    if previous is None or previous.tag not in ("strong", "b") or in_any(previous, skip_ids):
        return None
    return previous if _BOLD_LEAD[0] <= len(text_of(previous)) <= _BOLD_LEAD[1] else None


#: How many elements after the headline (or after the box holding it) may come before the
#: summary.
_SUMMARY_REACH = 4


def _summary_after(
    anchor: LexborNode, description: str, skip_ids: set[int]
) -> tuple[str | None, LexborNode | None]:
    """A summary with no lead-like class: the element just after the headline that says
    what the page's description says (``<h1>`` in a box, then ``<p class="css-z6dj7x">``)."""
    for start in (anchor, anchor.parent):
        sibling = start.next if start is not None else None
        seen = 0
        while sibling is not None and seen < _SUMMARY_REACH:
            if sibling.tag[0] not in "-_":
                seen += 1
                text = _summary_text(sibling, description, skip_ids)
                if text is not None:
                    return text, sibling
            sibling = sibling.next
    return None, None


def _summary_text(node: LexborNode, description: str, skip_ids: set[int]) -> str | None:
    # A box holding one element and no text of its own is read as that element: the summary
    # set in a box of its own after the headline's (``<div class="epigraph-container"><h2>``).
    node = _unwrapped(node)
    # A summary is one paragraph: a box of blocks (maybe the whole body) is not even read.
    if any(child.tag in BLOCK_TAGS for child in node.iter()) or in_any(node, skip_ids):
        return None
    text = lead_text(node)
    if 30 <= len(text) <= 1500 and similarity(text, description) >= 0.8:
        return text
    return None


#: How many boxes, each wrapping the next alone, :func:`_unwrapped` looks through.
_WRAPPERS = 3


def _unwrapped(node: LexborNode) -> LexborNode:
    """The one element ``node`` wraps, through up to :data:`_WRAPPERS` such boxes, when the
    box holds no other element and no text of its own; else ``node``."""
    for _ in range(_WRAPPERS):
        inner = None
        for child in node.iter(include_text=True):
            if child.tag in ("-text", "_text"):
                if (child.text_content or "").strip():
                    return node
            elif child.tag[0] not in "-_":
                if inner is not None:
                    return node
                inner = child
        if inner is None:
            return node
        node = inner
    return node


def lead_text(node: LexborNode) -> str:
    """The lead's text, with a location stamp (<span class=location-stamp>) set off by a dash."""
    text = text_of(node)
    stamp = node.css_first("[class*=location i]")
    if stamp is not None:
        place = text_of(stamp)
        if (
            place
            and text.startswith(place)
            and not text[len(place) :].lstrip().startswith(("-", "–", "—"))
        ):
            text = f"{place} - {text[len(place) :].lstrip()}"
    return text


def repeats(paragraph: str, lead: str) -> bool:
    """True when ``paragraph`` is the lead printed again (maybe without its "(Dân trí) -"
    prefix, or with different punctuation or spacing)."""
    if paragraph == lead or lead.startswith(paragraph):
        return True
    a, b = title_key(paragraph), title_key(lead)
    if not a or not b:
        return False
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= 40 and shorter in longer and len(shorter) >= 0.7 * len(longer)
