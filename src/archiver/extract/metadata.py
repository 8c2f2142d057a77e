"""Structured metadata of a page: JSON-LD, Open Graph, ``<meta>`` and ``<link>`` tags.

Metadata is a witness, not the truth: Vietnamese sites put the outlet in the
author field, HTML-escape names, drop or mangle time zones. This module only
collects what the page claims; :mod:`archiver.extract` weighs it against what
the page displays.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from archiver.extract.dom import attribute_words
from archiver.extract.vocabulary import UNKNOWN, Part, Vocabulary
from archiver.text import clean, clean_or_none

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "blogposting",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "webpage",
        "liveblogposting",
        "techarticle",
        "scholarlyarticle",
        "report",
    }
)
#: Types that say the page is one article (a WebPage may be anything, a listing too).
_ONE_ARTICLE = ARTICLE_TYPES - {"webpage"}
_ORG_TYPES = frozenset(
    {"organization", "newsmediaorganization", "corporation", "govermentorganization"}
)

# Meta names that carry a publication or modification time, in order of trust.
_PUBLISHED_META = (
    ("property", "article:published_time"),
    ("itemprop", "datePublished"),
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "article:published_time"),
    ("property", "og:published_time"),
    ("name", "date"),
    ("name", "dc.date.issued"),
    ("name", "DC.date.issued"),
    ("name", "citation_publication_date"),
)
_MODIFIED_META = (
    ("property", "article:modified_time"),
    ("itemprop", "dateModified"),
    ("name", "lastmod"),
    ("property", "og:updated_time"),
)


@dataclass(slots=True)
class Metadata:
    """What the page says about itself in machine-readable form."""

    canonical_url: str | None = None
    og_url: str | None = None
    og_title: str | None = None
    #: Open Graph's ``og:type`` ("article", "video.other", "website"), as written.
    og_type: str | None = None
    site_name: str | None = None
    html_title: str | None = None
    description: str | None = None
    headline: str | None = None
    #: (source, raw value) pairs, most trusted first.
    published: list[tuple[str, str]] = field(default_factory=list)
    modified: list[tuple[str, str]] = field(default_factory=list)
    #: Person names from JSON-LD, in order; may still hold outlet names (checked later).
    authors: list[str] = field(default_factory=list)
    meta_author: str | None = None
    publishers: list[str] = field(default_factory=list)
    #: The page says it is one article: its JSON-LD describes one article (NewsArticle,
    #: BlogPosting, ...; a page describing several lists them) or it gives Open Graph's
    #: ``article:published_time``.
    declared_article: bool = False
    #: The longest ``articleBody`` an article object of the JSON-LD gives, as written.
    article_body: str | None = None


#: The canonical link (``rel`` is a list of words), the titles and the ``<meta>`` tags that
#: give a value, as :func:`read_metadata` finds them (see :func:`_is_canonical`).
_HEAD_QUERY = "link[rel~=canonical i], title, meta[content]"


def _is_canonical(rel: str | None) -> bool:
    """``link[rel~=canonical i]`` says yes to a link with this ``rel``: a word of it, between
    CSS white space, is "canonical" in any ASCII case. (No other character lower-cases to
    one of its ASCII letters: the Kelvin sign alone becomes an ASCII "k".)"""
    return rel is not None and "canonical" in attribute_words(rel.lower())


#: Elements giving the publication time in an attribute.
_DATED_PARTS = (
    Part("[itemprop=datePublished][datetime]", names=("datetime", "itemprop")),
    Part("time[pubdate][datetime]", names=("datetime", "pubdate")),
)


def read_metadata(
    tree: LexborHTMLParser,
    *,
    json_ld: list[str] | None = None,
    vocabulary: Vocabulary = UNKNOWN,
) -> Metadata:
    """What the page claims about itself. ``json_ld``: the page's JSON-LD texts, when its
    scripts were taken out before parsing (else they are read from the tree);
    ``vocabulary``: what its markup holds (see :mod:`archiver.extract.vocabulary`)."""
    meta = Metadata()
    if tree.root is None:  # (a <head> is inside the root: no root, no head either)
        return meta
    # The document's lists of the three tags (no selector parsed, a walk comparing tag
    # numbers: half the instructions of one query of :data:`_HEAD_QUERY`, which tests three
    # selectors on every element); each kind in document order, as the query gave it.
    for node in tree.tags("link"):
        # (``rel`` read by name: ``attributes`` would build a dict of every link's attributes.)
        if _is_canonical(node.attrs.get("rel")):
            meta.canonical_url = (node.attributes.get("href") or "").strip() or None
            if meta.canonical_url:
                break
    titles = tree.tags("title")
    title_node = titles[0] if titles else None
    meta_nodes = tree.tags("meta")
    if title_node is not None:
        meta.html_title = clean_or_none(html.unescape(title_node.text(deep=True)))

    metas: dict[tuple[str, str], str] = {}
    for node in meta_nodes:
        attrs = node.attributes
        content = attrs.get("content")
        if content is None:
            continue
        for key in ("property", "name", "itemprop"):
            name = attrs.get(key)
            if name:
                metas.setdefault((key, name.strip().lower()), content.strip())
    meta.og_url = metas.get(("property", "og:url")) or None
    meta.og_type = metas.get(("property", "og:type")) or None
    meta.og_title = clean_or_none(html.unescape(metas.get(("property", "og:title"), "")))
    meta.site_name = clean_or_none(metas.get(("property", "og:site_name")))
    meta.description = clean_or_none(
        html.unescape(
            metas.get(("name", "description")) or metas.get(("property", "og:description")) or ""
        )
    )
    meta.meta_author = clean_or_none(html.unescape(metas.get(("name", "author"), "")))
    meta.published = [
        (f"meta {key}={name}", metas[(key, name.lower())])
        for key, name in _PUBLISHED_META
        if metas.get((key, name.lower()))
    ]
    meta.modified = [
        (f"meta {key}={name}", metas[(key, name.lower())])
        for key, name in _MODIFIED_META
        if metas.get((key, name.lower()))
    ]
    # Open Graph's article properties are written for article pages only.
    meta.declared_article = ("property", "article:published_time") in metas
    for node in vocabulary.css(tree, _DATED_PARTS):
        meta.published.append(("itemprop datetime", node.attributes.get("datetime") or ""))
    if json_ld is None:
        json_ld = [n.text(deep=True) for n in tree.css('script[type="application/ld+json" i]')]
    _read_json_ld(json_ld, meta)
    return meta


def _read_json_ld(texts: list[str], meta: Metadata) -> None:
    jsonld_published: list[tuple[str, str]] = []
    jsonld_modified: list[tuple[str, str]] = []
    described: set[str] = set()  # articles (a section page may describe each one it lists)
    for text in texts:
        for item in _json_objects(text):
            types = _types(item)
            if types & _ORG_TYPES:
                name = _name(item)
                if name:
                    meta.publishers.append(name)
            if not types & ARTICLE_TYPES:
                continue
            if types & _ONE_ARTICLE:  # (one article is often described twice: by headline)
                described.add(str(item.get("headline") or item.get("url") or len(described)))
            body = item.get("articleBody")
            if isinstance(body, str) and len(body) > len(meta.article_body or ""):
                meta.article_body = body
            if item.get("headline") and not meta.headline:
                meta.headline = clean_or_none(html.unescape(str(item["headline"])))
            for key, target in (
                ("datePublished", jsonld_published),
                ("dateModified", jsonld_modified),
            ):
                value = item.get(key)
                if isinstance(value, str) and value.strip():
                    target.append((f"json-ld {key}", value.strip()))
            for author in _as_list(item.get("author")):
                if isinstance(author, dict):
                    if _types(author) & _ORG_TYPES:
                        name = _name(author)
                        if name:
                            meta.publishers.append(name)
                        continue
                    name = _name(author)
                elif isinstance(author, str):
                    name = clean(html.unescape(author))
                else:
                    name = None
                if name and name not in meta.authors:
                    meta.authors.append(name)
            for publisher in _as_list(item.get("publisher")):
                name = _name(publisher) if isinstance(publisher, dict) else None
                if name:
                    meta.publishers.append(name)
    if len(described) == 1:
        meta.declared_article = True
    # JSON-LD is usually the most deliberate statement of the time; keep it first.
    meta.published[:0] = jsonld_published
    meta.modified[:0] = jsonld_modified


_BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|blockquote)\s*>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def body_paragraphs(article_body: str) -> list[str]:
    """The paragraphs of a JSON-LD ``articleBody``: plain text with a line per paragraph,
    or (some sites) markup."""
    text = article_body
    if "<" in text and ">" in text:
        text = _TAG.sub(" ", _BLOCK_END.sub("\n", text))
    return [line for line in (clean(html.unescape(p)) for p in text.split("\n")) if line]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def _json_objects(text: str) -> Iterator[dict[str, Any]]:
    text = text.strip()
    if not text:
        return
    text = _CONTROL.sub(" ", text)
    try:
        data = json.loads(text, strict=False)
    except ValueError:
        try:
            data = json.loads(_TRAILING_COMMA.sub(r"\1", text), strict=False)
        except ValueError:
            return
    stack: list[Any] = [data]
    seen = 0
    while stack and seen < 500:
        item = stack.pop(0)
        seen += 1
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack.extend(graph)


def _types(item: dict[str, Any]) -> set[str]:
    return {str(t).lower() for t in _as_list(item.get("@type")) if t}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _name(item: dict[str, Any]) -> str | None:
    name = item.get("name")
    if isinstance(name, list):
        name = next((n for n in name if isinstance(n, str)), None)
    if not isinstance(name, str):
        return None
    return clean_or_none(html.unescape(html.unescape(name)))
