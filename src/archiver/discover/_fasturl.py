"""A fast path to ``normalize_url`` for the plain URLs that make up most links.

``archiver.urls.normalize_url`` costs ~30 µs a call; a listing page holds hundreds of
links and a news sitemap 50,000. Most of them are already canonical: ``https://host/a-b-1.html``
or ``/a-b-1.html`` with no query, escape, dot segment or upper-case host. For those the
result is known without parsing; every other URL goes to ``normalize_url``, cached for the
links of pages (menus repeat on every page of a site) but not for the entries of sitemaps
and feeds (``cache=False``): each is listed once, and 50,000 of them would fill the cache
with URLs never asked for again (25 MB in each parsing worker of a crawl that read 50
sitemaps of 2,000 URLs). tests/test_discover_links.py checks that both paths agree on
generated URLs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from archiver.urls import normalize_url, plain_path, plain_url

_PLAIN_PATH = re.compile(r"/[A-Za-z0-9_~.,/-]*")
_PLAIN_RELATIVE = re.compile(r"[A-Za-z0-9_~,-][A-Za-z0-9_~.,/-]*")


@lru_cache(maxsize=65536)
def _normalize_cached(href: str, base: str | None) -> str:
    return normalize_url(href, base)


class Origin:
    """What the fast path needs to know of a base URL: its origin and its directory."""

    __slots__ = ("directory", "origin")

    def __init__(self, base: str) -> None:
        parts = urlsplit(normalize_url(base))
        self.origin = f"{parts.scheme}://{parts.netloc}"
        directory = parts.path[: parts.path.rfind("/") + 1] or "/"
        # Document-relative links take the fast path only under a plain directory.
        self.directory = directory if _PLAIN_PATH.fullmatch(directory) else None


def normalize(
    href: str, base: str | None = None, origin: Origin | None = None, *, cache: bool = True
) -> str:
    """``normalize_url(href, base)``; pass ``Origin(base)`` too when resolving many links.

    ``cache=False`` for URLs listed once (sitemap and feed entries): the slow path's
    result is then not kept.
    """
    plain = plain_url(href)
    if plain is not None:
        return plain
    if origin is not None and href:
        if href[0] == "/":
            if _PLAIN_PATH.fullmatch(href) and plain_path(href):
                return origin.origin + href
        elif origin.directory is not None and _PLAIN_RELATIVE.fullmatch(href):
            path = origin.directory + href
            if plain_path(path):
                return origin.origin + path
    return _normalize_cached(href, base) if cache else normalize_url(href, base)
