"""Page chrome: the parts of a page around the article (header, menus, sidebars, footers).

Chrome is never allowed to swallow the article: an element that holds the
headline, an element named as the article's text (``entry-content``) or most of the
page's text is not chrome, whatever its class says (``<div class="main has-sidebar">``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver.extract.dom import adjacent_element, ancestors, link_chars, tag_ids
from archiver.extract.roles import Roles, placed_only, roles_of
from archiver.extract.vocabulary import UNKNOWN, Part, Vocabulary
from archiver.text import collapsed_length

#: Chrome by element or ARIA role; chrome by class and id names is in ``roles``.
STRUCTURAL_SELECTOR = (
    "header, footer, nav, aside, menu, [role=navigation], [role=banner], [role=contentinfo], "
    "[role=complementary], [role=search]"
)
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search"})
_CHROME_TAGS = frozenset({"header", "footer", "nav", "aside", "menu"})
_NEVER = frozenset({"body", "html", "main", "article", "form"})
#: The tags above as lexbor's numbers (see ``dom.tag_ids``).
_CHROME_TAG_IDS = tag_ids(_CHROME_TAGS)
_NEVER_IDS = tag_ids(_NEVER)
(_HEADER_ID,) = tag_ids(("header",))
#: :data:`STRUCTURAL_SELECTOR` as queried: every element with a role, its value tested here
#: (each selector of a list costs a test of every element), and none where the markup never
#: names a role.
_STRUCTURAL_PARTS = (Part("header, footer, nav, aside, menu"), Part("[role]", names=("role",)))
#: Elements named as an article's text by a convention (microformats, schema.org, blog
#: engines): the boxes holding them are not chrome, however they are named (Blogger's
#: ``<div class="widget Blog">`` holds the posts).
ARTICLE_BODY_SELECTOR = "[itemprop=articleBody], .entry-content, .post-body, .article-body"
#: ... when they hold this much text (a sidebar's excerpts of other posts hold less).
_ARTICLE_BODY_CHARS = 500


def find_chrome(
    tree: LexborHTMLParser,
    named: Mapping[str, Iterable[LexborNode]],
    protect: Iterable[LexborNode],
    *,
    roles: Roles | None = None,
    vocabulary: Vocabulary = UNKNOWN,
) -> dict[str, list[LexborNode]]:
    """Per kind of chrome (``named`` maps a kind to its candidates by class and id names),
    the structural chrome plus that kind's candidates, minus anything holding ``protect``ed
    nodes. One pass serves every kind. May return nested elements (a sidebar and a box in it).
    ``roles``: the body's elements by the roles their names give, when known (the elements
    named as an article's text are found there); ``vocabulary``: what the markup names.
    """
    found: dict[str, list[LexborNode]] = {kind: [] for kind in named}
    body = tree.body
    if body is None:
        return found
    protected: set[int] = set()
    bodies = [
        node
        for node in _named_texts(body, roles, vocabulary)
        if len(node.text(deep=True)) >= _ARTICLE_BODY_CHARS
    ]
    for node in (*protect, *bodies):
        protected.add(node.mem_id)
        protected.update(parent.mem_id for parent in ancestors(node))
    header_parts = _header_parts(protect)
    candidates: dict[int, tuple[LexborNode, set[str]]] = {}
    for node in vocabulary.css(body, _STRUCTURAL_PARTS):
        # (An element that is not chrome by its tag was listed for its role: read that alone.)
        if node.tag_id in _CHROME_TAG_IDS or node.attrs.get("role") in _CHROME_ROLES:
            candidates.setdefault(node.mem_id, (node, set(named)))
    for kind, nodes in named.items():
        for node in nodes:
            entry = candidates.get(node.mem_id)
            if entry is None:
                candidates[node.mem_id] = (node, {kind})
            else:
                entry[1].add(kind)
    paragraphs = body.css("p")
    # (Posts written as lines between <br>s hold text without a <p>, but they are not
    # counted: the tree has no <br> left by now, ``dom.prepare`` made each a BR character.
    # No query looks for them.)
    with_paragraphs = _holding(paragraphs)
    half: list[float] = []  # of the page's characters, paragraph characters, unlinked ones
    for key, (node, kinds) in candidates.items():
        tag = node.tag_id
        if key in protected or tag in _NEVER_IDS:
            continue
        if tag == _HEADER_ID and (_heads_article(node, protected) or _opens_text(node, bodies)):
            continue
        if key in header_parts and _in_headline_header(node, protected):
            continue
        # Only an element with paragraphs (or lines between <br>s) could be the article
        # mis-classed as chrome ("left-sidebar" holding the main column); menus, share bars
        # and the like are taken without measuring their text.
        if key in with_paragraphs:
            if placed_only(node) and _holds_prose(node):
                continue  # (a paragraph floated "left" or "right" of a picture: text)
            if not half:
                half += (0.5 * max(len(body.text(deep=True)), 1), 0.5 * max(_chars(paragraphs), 1))
            text = len(node.text(deep=True))
            if text > half[0] or _chars(node.css("p")) > half[1]:
                continue
            if len(half) == 2:  # (the page's links are counted once, when first needed)
                half.append(0.5 * max(2 * half[0] - link_chars(body), 1))
            # Most of the page's unlinked text. (Its links only take from its text: one whose
            # whole text is not that much is not, and its links need no counting.)
            if text > half[2] and text - link_chars(node) > half[2]:
                continue
        for kind in kinds:
            found[kind].append(node)
    return found


#: :data:`ARTICLE_BODY_SELECTOR` but its class names (found by ``roles``).
_ARTICLE_BODY_PROPERTY = (Part("[itemprop=articleBody]", names=("itemprop",)),)


def _named_texts(body: LexborNode, roles: Roles | None, vocabulary: Vocabulary) -> list[LexborNode]:
    """What ``body.css(ARTICLE_BODY_SELECTOR)`` lists, in some order. The elements with a
    class are known from ``roles`` when it tells: a class name in other letter cases than
    the selector's ("Entry-Content") matches only in a page parsed in quirks mode, which is
    left to lexbor; then the whole selector is queried. (A query of three class selectors
    walks the tree three times.)"""
    if roles is None or roles["text?"]:
        return body.css(ARTICLE_BODY_SELECTOR)
    return [*vocabulary.css(body, _ARTICLE_BODY_PROPERTY), *roles["text"]]


def _heads_article(node: LexborNode, protected: set[int]) -> bool:
    """A ``<header>`` of the article or section holding the headline: the article's own
    header (its date line and byline), not the site's."""
    parent = node.parent
    return (
        node.tag == "header"
        and parent is not None
        and parent.tag in ("article", "section")
        and parent.mem_id in protected
    )


