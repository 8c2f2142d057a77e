"""What a page's class and id names say each element is: chrome, a date line, a byline, a lead.

One pass over the elements that carry a class or id replaces a dozen
case-insensitive substring selectors (which lexbor evaluates slowly, one
selector at a time). Only the words that occur somewhere on the page are
searched for element by element.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from selectolax.lexbor import LexborNode

from archiver.extract.dom import attribute_words
from archiver.text import fold

#: Substrings of a class or id that give an element its role.
SUBSTRINGS: dict[str, tuple[str, ...]] = {
    "chrome": (
        "sidebar",
        "side-bar",
        "breadcrumb",
        "menu",
        "navbar",
        "navigation",
        "banner",
        "advert",
        "quangcao",
        "quang-cao",
        "footer",
        "copyright",
        "popup",
        "modal",
        "cookie",
        "newsletter",
        "subscribe",
        "social",
        "comment",
        "binhluan",
        "binh-luan",
        "related",
        "relate-",
        "lienquan",
        "lien-quan",
        "tinkhac",
        "tin-khac",
        "othernews",
        "other-news",
        "tincungchuyenmuc",
        "box-tag",
        "tags-",
        "-tags",
        "keyword",
        "widget",
        "top-bar",
        "topbar",
        "header",
        "hotline",
        "weather",
        "thoitiet",
        "login",
        "search",
        "toolbar",
        "pagination",
        "paging",
        "rating",
        "share",
        "most-view",
        "mostview",
        "docnhieu",
        "hot-news",
        "hotnews",
        "tinmoi",
        "tin-moi",
        # Calls to action: sign up, donate, try, contact sales (boxes inside an article's
        # element as often as beside it).
        "cta-",
        "-cta",
        "_cta",
        "promo",
        "donate",
        "donation",
        "support-us",
        "supportus",
        "signup",
        "sign-up",
        "free-trial",
    ),
    # Narrower than chrome: site headers and side columns that show "today"; an article's own
    # header (vnexpress ``div.header-content``) holds the real date and is not in this list.
    "date_chrome": (
        "site-header",
        "top-header",
        "main-header",
        "page-header",
        "topbar",
        "top-bar",
        "sidebar",
        "side-bar",
        "weather",
        "thoitiet",
        "menu",
        "navbar",
        "footer",
        "breadcrumb",
        "banner",
    ),
    "date": ("date", "time", "publish", "ngay", "post-on", "posted"),
    "byline": ("author", "byline", "tacgia", "tac-gia", "writer", "butdanh", "but-danh"),
    "lead": (
        "sapo",
        "lead",
        "description",
        "summary",
        "chapeau",
        "excerpt",
        "tomtat",
        "tom-tat",
        "intro",
        "teaser",
        # The same summary as other languages' newsrooms name it: the Spanish "bajada" and
        # "entradilla", the French "chapô", an abstract. (Not the British "standfirst":
        # there it is set apart from the text, which readers' views leave it out of.)
        "bajada",
        "entradilla",
        "chapo",
        "abstract",
    ),
    "title": ("title", "tieude", "tieu-de", "headline"),
    "noise": (
        "caption",
        "photocms_author",
        "photo-author",
        "credit",
        "relate",
        "lienquan",
        "lien-quan",
        "tags",
        "keyword",
        "share",
        "social",
        "banner",
        "advert",
        "quangcao",
        "comment",
        "rating",
        "tplcaption",
        "author",
        "byline",
        "source",
        "readmore",
        "read-more",
        "xemthem",
        "xem-them",
        "toolbar",
        "print",
        "copyright",
    ),
}
#: Whole class tokens (or the whole id) that give an element its role.
TOKENS: dict[str, tuple[str, ...]] = {
    "chrome": (
        "ads",
        "ad",
        "qc",
        "nav",
        "tags",
        "tag",
        "top",
        "right",
        "left",
        "print",
        "vote",
        "poll",
        "bottom",
        "cta",
    ),
    "date_chrome": ("header", "top", "banner", "menu", "nav"),
    "noise": ("ads", "ad", "tag", "image"),
    "lead": ("dek", "deck"),  # the American newsroom's word for it
}
#: Chrome tokens that say where a box is set, not what it is: a paragraph floated beside a
#: picture (``<div class="paragraph left">``) is named so as often as a side column.
POSITION_TOKENS = frozenset({"left", "right", "top", "bottom"})
_POSITION = re.compile(r"(?<=\s)(?:" + "|".join(sorted(POSITION_TOKENS)) + r")(?=\s)")
_NOT_LEAD = re.compile(r"leader|leading|mislead")
#: Class tokens that say what an element lacks ("no_caption", "no-sidebar", "without-ads"):
#: they name no role.
_NEGATED = re.compile(r"(?<=\s)(?:no|without|has-no|hide)[-_]\S*(?=\s)")
#: A page builder's word for every block it sets (Elementor's ``elementor-widget``): no
#: widget beside the text when the block is one of text (``elementor-widget-text-editor``, the
#: post's content), nor in the wrappers it puts inside every block
#: (``elementor-widget-container``). Its other blocks (a share bar, a list of posts, the
#: post's tags) stay chrome.
_BUILDER_TEXT = re.compile(r"(?<=\s)elementor-widget-(?:text-editor|theme-post-content)(?=\s)")
_BUILDER_BLOCK = re.compile(r"(?<=\s)elementor-widget(?=\s)")
_BUILDER_WRAPPER = re.compile(r"(?<=\s)elementor-widget-(?:container|wrap)(?=\s)")
_BUILDER_MARK = "elementor-widget"
_WORDS = sorted(
    {w for words in SUBSTRINGS.values() for w in words}
    | {f" {w} " for ws in TOKENS.values() for w in ws},
    key=len,
    reverse=True,
)
_PATTERN = re.compile(
    "|".join(
        rf"(?<=\s){re.escape(w.strip())}(?=\s)" if w[0] == " " else re.escape(w) for w in _WORDS
    )
)
_ROLES_OF: dict[str, frozenset[str]] = {}
for _role, _words in SUBSTRINGS.items():
    for _word in _words:
        _ROLES_OF[_word] = _ROLES_OF.get(_word, frozenset()) | {_role}
_TOKEN_ROLES: dict[str, frozenset[str]] = {}
for _role, _words in TOKENS.items():
    for _word in _words:
        _TOKEN_ROLES[_word] = _TOKEN_ROLES.get(_word, frozenset()) | {_role}


def affirmed(label: str) -> str:
    """A space-padded ``" class id "`` label without the tokens saying what an element lacks."""
    return _NEGATED.sub(" ", label) if _NEGATED.search(label) else label


@lru_cache(maxsize=65_536)
def roles_of(label: str) -> frozenset[str]:
    """The roles named by a ``" class id "`` label (lower-case, space-padded); cached.

    Sites repeat the same few hundred class strings on every page, so after the
    first pages of a crawl this is a dictionary lookup.
    """
    roles: set[str] = set()
    label = affirmed(label)
    if _BUILDER_MARK in label:
        label = _BUILDER_WRAPPER.sub(" ", label)
        if _BUILDER_TEXT.search(label):
            label = _BUILDER_BLOCK.sub(" ", _BUILDER_TEXT.sub(" ", label))
    for match in _PATTERN.finditer(label):
        word = match.group()
        roles |= _ROLES_OF.get(word, frozenset())
        start, end = match.span()
        if label[start - 1].isspace() and label[end : end + 1].isspace():
            roles |= _TOKEN_ROLES.get(word, frozenset())
    if "lead" in roles and _NOT_LEAD.search(label) and "sapo" not in label:
        roles.discard("lead")
    return frozenset(roles)


def placed_only(node: LexborNode) -> bool:
    """``node`` is chrome by a position token alone: its names without those say no chrome."""
    attributes = node.attributes
    return _placed_only(attributes.get("class"), attributes.get("id") or "")


@lru_cache(maxsize=65_536)
def _placed_only(label: str | None, ident: str) -> bool:
    names = f" {label or ''} {ident} ".lower()
    # (Most names hold no position word: a substring test in C settles them.)
    if not any(word in names for word in POSITION_TOKENS) or _POSITION.search(names) is None:
        return False
    return "chrome" not in roles_of(_POSITION.sub(" ", names))


#: Class names of an article's text by convention (see ``chrome.ARTICLE_BODY_SELECTOR``):
#: an element whose class holds one as written has the role "text"; one that holds one in
#: other letter cases ("Entry-Content") has "text?" (a class selector matches it only in a
#: page parsed in quirks mode).
TEXT_CLASSES = frozenset({"entry-content", "post-body", "article-body"})
_TEXT = frozenset({"text"})
_TEXT_IN_ANY_CASE = frozenset({"text?"})
_TEXT_ROLES = _TEXT | _TEXT_IN_ANY_CASE


@lru_cache(maxsize=65_536)
def _roles_of_names(label: str | None, ident: str) -> frozenset[str]:
    """:func:`roles_of` by class attribute and id, as found on the element (cached as they
    are: most elements of a page repeat a few class strings), with "text" (or "text?") when
    the class names an article's text."""
    roles = roles_of(f" {label or ''} {ident} ".lower())
    if label:
        names = set(attribute_words(label))
        if not TEXT_CLASSES.isdisjoint(names):
            roles |= _TEXT
        elif any(name.isascii() and name.lower() in TEXT_CLASSES for name in names):
            roles |= _TEXT_IN_ANY_CASE
    return roles


