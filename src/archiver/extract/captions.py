"""Captions: the lines under a photo or a video, kept apart from the article's running text.

What counts as a caption, as real pages mark them:

- ``<figcaption>``, and elements whose class or id says so (``PhotoCMS_Caption``,
  ``desc_cation``, ``ck_legend``, ``image_desc``, ``avatar-desc``, ``wp-caption-text``,
  ``galleryCaption001``);
- image tables, the layout of older CMSs: a small table holding a picture and a line or
  two of text;
- the short line a portal's editor types right after a picture, set in italics or
  centred (``<p style="text-align:center"><em>Toàn cảnh hội nghị.</em></p>``), or in the
  picture's own paragraph after it.

Only captions inside the article are read: in its body element, or between the headline
and the body (the lead photo). A caption's text is kept as printed, its credit ("Ảnh:
Thùy Dung") included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from archiver.extract.content import credited_line
from archiver.extract.dom import ancestors, first_tagged, in_any, link_chars, tagged, text_of
from archiver.extract.roles import affirmed

#: Class names (any case) that make an element a caption: "caption", "legend", and the
#: descriptions of pictures ("desc_cation", "image_desc", "avatar-desc", "imgdesc").
_CAPTION_CLASS = re.compile(
    r"caption|legend|desc_cation|(?:image|img|photo|pic|avatar)[-_]?desc|desc[-_]?(?:image|img)"
    # Vietnamese CMSs name it in Vietnamese ("chú thích": "chu-thich", "chu_thich_anh") or as
    # the picture's note ("note-image").
    r"|chu[-_]?thich|(?:image|img|photo|pic)[-_]?note|note[-_]?(?:image|img|photo|pic)",
    re.IGNORECASE,
)
#: What lexbor selects for the class test above (a superset: "desc" also finds sapos).
CLASS_SELECTOR = (
    "figcaption, [class*=caption i], [class*=legend i], [class*=desc i], [id*=caption i], "
    "[class*=thich i], [class*=note i]"
)
#: Small tables that may hold a picture with its caption (older CMSs).
_LAYOUT_SELECTOR = "table:has(img)"
#: What may hold a picture in the body: its paragraph, box or cell (links and spans aside).
_PICTURE_HOLDERS = frozenset({"p", "div", "td", "figure", "center"})
#: A gallery's or a slider's box, its class or id says so: the article's pictures after its
#: text, a slide each ("gallery-image", "image-gallery", "lightSlider", "flexslider"; not
#: "album": a music site's albums are no pictures of the article).
_GALLERY_SELECTOR = "[class*=gallery i], [id*=gallery i], [class*=slider i]"
#: The elements of a slide that hold the line under its picture.
_SLIDE_LINES = frozenset({"p", "div", "span", "figcaption"})
#: Tag names of small queries walked in Python (``dom.tagged``).
_IMG = frozenset({"img"})
_P = frozenset({"p"})
_A = frozenset({"a"})
_TR = frozenset({"tr"})
_SLIDES = frozenset({"li", "figure"})
_LINES = frozenset({"p", "div"})
_ITALICS = frozenset({"em", "i"})
_MAX_CAPTION = 1500  # a photo story's captions run to a few hundred characters
_MAX_LINE = 300  # a caption typed as a paragraph
_MAX_TABLE_TEXT = 400
#: Pictures inserted by a CMS that sets every caption in marked-up boxes (WordPress: the
#: picture is ``img.wp-image-N``, its caption ``p.wp-caption-text`` or ``figcaption``).
_SELF_CAPTIONED = "img[class*=wp-image-]"
_NOT_CAPTION_ENDS = ("?", ":", "?”", '?"')
_VIDEO = re.compile(r"(?:^|[\s.(])video\s*:", re.IGNORECASE)
_CENTRED = re.compile(r"text-align\s*:\s*center", re.IGNORECASE)
_ITALIC = re.compile(r"font-style\s*:\s*italic", re.IGNORECASE)
MARK = "data-archiver-mark"


@dataclass(frozen=True, slots=True)
class Caption:
    node: LexborNode
    text: str
    #: The caption of a video (by class or a "Video:" credit): never running text.
    video: bool
    #: Inside the body element (not the lead photo above it).
    in_body: bool
    #: Marked as a caption by the page (``figcaption``, a caption class, an image table),
    #: not a line typed after a picture.
    marked: bool = True


def find_captions(
    region: LexborNode,
    container: LexborNode,
    title: LexborNode | None,
    skip_ids: set[int],
    pictures: list[LexborNode],
) -> list[Caption]:
    """The captions of the article whose body is ``container``, in page order.

    ``region`` holds both the headline (``title``) and the body; captions in it are read
    from the headline on, up to the end of the body. Elements in ``skip_ids`` (page
    chrome) are passed over. ``pictures``: the ``img`` elements of the body.
    """
    if title is not None and (
        title.mem_id == container.mem_id or container.mem_id in {p.mem_id for p in ancestors(title)}
    ):
        title = None  # a headline inside the body: every caption of the body counts
    marked = [container] if title is None else [container, title]
    container.attrs[MARK] = "body"
    if title is not None:
        title.attrs[MARK] = "title"
    for node in _around_pictures(container, pictures):
        node.attrs[MARK] = "picture"
        marked.append(node)
    try:
        found = _find(region, container, title, skip_ids)
        taken = {c.node.mem_id for c in found}
        return found + _gallery_after_body(region, container, skip_ids, taken)
    finally:
        for node in marked:
            if MARK in node.attrs:
                del node.attrs[MARK]


def _find(
    region: LexborNode, container: LexborNode, title: LexborNode | None, skip_ids: set[int]
) -> list[Caption]:
    body_id = container.mem_id
    # One query returns the marks and the candidates in document order, so "between the
    # headline and the body" needs no positions.
    nodes = region.css(f"[{MARK}], {CLASS_SELECTOR}, {_LAYOUT_SELECTOR}")
    started = title is None  # past the headline
    seen_body = False
    found: list[Caption] = []
    taken: set[int] = set()
    for node in nodes:
        mark = node.attrs.get(MARK)
        if mark in ("title", "body"):
            started = True
            seen_body = seen_body or mark == "body"
            continue
        if node.mem_id in taken:  # (a union query lists an element once per selector it matches)
            continue
        chain = [p.mem_id for p in ancestors(node)]
        in_body = body_id in chain
        if not (in_body or (started and not seen_body)):
            continue
        if taken.intersection(chain) or skip_ids.intersection(chain) or node.mem_id in skip_ids:
            continue
        text = _caption_text(node)
        if text is None:
            continue
        taken.add(node.mem_id)
        marked = node.tag in ("figcaption", "table") or has_caption_class(node)
        found.append(Caption(node, text, _is_video(node, text), in_body, marked))
    return found


def _gallery_after_body(
    region: LexborNode, container: LexborNode, skip_ids: set[int], taken: set[int]
) -> list[Caption]:
    """The captions of a gallery closing the article, after its body ``container`` in
    ``region``: each slide a picture and the unlinked line under it (a slider of other
    articles gives a picture and a linked headline: no caption). Galleries inside the body
    are read with it."""
    found: list[Caption] = []
    # What is read already or not to be read: a gallery inside one is read with it (and
    # lexbor lists an element matching two selectors of a list twice).
    done = taken | skip_ids
    for after in _after(container, region):
        for node in after.css(_GALLERY_SELECTOR):
            if in_any(node, done):
                continue
            done.add(node.mem_id)
            for slide in tagged(node, _SLIDES, "li, figure"):
                if not in_any(slide, taken):
                    found += _slide_captions(slide, taken)
    return found


def _after(container: LexborNode, region: LexborNode) -> Iterator[LexborNode]:
    """The elements after ``container`` in ``region``: its following siblings and those of
    each of its ancestors up to ``region`` (a query over them only, not the whole region)."""
    node: LexborNode | None = container
    while node is not None and node.mem_id != region.mem_id:
        sibling = node.next
        while sibling is not None:
            if sibling.tag and not sibling.tag.startswith(("-", "!")):
                yield sibling
            sibling = sibling.next
        node = node.parent


def _slide_captions(slide: LexborNode, taken: set[int]) -> list[Caption]:
    """The lines after the picture of one slide of a gallery: short, unlinked, no heading."""
    lines: list[Caption] = []
    seen_picture = False
    for child in slide.iter(include_text=False):
        if child.tag == "img" or first_tagged(child, _IMG, "img") is not None:
            seen_picture = True
            continue
        if not seen_picture or child.tag not in _SLIDE_LINES or child.mem_id in taken:
            continue
        if first_tagged(child, _A, "a") is not None:
            return []  # a teaser's linked title: the slide shows another article
        text = text_of(child)
        if text and len(text) <= _MAX_LINE:
            marked = child.tag == "figcaption" or has_caption_class(child)
            lines.append(Caption(child, text, _is_video(child, text), False, marked))
    return lines


def _around_pictures(container: LexborNode, pictures: list[LexborNode]) -> list[LexborNode]:
    """For each picture in the body, the element holding it and the paragraph after that:
    where portals type a caption by hand. (Found from the pictures: a ``:has(img)`` query
    would test every element of the page.)"""
    found: dict[int, LexborNode] = {}
    for picture in pictures:
        holder = picture.parent
        while holder is not None and holder.tag not in _PICTURE_HOLDERS:
            holder = holder.parent
        if holder is None or holder.mem_id == container.mem_id:
            continue
        if holder.tag in ("p", "div"):
            found.setdefault(holder.mem_id, holder)
        elif holder.tag == "figure":
            # A figure's own lines beside its picture, with no <figcaption> to hold them.
            for line in tagged(holder, _LINES, "p, div"):
                if first_tagged(line, _IMG, "img") is None:
                    found.setdefault(line.mem_id, line)
        following = holder.next
        while following is not None and following.tag in ("-text", "_text", "-comment"):
            following = following.next
        if following is not None and following.tag == "p":
            found.setdefault(following.mem_id, following)
    return list(found.values())


def _caption_text(node: LexborNode) -> str | None:
    """The caption ``node`` holds, or None when it is not one (too long, prose, a layout)."""
    tag = node.tag
    captioned = tag == "figcaption" or has_caption_class(node)
    if not captioned and tag not in ("table", "p", "div"):
        return None  # (known before its text is rendered: a "desc" <section>, a <ul>)
    text = text_of(node)
    if not text:
        return None
    if captioned:
        return text if len(text) <= _MAX_CAPTION and not _holds_prose(node) else None
    if tag == "table":
        rows = tagged(node, _TR, "tr")
        if len(text) > _MAX_TABLE_TEXT or len(rows) > 4 or _holds(node, "table"):
            return None
        return text
    if tag not in ("p", "div") or len(text) > _MAX_LINE:
        return None
    if _holds(node, "p, div, table, ul, ol"):
        # (a "description" that is no caption, selected for its class only, unless it
        # repeats the picture's description: a caption box with its buttons and credit)
        return text if tag == "div" and names_the_picture_before(node, text) else None
    if first_tagged(node, _IMG, "img") is not None:
        # A picture and its caption in one paragraph: the text must be styled as one; in a
        # box of its own (``<div class="img"><img><span>...</span></div>``), it must follow it.
        if _styled_as_caption(node, text) or (tag == "div" and _line_after_picture(node, text)):
            return text
        return None
    if tag != "p":
        # (a <div> after a picture is as often a sapo as a caption)
        return text if names_the_picture_before(node, text) else None
    previous = _previous_element(node)
    if previous is None or first_tagged(previous, _IMG, "img") is None or text_of(previous):
        return None
    if _styled_as_caption(node, text):
        return text
    if _self_captioned(previous):
        return None  # (its CMS marks its captions: an unmarked line is the text going on)
    if previous.tag == "figure" and not credited_line(text):
        # A picture set in a <figure> has its caption in it (a <figcaption>): a line after
        # it is the text going on, unless it credits the photo ("... (Ảnh: Minh An).").
        return None
    # Unstyled, a short line is a caption unless it asks or introduces ("Should we care?",
    # "Three quick thoughts:"): the text going on after the picture.
    return text if len(text) <= 120 and not text.endswith(_NOT_CAPTION_ENDS) else None


def _line_after_picture(box: LexborNode, text: str) -> bool:
    """``box`` holds one picture and, after it, a short line that is no link (a card of
    another article, an ad): nothing before the picture."""
    pictures = tagged(box, _IMG, "img")
    if len(pictures) != 1 or _icon(pictures[0]) or link_chars(box) >= 0.5 * len(text):
        return False
    before = 0
    for node in box.traverse(include_text=True):
        if node.mem_id == pictures[0].mem_id:
            return before == 0
        if node.tag in ("-text", "_text"):
            before += len((node.text_content or "").strip())
    return False


#: A picture this small (``width``/``height`` attributes, in pixels) is an icon or a bullet.
_ICON_SIZE = 64


def _icon(picture: LexborNode) -> bool:
    """A bullet, an arrow, a logo set before a line of text: no photo to caption."""
    attributes = picture.attributes
    for name in ("width", "height"):
        value = (attributes.get(name) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) < _ICON_SIZE:
            return True
    marks = f"{attributes.get('src') or ''} {attributes.get('class') or ''}".lower()
    return any(word in marks for word in ("icon", "bullet", "arrow", "logo"))


#: A picture's description (``alt``, ``title``) this long says what the picture shows; a
#: shorter one ("ảnh", "photo") says nothing.
_MIN_PICTURE_TEXT = 20
#: ... and the caption is mostly that (a credit, an "Enlarge" button's label beside it); a
#: box holding it and the summary after it is more than the caption.
_SAID_SHARE = 0.5


def names_the_picture_before(node: LexborNode, text: str) -> bool:
    """``node`` comes right after a picture and is mostly what the picture's ``alt`` or
    ``title`` says: the picture's caption, whatever its markup (``<div class="description">
    <a>Enlarge</a><strong>...</strong><span>© X</span></div>``)."""
    previous = _previous_element(node)
    if previous is None:
        return False
    picture = previous if previous.tag == "img" else first_tagged(previous, _IMG, "img")
    if picture is None:
        return False
    folded = " ".join(text.split())
    for name in ("alt", "title"):
        said = " ".join((picture.attributes.get(name) or "").split())
        long_enough = len(said) >= max(_MIN_PICTURE_TEXT, _SAID_SHARE * len(folded))
        if long_enough and said in folded:
            return True
    return False


def _holds(node: LexborNode, selector: str) -> bool:
    """``node`` has a descendant matching ``selector``, a list of tag names (``css()`` also
    matches the node)."""
    found = tagged(node, frozenset(selector.split(", ")), selector)
    return any(element.mem_id != node.mem_id for element in found)


def _self_captioned(node: LexborNode) -> bool:
    """``node.css_first(_SELF_CAPTIONED) is not None``: a picture of a CMS that marks its
    captions, ``node`` or under it (walked, not queried: see :func:`dom.tagged`; lexbor's
    ``*=`` is case-sensitive, as ``in``)."""
    return any("wp-image-" in (p.attrs.get("class") or "") for p in tagged(node, _IMG, "img"))


def has_caption_class(node: LexborNode) -> bool:
    """The class (or the id: ``<cite id="galleryCaption001">``) names a caption."""
    attributes = node.attributes
    label = affirmed(f" {attributes.get('class') or ''} {attributes.get('id') or ''} ".lower())
    return _CAPTION_CLASS.search(label) is not None


def _holds_prose(node: LexborNode) -> bool:
    """A wrapper that holds article paragraphs, not a caption (``div.has-caption``)."""
    return len(tagged(node, _P, "p")) > 6


def _styled_as_caption(node: LexborNode, text: str) -> bool:
    """Centred, or set in italics throughout, unlike the running text after it (on a page
    whose paragraphs are all centred, centring sets no line apart)."""
    style = _style(node, text)
    if style is None:
        return False
    following = _text_after(node)
    return following is None or _style(following, text_of(following)) != style


def _style(node: LexborNode, text: str) -> str | None:
    """ "centred" or "italic" when ``node`` is set so, else None."""
    style = node.attributes.get("style") or ""
    if _CENTRED.search(style) or (node.attributes.get("align") or "").lower() == "center":
        return "centred"
    if _ITALIC.search(style):
        return "italic"
    italic = sum(len(text_of(e)) for e in tagged(node, _ITALICS, "em, i"))
    return "italic" if text and italic >= 0.9 * len(text) else None


#: How many elements after a caption are looked at for the running text.
_LOOK_AHEAD = 6


def _text_after(node: LexborNode) -> LexborNode | None:
    """The first paragraph after ``node`` that is running text: holding no picture, and not
    right after one (where the next caption sits in a gallery)."""
    after_picture = False
    sibling = node.next
    looked = 0
    while sibling is not None and looked < _LOOK_AHEAD:
        if sibling.tag in ("p", "div"):
            looked += 1
            if first_tagged(sibling, _IMG, "img") is not None:
                after_picture = True
            elif text_of(sibling):
                if not after_picture:
                    return sibling
                after_picture = False
        sibling = sibling.next
    return None


def _previous_element(node: LexborNode) -> LexborNode | None:
    previous = node.prev
    while previous is not None and previous.tag in ("-text", "_text", "-comment", "_comment"):
        if previous.tag in ("-text", "_text") and (previous.text_content or "").strip():
            return None  # text between the picture and the line
        previous = previous.prev
    return previous


def _is_video(node: LexborNode, text: str) -> bool:
    if ":" in text and _VIDEO.search(text):  # (no search where no colon can end it)
        return True
    for element in (node, node.parent):
        if element is not None and "video" in (element.attributes.get("class") or "").lower():
            return True
    return False


def caption_ids(captions: Iterable[Caption]) -> set[int]:
    return {caption.node.mem_id for caption in captions}