#: Roles that a part of the article's header still has without the word "header": its
#: picture's caption, a share bar.
_NOT_HEADERS_OWN = frozenset({"chrome", "noise"})
_PICTURES = frozenset({"img", "picture", "figure", "video"})
#: How far above a part of the article's header the element holding the headline may be.
_HEADER_LEVELS = 4


def _header_parts(protect: Iterable[LexborNode]) -> set[int]:
    """mem_ids of the elements inside a header holding the headline (a ``<header>`` or an
    the outermost element named "...header..." a few levels above it): where
    :func:`_in_headline_header` may find parts of the article's header. Most pages have none."""
    parts: set[int] = set()
    for node in protect:
        outermost = None
        for depth, parent in enumerate(ancestors(node)):
            if depth >= _HEADER_LEVELS:
                break
            if parent.tag == "header" or "header" in (parent.attributes.get("class") or "").lower():
                outermost = parent
        if outermost is not None:
            parts.update(n.mem_id for n in outermost.css("*"))
    return parts


def _in_headline_header(node: LexborNode, protected: set[int]) -> bool:
    """A part of the header holding the headline, named after it ("contentHeader__abstract",
    "article-header__date"): the article's summary or date line, not a site's header. (Its
    name says chrome only by the word "header"; a share bar or a caption there stays out.)"""
    names = f" {node.attributes.get('class') or ''} {node.attributes.get('id') or ''} ".lower()
    if "header" not in names or roles_of(names.replace("header", " ")) & _NOT_HEADERS_OWN:
        return False
    if node.tag in _PICTURES or node.css_first("img, picture, figure, video") is not None:
        return False  # (the lead picture and its caption: captions are read apart)
    for depth, parent in enumerate(ancestors(node)):
        if depth >= _HEADER_LEVELS:
            break
        if parent.mem_id in protected and (
            parent.tag == "header" or "header" in (parent.attributes.get("class") or "").lower()
        ):
            return True
    return False


#: A ``<header>`` inside the article's text holding this much unlinked text opens the text.
_OPENING_CHARS = 100


def _opens_text(node: LexborNode, bodies: list[LexborNode]) -> bool:
    """A ``<header>`` opening an element named as the article's text (its first element),
    holding a sentence or two and no links: the article's opening paragraph (its summary),
    not a site's header, nor the header of a chart further down."""
    parent = node.parent
    if parent is None or all(body.mem_id != parent.mem_id for body in bodies):
        return False
    previous, text_before = adjacent_element(node, after=False)
    if previous is not None or text_before or node.css_first("a[href]") is not None:
        return False
    return collapsed_length(node.text(deep=True)) >= _OPENING_CHARS


#: Running text: a paragraph this long, hardly linked.
_PROSE_CHARS = 80
_PROSE_LINKS = 0.3


def _holds_prose(node: LexborNode) -> bool:
    """A paragraph of running text is ``node`` or in it."""
    for paragraph in node.css("p"):
        text = collapsed_length(paragraph.text(deep=True))
        if text >= _PROSE_CHARS and link_chars(paragraph) < _PROSE_LINKS * text:
            return True
    return False


def _holding(nodes: list[LexborNode]) -> set[int]:
    """mem_ids of ``nodes`` and of every element above one of them."""
    holding: set[int] = set()
    for node in nodes:
        current: LexborNode | None = node
        while current is not None and current.mem_id not in holding:
            holding.add(current.mem_id)
            current = current.parent
    return holding


def _chars(nodes: list[LexborNode]) -> int:
    return sum(len(n.text(deep=True)) for n in nodes)
