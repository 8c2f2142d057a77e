"""Page chrome: the parts of a page around the article (header, menus, sidebars, footers).

Chrome is never allowed to swallow the article: an element that holds the
headline or most of the page's text is not chrome, whatever its class says
(``<div class="main has-sidebar">``).
"""

from __future__ import annotations

from collections.abc import Iterable

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver.extract.dom import ancestors

#: Chrome by element or ARIA role; chrome by class and id names is in ``roles``.
STRUCTURAL_SELECTOR = (
    "header, footer, nav, aside, menu, [role=navigation], [role=banner], [role=contentinfo], "
    "[role=complementary], [role=search]"
)
_NEVER = frozenset({"body", "html", "main", "article", "form"})


def find_chrome(
    tree: LexborHTMLParser, named: Iterable[LexborNode], protect: Iterable[LexborNode]
) -> list[LexborNode]:
    """Structural chrome plus the ``named`` candidates, minus anything holding ``protect``ed nodes.

    May return nested elements (both a sidebar and a box inside it).
    """
    body = tree.body
    if body is None:
        return []
    protected: set[int] = set()
    for node in protect:
        protected.add(node.mem_id)
        protected.update(parent.mem_id for parent in ancestors(node))
    half: tuple[float, float] | None = None
    chrome: list[LexborNode] = []
    seen: set[int] = set()
    for node in [*body.css(STRUCTURAL_SELECTOR), *named]:
        key = node.mem_id
        if key in seen or key in protected or node.tag in _NEVER:
            continue
        seen.add(key)
        # Only an element with paragraphs could be the article mis-classed as chrome
        # ("left-sidebar" holding the main column); menus, share bars and the like are
        # taken without measuring their text.
        paragraphs = node.css("p")
        if paragraphs:
            if half is None:
                half = (
                    0.5 * max(len(body.text(deep=True)), 1),
                    0.5 * max(_chars(body.css("p")), 1),
                )
            if len(node.text(deep=True)) > half[0] or _chars(paragraphs) > half[1]:
                continue
        chrome.append(node)
    return chrome


def _chars(nodes: list[LexborNode]) -> int:
    return sum(len(n.text(deep=True)) for n in nodes)
