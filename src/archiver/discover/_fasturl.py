"""A fast path to ``normalize_url`` for the plain URLs that make up most links.

``archiver.urls.normalize_url`` costs ~30 µs a call; a listing page holds hundreds of
links and a news sitemap 50,000. Most of them are already canonical: ``https://host/a-b-1.html``
or ``/a-b-1.html`` with no query, escape, dot segment or upper-case host. For those the
result is known without parsing; every other URL goes to ``normalize_url`` (cached, since
menus repeat on every page of a site). tests/test_discover_links.py checks that both paths
agree on generated URLs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from archiver.urls import normalize_url

_PLAIN_ABSOLUTE = re.compile(r"(https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*)(/[A-Za-z0-9_~.,/-]*)?")
_PLAIN_PATH = re.compile(r"/[A-Za-z0-9_~.,/-]*")


@lru_cache(maxsize=65536)
def _normalize_cached(href: str, base: str | None) -> str:
    return normalize_url(href, base)


def _plain(path: str) -> bool:
    # "//" and "/." are the only ways a path of these characters can change under
    # normalisation (empty segments, dot segments).
    return "//" not in path and "/." not in path


def origin_of(base: str) -> str:
    """``scheme://host[:port]`` of a normalised base URL."""
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}"


def normalize(href: str, base: str | None = None, origin: str | None = None) -> str:
    """``normalize_url(href, base)``; pass ``origin_of(normalize_url(base))`` for speed."""
    match = _PLAIN_ABSOLUTE.fullmatch(href)
    if match:
        path = match[2] or "/"
        if _plain(path):
            return match[1] + path
    elif origin is not None and _PLAIN_PATH.fullmatch(href) and _plain(href):
        return origin + href
    return _normalize_cached(href, base)
