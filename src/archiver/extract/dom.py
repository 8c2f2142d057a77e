"""The parsed page: cleaning away what a reader never sees, and rendering text as blocks.

A *block* is what a reader perceives as one paragraph: the inline text of a
block-level element (``p``, ``h3``, ``li``, a ``td`` in a table layout, ...),
joined the way a browser joins inline elements (``<span>T</span><span>rước``
reads "Trước") and normalised with :func:`archiver.text.clean`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver.extract.vocabulary import UNKNOWN, Part, Vocabulary
from archiver.text import clean

#: The ASCII white space that separates the words of an attribute value (a class list, a
#: ``rel``) for CSS selectors; not ``str.split``'s, which splits on NBSP and other spaces.
_ATTRIBUTE_SPACES = str.maketrans("\t\n\r\f", "    ")


def attribute_words(value: str) -> list[str]:
    """The words of a space-separated attribute value as a selector reads them (a class
    selector, ``[rel~=canonical]``)."""
    return [word for word in value.translate(_ATTRIBUTE_SPACES).split(" ") if word]


#: Lexbor numbers the tags it knows (the HTML ones) the same in every document; another name
#: gets a number of its document's own, far above them.
_KNOWN_TAG_IDS = 1 << 16
_NAMING = LexborHTMLParser("<body>text<!-- comment --></body>")


def tag_ids(names: Iterable[str]) -> frozenset[int]:
    """Lexbor's numbers (``LexborNode.tag_id``) of the HTML tag names ``names``.

    ``node.tag_id in tag_ids(names)`` answers ``node.tag in names`` at a quarter of the
    cost: ``tag`` builds a new string on every read, and hot walks read it thousands of
    times a page. Only for names lexbor knows (every HTML element's): a custom element's
    number is its document's own.
    """
    ids = set()
    for name in names:
        node = _NAMING.create_node(name)
        if node.tag != name or node.tag_id >= _KNOWN_TAG_IDS:
            raise ValueError(f"{name!r} is no tag lexbor numbers")
        ids.add(node.tag_id)
    return frozenset(ids)


#: ``tag_id`` of text nodes (``tag`` "-text"), comments ("-comment") and the document.
TEXT_ID = _NAMING.body.child.tag_id  # type: ignore[union-attr]
COMMENT_ID = _NAMING.body.last_child.tag_id  # type: ignore[union-attr]
DOCUMENT_ID = _NAMING.root.parent.tag_id  # type: ignore[union-attr]
#: The nodes that are no element (``tag`` starting with "-": text, comment, doctype, the
#: document).
NOT_ELEMENT_IDS = frozenset(
    {TEXT_ID, COMMENT_ID, DOCUMENT_ID, LexborHTMLParser("<!DOCTYPE html>").root.prev.tag_id}  # type: ignore[union-attr]
)

#: Elements that start and end a block of text.
BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li "
    "main menu nav ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
#: Elements whose text is never read as part of a page.
SKIP_TAGS = frozenset(
    "script style noscript template svg iframe object embed video audio canvas button select "
    "option input textarea map head math title link meta base picture source track img".split()
)
#: Elements removed with their contents before any text is read; all but void ones are cut
#: from the page's bytes before parsing (``page.cut_unread``). (Void elements such as <img>
#: hold no text: the renderer just passes over them.)
UNREAD_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "object",
    "video",
    "audio",
    "canvas",
    "select",
    "textarea",
    "math",
    "button",
    "map",
)
_STRIP_TAGS = [*UNREAD_TAGS, "embed"]
#: Inside these, a single ``<br>`` is a line break within the paragraph, not a new paragraph.
PARAGRAPH_TAGS = frozenset("p li h1 h2 h3 h4 h5 h6 dt dd blockquote caption summary".split())

#: Elements hidden from readers (removed before any text is read).
HIDDEN_SELECTOR = (
    "[hidden], [aria-hidden=true] > *, [style*='display:none' i], [style*='display: none' i], "
    "[style*='visibility:hidden' i], [style*='visibility: hidden' i], .hidden, .d-none, .hide, "
    ".sr-only, .visually-hidden"
)
#: :data:`HIDDEN_SELECTOR` as queried: the inline styles are read from one ``[style]`` query
#: (a selector list walks the tree once per selector); the attribute selectors only when the
#: page's markup holds the name they look for (see ``vocabulary``).
_HIDDEN_BY_NAME_PARTS = (
    Part("[hidden]", names=("hidden",)),
    Part("[aria-hidden=true] > *", names=("hidden",)),  # (one search: "aria-hidden" holds it)
    Part(".hidden"),
    Part(".d-none"),
    Part(".hide"),
    Part(".sr-only"),
    Part(".visually-hidden"),
)
_HIDDEN_STYLES = ("display:none", "display: none", "visibility:hidden", "visibility: hidden")


#: What a ``<br>`` becomes in the tree (see :func:`parse`): a private-use character
#: that later reads as a space inside a paragraph, or as a paragraph break elsewhere.
BR = "\ue000"
_INNER_BLOCKS = BLOCK_TAGS - {"html", "body"}
_BLOCK_IDS = tag_ids(BLOCK_TAGS)
_INNER_BLOCK_IDS = tag_ids(_INNER_BLOCKS)
_SKIP_IDS = tag_ids(SKIP_TAGS)
(_A_ID,) = tag_ids(["a"])
(_TR_ID,) = tag_ids(["tr"])


class Block:
    """One rendered paragraph and the element it came from.

    ``link_chars`` (characters inside links) and ``bold`` (every character inside
    <b>/<strong>: bylines, subheads) are measured on first use: most blocks never
    need them, and each costs two CSS queries.
    """

    __slots__ = ("_bold", "_link_chars", "after_link", "node", "tag", "text")

    def __init__(
        self,
        text: str,
        node: LexborNode,
        tag: str,
        link_chars: int | None = None,
        bold: bool | None = None,
    ) -> None:
        self.text = text
        self.node = node
        self.tag = tag
        self._link_chars = link_chars
        self._bold = bold
        #: Set by the body reader: a block of links (a teaser's headline) came just before.
        self.after_link = False

    @property
    def link_chars(self) -> int:
        if self._link_chars is None:
            self._link_chars = min(link_chars(self.node), len(self.text))
        return self._link_chars

    @property
    def bold(self) -> bool:
        if self._bold is None:
            self._bold = _bold(self.node)
        return self._bold

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0

    def __repr__(self) -> str:
        return f"Block({self.tag}, {self.text[:40]!r})"


def parse(html: str | bytes) -> LexborHTMLParser:
    """The parsed page; ``bytes`` are UTF-8."""
    return LexborHTMLParser(html)


def prepare(
    tree: LexborHTMLParser,
    *,
    cut: bool = False,
    ruby: bool = True,
    vocabulary: Vocabulary = UNKNOWN,
) -> None:
    """Make the tree read as a browser shows it: no scripts, no hidden elements, marked <br>s.

    Runs once, after metadata (JSON-LD lives in <script>) has been read. ``cut``: scripts,
    styles, SVG and the other unread elements were already cut from the markup (and none
    was left unclosed), so the tree is not searched for them again. ``ruby``: the markup
    may annotate words with their reading (``<ruby>子<rt>こ</rt></ruby>``, Japanese
    furigana): the readings, shown above the words, go (they would read "子こども").
    """
    root = tree.root
    if root is None:
        return
    if not cut:
        # An inline SVG (a dot, an icon) between two pieces of text is drawn as a gap: keep
        # one ("01/03/2026<svg/>09:51" reads "01/03/2026 09:51"). Innermost first.
        for svg in reversed(tree.css("svg")):
            svg.replace_with(" ")
        tree.strip_tags(_STRIP_TAGS)
    styled = tree.css("[style]")
    for node in reversed(styled):  # (innermost first, as ``remove``)
        # (The one attribute read, not a dict of them all: every element here has it.)
        style = (node.attrs.get("style") or "").lower()
        if any(hidden in style for hidden in _HIDDEN_STYLES):
            node.decompose()
    hidden = vocabulary.query(_HIDDEN_BY_NAME_PARTS)
    if hidden:
        remove(tree, hidden)
    if ruby:
        remove(tree, "rt, rp")
    for br in tree.tags("br"):  # (the document's <br>s, no selector parsed)
        br.replace_with(BR)


def remove(root: LexborHTMLParser | LexborNode, selector: str) -> int:
    """Remove every element matching ``selector`` under ``root``; return how many."""
    nodes = root.css(selector)
    # Innermost first: removing an ancestor first would free its descendants under us.
    for node in reversed(nodes):
        node.decompose()
    return len(nodes)


def text_of(node: LexborNode | None) -> str:
    """The cleaned text of ``node`` as one line (inline elements joined as a browser does)."""
    if node is None or node.tag in SKIP_TAGS:
        return ""
    return clean(node.text(deep=True).replace(BR, " "))


def ancestors(node: LexborNode) -> Iterator[LexborNode]:
    parent = node.parent
    while parent is not None and parent.tag_id != DOCUMENT_ID:
        yield parent
        parent = parent.parent


def in_any(node: LexborNode, containers: set[int]) -> bool:
    """True when ``node`` or one of its ancestors has its ``mem_id`` in ``containers``.

    Identity is compared through ``mem_id``: ``LexborNode.__eq__`` compares markup (slow, and
    two equal-looking elements are not the same element).
    """
    if node.mem_id in containers:
        return True
    return any(parent.mem_id in containers for parent in ancestors(node))


class Inside:
    """:func:`in_any` for many nodes of one tree that does not change meanwhile: each
    element's answer is kept, so a walk up stops at the first element already answered.

    Asked about every paragraph of a page, :func:`in_any` walks up the whole depth from
    each (a new Python object per ancestor); here each element is visited about once.
    """

    __slots__ = ("_containers", "_known")

    def __init__(self, containers: set[int]) -> None:
        self._containers = containers
        self._known: dict[int, bool] = {}

    def __call__(self, node: LexborNode) -> bool:
        containers, known = self._containers, self._known
        chain: list[int] = []  # elements walked through, all answered as the first one
        answer = False
        current = node
        while True:
            key = current.mem_id
            if key in known:
                answer = known[key]
                break
            chain.append(key)
            if key in containers:
                answer = True
                break
            parent = current.parent
            if parent is None or parent.tag_id == DOCUMENT_ID:
                break
            current = parent
        for key in chain:
            known[key] = answer
        return answer


def precedes(first: LexborNode, second: LexborNode) -> bool:
    """True when ``first`` opens before ``second`` in document order (an element opens before
    the elements it holds)."""
    chain = [first, *ancestors(first)]
    position = {node.mem_id: index for index, node in enumerate(chain)}
    child: LexborNode | None = None  # the ancestor of ``second`` just below the common one
    common: LexborNode | None = second
    while common is not None and common.mem_id not in position:
        child, common = common, common.parent
    if common is None or child is None:
        return False  # another tree, or ``second`` holds ``first`` (or is it)
    index = position[common.mem_id]
    if index == 0:
        return True  # ``first`` holds ``second``
    mine = chain[index - 1]
    for sibling in common.iter(include_text=True):
        if sibling.mem_id == mine.mem_id:
            return True
        if sibling.mem_id == child.mem_id:
            return False
    return False


def first_match(root: LexborHTMLParser | LexborNode, selectors: Iterable[str]) -> LexborNode | None:
    """The first element matched by the first selector (in order) that matches a non-empty one."""
    for selector in selectors:
        for node in root.css(selector):
            if has_text(node):
                return node
    return None


#: Nodes :func:`has_text` looks at before rendering the whole text instead.
_TEXT_LOOK = 32


def has_text(node: LexborNode) -> bool:
    """``node.text(deep=True).strip()`` is not empty: some text node under it holds more than
    white space. An article's body says so in its first few nodes; rendering its whole text
    to find out (tens of kilobytes, copied twice) cost more than the query that found it."""
    for seen, inner in enumerate(node.traverse(include_text=True)):
        if seen == _TEXT_LOOK:
            return bool(node.text(deep=True).strip())
        if inner.tag_id == TEXT_ID and (inner.text_content or "").strip():
            return True
    return False


def render_blocks(
    root: LexborNode,
    *,
    skip: Callable[[LexborNode], bool] | None = None,
) -> list[Block]:
    """Render the text under ``root`` as blocks, in document order.

    Only the block structure is walked in Python; the inline text of each block
    is read by lexbor in C. ``skip`` is asked about block elements and direct
    children of mixed blocks; a True answer leaves the element out. Expects a
    tree that went through :func:`prepare`. Empty blocks are dropped.
    """
    blocks: list[Block] = []
    containers = _block_containers(root)
    if root.mem_id not in containers:
        _emit(blocks, root, root.text(deep=True), None, None)
        return blocks
    # An explicit stack instead of recursion: pathological pages nest thousands deep. Each
    # entry knows whether it sits inside a link (a card: <a href><h3>..</h3><p>..</p></a>).
    # (Each entry also lists the texts of the links in its current run of inline text.)
    stack: list[tuple[LexborNode, Iterator[LexborNode], list[str], list[int], bool, list[str]]] = [
        (root, root.iter(include_text=True), [], [0, 0, 0], False, [])
    ]
    while stack:
        element, children, run, stats, linked, anchors = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            _flush_run(blocks, element, run, stats, linked, anchors)
            continue
        tag = child.tag_id  # (numbers, not names: see ``tag_ids``)
        if tag == TEXT_ID:
            value = child.text_content
            if value:
                run.append(value)
                stats[2] += len(value.strip())
            continue
        if tag in NOT_ELEMENT_IDS or tag in _SKIP_IDS or (skip is not None and skip(child)):
            continue
        if tag == _TR_ID and (row := _data_row(child)) is not None:
            _flush_run(blocks, element, run, stats, linked, anchors)
            _emit(blocks, child, row, _ALL if linked else None, None)
        elif child.mem_id in containers:
            _flush_run(blocks, element, run, stats, linked, anchors)
            inner = linked or (tag == _A_ID and not _PICTURE.search(child.attrs.get("href") or ""))
            stack.append((child, child.iter(include_text=True), [], [0, 0, 0], inner, []))
        elif tag in _BLOCK_IDS:
            _flush_run(blocks, element, run, stats, linked, anchors)
            _emit(blocks, child, child.text(deep=True), _ALL if linked else None, None)
        else:
            value = child.text(deep=True)
            run.append(value)
            length = len(value.strip())
            if tag == _A_ID:
                stats[0] += length
                anchors.append(value)
            elif not _no_elements_inside(child) and (inner := tagged(child, _LINK, "a")):
                # (An inline element holding links: a <span>, a <b>; one walk or query.)
                inner_links = [a.text(deep=True) for a in inner]
                stats[0] += sum(len(a.strip()) for a in inner_links)
                anchors.extend(inner_links)
            stats[1 if tag in _BOLD_IDS else 2] += length
    _count_links(root, blocks)
    return blocks


def _count_links(root: LexborNode, blocks: list[Block]) -> None:
    """Fill in the link characters of the blocks rendered whole (one query for all links,
    instead of one per block)."""
    pending: dict[int, list[Block]] = {}
    for block in blocks:
        if block._link_chars is None:
            pending.setdefault(block.node.mem_id, []).append(block)
    if not pending:
        return
    texts: dict[int, list[str]] = {}
    root_id = root.mem_id
    for anchor in root.css("a"):
        owner: LexborNode | None = anchor
        while owner is not None and owner.mem_id not in pending:
            if owner.mem_id == root_id:
                owner = None
                break
            owner = owner.parent
        if owner is not None:
            texts.setdefault(owner.mem_id, []).append(anchor.text(deep=True))
    for key, owned in pending.items():
        for block, chars in zip(owned, _links_per_piece(owned, texts.get(key, [])), strict=True):
            block._link_chars = min(chars, len(block.text))


def _links_per_piece(pieces: list[Block], anchors: list[str]) -> list[int]:
    """The link characters of each of the ``pieces`` a block was cut into at its line
    breaks (a post written as lines, ``text<br><br><a>link</a> text``): each link counts in
    the piece that holds its text, the links being met in document order."""
    if len(pieces) == 1:
        return [sum(len(a.strip()) for a in anchors)]
    chars = [0] * len(pieces)
    at = 0
    for anchor in anchors:
        text = clean(anchor.replace(BR, " "))
        if not text:
            continue
        index = at
        while index < len(pieces) and text not in pieces[index].text:
            index += 1
        if index < len(pieces):
            chars[index] += len(text)
            at = index
    return chars


#: A table row is one paragraph (its cells joined by spaces) when its cells are short: a row
#: of data. Layout tables (a whole article in one cell) are read cell by cell.
_MAX_CELL = 200
_CELL_BLOCKS = frozenset("table p div ul ol blockquote h1 h2 h3 h4 h5 h6".split())
_CELL_BLOCK_IDS = tag_ids(_CELL_BLOCKS)
_CELL_IDS = tag_ids(("td", "th"))


def _data_row(row: LexborNode) -> str | None:
    """The text of a table row of data, cells joined by spaces; None for a layout row."""
    cells = [c for c in row.iter() if c.tag_id in _CELL_IDS]
    if len(cells) < 2:
        return None
    texts = []
    for cell in cells:
        # (Children only: a layout cell holds its blocks directly, and a CSS query per cell
        # would cost more than the row.)
        if any(child.tag_id in _CELL_BLOCK_IDS for child in cell.iter()):
            return None
        text = cell.text(deep=True).replace(BR, " ").strip()
        if len(text) > _MAX_CELL:
            return None
        if text:
            texts.append(text)
    return " ".join(texts)


#: Joins the texts of a region's text nodes (see :func:`text_nodes`): the HTML parser turns
#: every NUL into U+FFFD, so it never occurs in parsed text.
TEXT_SEPARATOR = "\x00"


def text_nodes(scope: LexborNode) -> list[str]:
    """The texts of the text nodes under ``scope``, in document order (read in C)."""
    return scope.text(deep=True, separator=TEXT_SEPARATOR).split(TEXT_SEPARATOR)


def matching_texts(
    scope: LexborNode, pattern: re.Pattern[str] | Callable[[str], list[int]]
) -> tuple[list[str], list[int]]:
    """The :func:`text_nodes` of ``scope`` and the indexes of those in which ``pattern``
    (searched lower-cased) occurs, in order. The texts are searched as lexbor joined them,
    and listed only when the pattern occurs (no text at all otherwise): most regions hold
    none of what is looked for. ``pattern`` may instead be a function giving the positions
    of its matches in the lower-cased text, from the text as it is (a faster search)."""
    joined = scope.text(deep=True, separator=TEXT_SEPARATOR)
    if isinstance(pattern, re.Pattern):
        positions = [match.start() for match in pattern.finditer(joined.lower())]
    else:
        positions = pattern(joined)
    if not positions:
        return [], []
    texts = joined.split(TEXT_SEPARATOR)
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    return texts, sorted({bisect_right(starts, at) - 1 for at in positions})


def blocks_at(
    scope: LexborNode, texts: list[str], hits: list[int], skip_ids: set[int]
) -> list[Block]:
    """The rendered blocks holding the text nodes ``hits`` (indexes into :func:`text_nodes`).

    Rendering a whole page region costs milliseconds; lexbor lists its text nodes in C, the
    caller picks the few it wants, and only their enclosing blocks are rendered. Blocks
    inside ``skip_ids`` (chrome) are left out.
    """
    if not hits:
        return []
    # The text nodes in the order lexbor listed their texts, up to the last hit only.
    nodes: list[LexborNode] = []
    last = hits[-1]
    for node in scope.traverse(include_text=True):
        if node.tag_id == TEXT_ID:
            nodes.append(node)
            if len(nodes) > last:
                break
    if len(nodes) <= last:  # never seen; render everything rather than guess
        return render_blocks(scope, skip=lambda n: n.mem_id in skip_ids)
    owners: dict[int, LexborNode] = {}
    for index in hits:
        node = nodes[index].parent
        while node is not None and node.tag_id not in _BLOCK_IDS:
            node = node.parent
        if node is not None and node.mem_id not in owners and not in_any(node, skip_ids):
            owners[node.mem_id] = node
    blocks: list[Block] = []
    for owner in owners.values():
        blocks.extend(render_blocks(owner))
    return blocks


def _block_containers(root: LexborNode) -> set[int]:
    """mem_ids of ``root`` and every element under it that holds a block element."""
    containers: set[int] = set()
    root_id = root.mem_id
    # (One walk for every element, its tag tested here: a selector list of 45 tag names
    # walks the tree once per name.)
    for node in root.css("*"):
        if node.tag_id not in _INNER_BLOCK_IDS:
            continue
        parent = node.parent
        while parent is not None and parent.mem_id not in containers:
            containers.add(parent.mem_id)
            if parent.mem_id == root_id:
                break
            parent = parent.parent
    return containers


_BLANK_IDS = frozenset({TEXT_ID, COMMENT_ID})


def adjacent_element(node: LexborNode, *, after: bool) -> tuple[LexborNode | None, bool]:
    """The element right after (or before) ``node`` among its siblings, white space and
    comments passed over, and whether text stands between them (then no element is given)."""
    sibling = node.next if after else node.prev
    while sibling is not None and (tag := sibling.tag_id) in _BLANK_IDS:
        if tag == TEXT_ID and (sibling.text_content or "").strip():
            return None, True
        sibling = sibling.next if after else sibling.prev
    return sibling, False


def link_chars(node: LexborNode) -> int:
    """Characters of text inside links under ``node`` (each link's text stripped)."""
    if _no_elements_inside(node):  # (a query parses its selector: ~2 us for nothing)
        return len(node.text(deep=True).strip()) if node.tag_id == _A_ID else 0
    return sum(len(a.text(deep=True).strip()) for a in tagged(node, _LINK, "a"))


def _no_elements_inside(node: LexborNode) -> bool:
    """True when ``node`` holds no element (text only, or nothing): a query on it can
    match only ``node`` itself."""
    for _ in node.iter():
        return False
    return True


_LINK = frozenset({"a"})
_BOLD = frozenset({"b", "strong"})
_BOLD_IDS = tag_ids(_BOLD)
#: The numbers of the tag names :func:`tagged` was asked about, by those names.
_TAGGED_IDS: dict[frozenset[str], frozenset[int]] = {}


def _ids_of(tags: frozenset[str]) -> frozenset[int]:
    ids = _TAGGED_IDS.get(tags)
    if ids is None:
        ids = _TAGGED_IDS[tags] = tag_ids(tags)
    return ids


#: Elements walked in Python before a query takes over (see :func:`tagged`): lexbor parses
#: a query's selector anew each time (~20,000 instructions), while each element walked here
#: costs ~1,100; the elements of a paragraph are a handful.
_SMALL_WALK = 8


def tagged(node: LexborNode, tags: frozenset[str], selector: str) -> list[LexborNode]:
    """``node.css(selector)`` for a ``selector`` that lists the tag names ``tags`` only
    (``"b, strong"``): ``node`` and the elements under it of those names, in document order.
    Under an element holding a few elements (a paragraph with a link) they are walked here,
    cheaper than a query; a larger one is queried."""
    found: list[LexborNode] = []
    ids = _ids_of(tags)
    for seen, element in enumerate(node.traverse()):
        if seen == _SMALL_WALK:
            return node.css(selector)
        if element.tag_id in ids:
            found.append(element)
    return found


def first_tagged(node: LexborNode, tags: frozenset[str], selector: str) -> LexborNode | None:
    """``node.css_first(selector)`` the way :func:`tagged` is ``node.css(selector)``."""
    ids = _ids_of(tags)
    for seen, element in enumerate(node.traverse()):
        if seen == _SMALL_WALK:
            return node.css_first(selector)
        if element.tag_id in ids:
            return element
    return None


def _bold(node: LexborNode) -> bool:
    if _no_elements_inside(node):
        found = [node] if node.tag_id in _BOLD_IDS else []
    else:
        found = tagged(node, _BOLD, "b, strong")
    bold = sum(len(b.text(deep=True).strip()) for b in found)
    return bold > 0 and bold >= len(node.text(deep=True).strip()) - 1


#: A link to a picture (a zoomable photo and its caption) leads nowhere else.
_PICTURE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:[?#]|$)", re.IGNORECASE)
#: The link characters of a block inside a link: all of them.
_ALL = 1 << 62


def _flush_run(
    blocks: list[Block],
    owner: LexborNode,
    run: list[str],
    stats: list[int],
    linked: bool,
    anchors: list[str],
) -> None:
    if run:
        bold = stats[2] == 0 and stats[1] > 0
        first = len(blocks)
        _emit(blocks, owner, "".join(run), _ALL if linked else stats[0], bold)
        if not linked and stats[0] and len(blocks) - first > 1:  # cut at its line breaks
            pieces = blocks[first:]
            for block, chars in zip(pieces, _links_per_piece(pieces, anchors), strict=True):
                block._link_chars = min(chars, len(block.text))
        run.clear()
        anchors.clear()
    stats[0] = stats[1] = stats[2] = 0


def _emit(
    blocks: list[Block], node: LexborNode, raw: str, link_chars: int | None, bold: bool | None
) -> None:
    tag = node.tag
    if BR in raw:
        pieces = [raw.replace(BR, " ")] if tag in PARAGRAPH_TAGS else raw.split(BR)
    else:
        pieces = [raw]
    for piece in pieces:
        text = clean(piece)
        if text:
            links = None if link_chars is None else min(link_chars, len(text))
            blocks.append(Block(text, node, tag, links, bold))


def region_of(anchor: LexborNode | None, container: LexborNode | None) -> LexborNode | None:
    """The smallest element holding both the headline and the body (bounded in size)."""
    if container is None:
        return anchor.parent if anchor is not None else None
    if anchor is None or anchor.mem_id == container.mem_id:
        parent = container.parent
        return parent.parent if parent is not None and parent.parent is not None else parent
    anchor_chain = {anchor.mem_id, *(p.mem_id for p in ancestors(anchor))}
    node: LexborNode | None = container
    while node is not None and node.mem_id not in anchor_chain:
        node = node.parent
    if node is None or node.tag in ("body", "html"):
        return container.parent
    return node