#: An id of this many words or more may be a heading's anchor ("evolve-shared-mutable-history").
_SLUG_HYPHENS = 3
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _anchors_heading(node: LexborNode, ident: str) -> bool:
    """True when ``ident`` is the slug of the heading ``node`` opens (a documentation page's
    section named after its title): words of the text, not a widget's name."""
    heading = node.css_first("h1, h2, h3, h4, h5, h6")
    if heading is None:
        return False
    slug = _NOT_SLUG.sub("-", fold(heading.text(deep=True)).lower()).strip("-")
    return slug.startswith(ident.lower())


class Roles:
    """The elements under a root grouped by role, each list in document order."""

    def __init__(self, nodes: Iterable[LexborNode]) -> None:
        by_role: dict[str, list[LexborNode]] = {}
        for node in nodes:
            # (The two attributes read by name: ``attributes`` builds a dict of every one,
            # a third more instructions over a page's elements.)
            ident = node.id or ""
            label = node.attrs.get("class")
            roles = _roles_of_names(label, ident)
            if (
                roles
                and ident.count("-") >= _SLUG_HYPHENS
                and not roles <= _TEXT_ROLES  # (a text's class name says nothing of its id)
                and _anchors_heading(node, ident)
            ):
                roles = _roles_of_names(label, "")
            for role in roles:
                by_role.setdefault(role, []).append(node)
        self._by_role = by_role

    def __getitem__(self, role: str) -> list[LexborNode]:
        return self._by_role.get(role, [])
