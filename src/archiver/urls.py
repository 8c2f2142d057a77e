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
import posixpath
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

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
# Characters that may stay unescaped in a path or query (RFC 3986 pchar and friends).
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_QUERY_SAFE = ":@!$'()*+,;/?-._~"


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
    if ":" not in netloc.rpartition("@")[2].rpartition("]")[2]:
        return None  # the fast path: no port written
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


def _canonical_path(path: str) -> str:
    if not path:
        return "/"
    trailing = path.endswith("/")
    resolved = posixpath.normpath(path)
    if resolved.startswith("//"):
        resolved = "/" + resolved.lstrip("/")
    if trailing and resolved != "/":
        resolved += "/"
    return quote(unquote(resolved), safe=_PATH_SAFE)


def normalize_url(url: str, base: str | None = None) -> str:
    """Return the canonical form of ``url`` (resolved against ``base`` if relative).

    Non-HTTP URLs (``mailto:``, ``javascript:``) come back stripped but otherwise unchanged.
    """
    url = url.strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return url
    host = (parts.hostname or "").lower().rstrip(".")
    if not host.isascii():
        # A host IDNA cannot encode (too long a label) stays as written.
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username:
        userinfo = parts.username + (f":{parts.password}" if parts.password else "")
        netloc = f"{userinfo}@{netloc}"
    params = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_param(key)
    ]
    params.sort(key=lambda kv: kv[0])
    query = urlencode(params, quote_via=quote, safe=_QUERY_SAFE)
    return urlunsplit((scheme, netloc, _canonical_path(parts.path), query, ""))
