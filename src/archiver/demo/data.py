"""The demo's data: articles loaded from ``articles.json`` (records that know their URLs)
and the pages the renderers make of them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from archiver.dates import VN_TZ
from archiver.errors import InputError
from archiver.text import fold

__all__ = [
    "NEWS",
    "PORTAL",
    "DemoArticle",
    "DemoImage",
    "DemoPage",
    "Reply",
    "SiteInfo",
    "demo_articles",
    "html_page",
    "pages_of",
    "site_info",
    "text_page",
]

PORTAL = "tamky"
NEWS = "tinsonghan.example"
_DATA = "articles.json"
_NON_SLUG = re.compile(r"[^a-z0-9]+")


Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Reply:
    """One response of a demo page; ``body`` is text, sent as UTF-8."""

    status: int = 200
    headers: Headers = ()
    body: str | None = None


@dataclass(frozen=True, slots=True)
class DemoPage:
    """A URL of a demo site and its replies, one per request (the last repeats)."""

    url: str
    replies: tuple[Reply, ...]


def text_page(url: str, body: str, kind: str, *extra: tuple[str, str]) -> DemoPage:
    """A page that answers 200 with ``body`` as UTF-8 text of media type ``kind``."""
    return DemoPage(url, (Reply(200, (("Content-Type", f"{kind}; charset=utf-8"), *extra), body),))


def html_page(url: str, body: str, *extra: tuple[str, str]) -> DemoPage:
    """A page that answers 200 with ``body`` as UTF-8 HTML."""
    return text_page(url, body, "text/html", *extra)


def pages_of(
    articles: list[DemoArticle], category: str, per_page: int
) -> Iterator[tuple[int, int, list[DemoArticle]]]:
    """A category's listing, newest first, as (page number, number of pages, articles)."""
    newest = [a for a in reversed(articles) if a.category == category]
    pages = max(1, -(-len(newest) // per_page))
    for page in range(1, pages + 1):
        yield page, pages, newest[(page - 1) * per_page : page * per_page]


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """One demo site: its host, display name and categories (id → name)."""

    key: str
    host: str
    name: str
    categories: dict[str, str]

    @property
    def root(self) -> str:
        return f"http://{self.host}/"


@dataclass(frozen=True, slots=True)
class DemoImage:
    """A picture shown after paragraph ``after`` (1-based); captions only on the news site."""

    after: int
    src: str
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class DemoArticle:
    """One invented article and where the demo publishes it.

    ``site``, ``title``, ``published_at``, ``author``, ``view_count`` and ``body`` are
    what extraction must give for the page at ``url``; ``byline`` is the author line
    as printed ("Theo TTXVN"), ``category`` the category id or section slug.
    """

    site: str
    id: int
    url: str
    category: str
    title: str
    published: datetime
    author: str | None
    byline: str | None
    view_count: int | None
    paragraphs: tuple[str, ...]
    image: DemoImage | None = None

    @property
    def published_at(self) -> str:
        return self.published.isoformat()

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def lead(self) -> str:
        return self.paragraphs[0]


def slugify(title: str) -> str:
    """The URL slug of a title: folded to ASCII, words joined by hyphens."""
    return _NON_SLUG.sub("-", fold(title)).strip("-")


def article_url(site: str, category: str, ident: int, title: str) -> str:
    if site == PORTAL:
        return f"http://{_raw()['sites'][site]['host']}/CMSPages/BaiViet/Default.aspx?IDBaiViet={ident}"
    return f"http://{_raw()['sites'][site]['host']}/{category}/{slugify(title)}-{ident}.html"


@cache
def _raw() -> dict[str, Any]:
    text = resources.files(__package__).joinpath(_DATA).read_text(encoding="utf-8")
    return json.loads(text)


def site_info(key: str) -> SiteInfo:
    """The demo site ``key`` (``PORTAL`` or ``NEWS``)."""
    raw = _raw()["sites"][key]
    return SiteInfo(key, raw["host"], raw["name"], dict(raw["categories"]))


def _article(raw: dict[str, Any]) -> DemoArticle:
    try:
        site, ident, category = raw["site"], int(raw["id"]), str(raw["category"])
        published = datetime.strptime(raw["published"], "%Y-%m-%d %H:%M").replace(tzinfo=VN_TZ)
        image = DemoImage(**raw["image"]) if raw.get("image") else None
        if category not in _raw()["sites"][site]["categories"]:
            raise KeyError(f"category {category}")
        return DemoArticle(
            site=site,
            id=ident,
            url=article_url(site, category, ident, raw["title"]),
            category=category,
            title=raw["title"],
            published=published,
            author=raw.get("author"),
            byline=raw.get("byline") or raw.get("author"),
            view_count=raw.get("views"),
            paragraphs=tuple(raw["paragraphs"]),
            image=image,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise InputError(f"demo data: bad article record: {error}", field=_DATA) from error


@cache
def _articles() -> tuple[DemoArticle, ...]:
    return tuple(
        sorted((_article(raw) for raw in _raw()["articles"]), key=lambda a: (a.site, a.published))
    )


def demo_articles(site: str | None = None) -> list[DemoArticle]:
    """The demo's articles (of one site if given), oldest first."""
    return [a for a in _articles() if site is None or a.site == site]
