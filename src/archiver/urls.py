"""URL normalisation shared by extraction, the store and the crawler.

Two URLs that name the same page normalise to the same string:

    >>> normalize_url("HTTPS://VnExpress.net:443/a-b-123.html?utm_source=fb&zarsrc=31#box")
    'https://vnexpress.net/a-b-123.html'
    >>> normalize_url("http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?lang=vi&IDBaiViet=2931")
    'http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2931&lang=vi'

Scheme and host are lower-cased, the default port and the fragment dropped,
dot segments resolved, percent-escapes made canonical, tracking parameters
removed and the rest sorted. Parameter names keep their case: on ASP.NET
portals ``IDBaiViet`` *is* the article's identity.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import re
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

__all__ = [
    "MAX_URL_LENGTH",
    "TRACKING_PARAMS",
    "check_url",
    "explicit_port",
    "host_of",
    "is_http_url",
    "normalize_url",
]

#: Longest URL a crawl follows. Servers refuse longer request lines (Apache's default
#: limit is 8,190 bytes, nginx's 8 KiB); a longer link is a broken page, not a page.
MAX_URL_LENGTH = 8192

#: Query parameters that only say where a click came from; never part of a page's identity.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "zarsrc",
        "gidzl",
        "zlink",
        "zaloid",
        "vnn_source",
        "vnn_medium",
        "vnn_campaign",
        "itm_source",
        "itm_medium",
        "itm_campaign",
        "itm_content",
        "s_cid",
        "ref_src",
    }
)
_TRACKING_PREFIXES = ("utm_", "utm-", "__hs", "pk_", "mtm_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# In a query these mean the same escaped or not, and sites write them literally
# (?Ngay=02/07/2018): w3lib escapes them, the archive keeps them as sites write them.
_LITERAL = {"%2F": "/", "%3A": ":", "%40": "@", "%3F": "?"}
_QUERY_LITERALS = re.compile("|".join(_LITERAL), re.IGNORECASE)


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def is_http_url(url: str) -> bool:
    return urlsplit(url.strip()).scheme.lower() in _DEFAULT_PORTS


def check_url(url: str) -> str:
    """``url`` if it can be parsed, else :class:`~archiver.errors.InputError` (one line)."""
    from archiver.errors import InputError

    try:
        urlsplit(url)
        url.encode("utf-8")
    except (ValueError, TypeError, AttributeError) as error:
        raise InputError(f"not a usable URL: {error}", url=repr(url), field="url") from None
    return url


def explicit_port(url: str) -> int | None:
    """The port of an http(s) URL when it is not its scheme's default; None for the default.

    A port that is not a number (``http://h:x/``) gives -1, which no scope allows.
    """
    netloc = url.split("/", 3)[2] if url.count("/") >= 2 else ""
    address = netloc.rpartition("@")[2].rpartition("]")[2]
    if ":" not in address:
        return None  # the fast path: no port written
    written = address.rpartition(":")[2]
    scheme = url[: url.find(":")]
    if written.isascii() and written.isdigit() and scheme in _DEFAULT_PORTS:
        # A normalised URL ("http://h:8080/..."), as every link of a crawl is: no parsing.
        port = int(written)
        if port <= 65535:
            return None if port == _DEFAULT_PORTS[scheme] else port
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        return -1
    return None if port in (None, _DEFAULT_PORTS.get(parts.scheme.lower())) else port


def host_of(url: str) -> str:
    """The lower-cased host of ``url`` without port or ``www.`` prefix ("" if none)."""
    host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


#: The last URLs normalised, with their results: a crawled page's own URL is normalised by
#: each stage that reads it (its links' base, the extractor's canonical URL, the archive's
#: URL identity), 25 us each time.
_RECENT_URLS = 256


#: An http(s) URL already in its canonical form but perhaps for its port: a lower-case host
#: of plain labels, a port of digits not starting with 0 (or none), no user, query,
#: fragment or escape, a path of unreserved characters. Most links and most archived URLs
#: are such (``https://vnexpress.net/a-b-123.html``, ``http://portal.gov.vn:8080/a.html``).
_PLAIN_ABSOLUTE = re.compile(
    r"(https?)(://[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::([1-9][0-9]{0,4}))?(/[A-Za-z0-9_~.,/-]*)?"
)


def plain_path(path: str) -> bool:
    """A path of unreserved characters that normalisation leaves as it is: "//" (an empty
    segment) and "/." (a dot segment) are the only ways such a path can change."""
    return "//" not in path and "/." not in path


def plain_url(url: str) -> str | None:
    """``normalize_url(url)`` for a plain absolute URL, known without parsing; None for
    any other URL (relative, with a query, an escape, upper case...). A port is kept but
    for the scheme's default, as :func:`canonicalize` does (a site on another port, and
    every host of the crawl bench, would otherwise pay the full parsing for its own URLs)."""
    match = _PLAIN_ABSOLUTE.fullmatch(url)
    if match:
        path = match[4] or "/"
        if plain_path(path):
            port = match[3]
            if port is None:
                return match[1] + match[2] + path
            number = int(port)
            if number > 65535:
                return None  # not a port: canonicalize leaves such a URL as it is
            if number == _DEFAULT_PORTS[match[1]]:
                return match[1] + match[2] + path
            return f"{match[1]}{match[2]}:{port}{path}"
    return None


@functools.lru_cache(maxsize=_RECENT_URLS)
def normalize_url(url: str, base: str | None = None) -> str:
    """Return the canonical form of ``url`` (resolved against ``base`` if relative).

    w3lib's ``canonicalize_url`` (Scrapy's) does the canonicalisation: case of scheme
    and host, IDNA, dot segments, percent-escapes made canonical without decoding a
    reserved one in the path (``a%2fb`` stays ``a%2Fb``, another path on most servers),
    the query sorted with blank values kept, the fragment dropped. The project's rules
    come on top: tracking parameters removed (``url_query_cleaner``), the default port
    dropped, IPv6 hosts in brackets and compressed, an empty path made ``/``, a
    trailing dot of the host removed, and ``/ : @ ?`` left literal in the query.

    Non-HTTP URLs (``mailto:``, ``javascript:``) come back stripped but otherwise
    unchanged; so does a URL that cannot be parsed (``http://[::1``, a port that is not
    a number): fetching it fails, for that URL alone.
    """
    # A plain absolute URL is its own canonical form (and ``base`` does not change it):
    # about 1 us instead of 25 for the parsing below.
    return plain_url(url) or canonicalize(url, base)


def canonicalize(url: str, base: str | None = None) -> str:
    """:func:`normalize_url` without its shortcut for plain URLs: every URL parsed and
    canonicalised (the reference the shortcuts are tested against)."""
    url = url.strip()
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url
    tracking = [
        k for k, _ in parse_qsl(parts.query, keep_blank_values=True) if is_tracking_param(k)
    ]
    if tracking:
        url = url_query_cleaner(url, tracking, remove=True, keep_fragments=True)
    try:
        canonical = urlsplit(canonicalize_url(url, keep_blank_values=True))
    except (ValueError, UnicodeError):
        return url
    host = (canonical.hostname or "").rstrip(".")
    if ":" in host:
        with contextlib.suppress(ValueError):
            host = ipaddress.IPv6Address(host).compressed
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    # An empty password (or user) is dropped, as the WHATWG URL Standard does.
    userinfo = (canonical.username or "") + (f":{canonical.password}" if canonical.password else "")
    if userinfo:
        netloc = f"{userinfo}@{netloc}"
    query = _QUERY_LITERALS.sub(lambda m: _LITERAL[m.group(0).upper()], canonical.query)
    return urlunsplit((scheme, netloc, canonical.path or "/", query, ""))
