"""Site profiles: one declarative TOML file per site, checked against a schema when loaded.

A profile tells the extractor where a site puts each field and tells the
crawler where to start. Every key is optional except ``name``; a profile with
no selectors still helps (host matching, date hints, discovery). Selector lists
are tried in order (older layouts after newer ones); a field whose selectors
all miss falls back to the generic extractor with a warning. A profile that
names the body but no ``author`` (or ``view_count``) selector says the site
prints no byline (or view count): the page-wide searches for them are skipped. Example::

    name = "vnexpress"
    display_name = "VnExpress"
    hosts = ["vnexpress.net"]
    outlets = ["VnExpress"]             # names that are never a person's byline

    [urls]
    article = ['-\\d{7,}\\.html$']        # regexes on the normalised URL
    listing = ['^https://vnexpress\\.net/[a-z-]+$']

    [selectors]                          # CSS; the first selector that matches wins
    title = ["h1.title-detail"]
    lead = ["p.description"]
    body = ["article.fck_detail"]
    date = ["span.date"]
    author = ["article.fck_detail p[style*=right] strong"]
    remove = ["figure", ".box_embed_video"]

    [dates]
    formats = ["%d-%m-%Y - %I:%M %p"]    # strptime hints, tried first
    order = "DMY"                        # or "MDY" for US-order portals

    [discovery]
    feeds = ["https://vnexpress.net/rss/tin-moi-nhat.rss"]
    sitemaps = ["https://vnexpress.net/sitemap.xml"]
    listings = ["https://vnexpress.net/thoi-su"]
    date_archive = "https://example.gov.vn/XemTheoNgay.aspx?ngay={dd}/{mm}/{yyyy}"

    [fingerprint]                        # recognise the same CMS on any host
    urls = ['/CMSPages/BaiViet/Default\\.aspx\\?IDBaiViet=\\d+']
    html = ["form#aspnetForm"]

    [crawl]
    delay = 2.0
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from archiver.dates import ORDERS, validate_format
from archiver.errors import ProfileError
from archiver.urls import is_http_url

SELECTOR_FIELDS = ("title", "lead", "body", "date", "updated", "author", "view_count", "remove")
_SECTIONS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "": {
        "name": str,
        "display_name": str,
        "description": str,
        "hosts": list,
        "outlets": list,
        "language": str,
        "end_markers": list,
        "urls": dict,
        "selectors": dict,
        "dates": dict,
        "discovery": dict,
        "fingerprint": dict,
        "crawl": dict,
    },
    "urls": {"article": list, "listing": list, "ignore": list},
    "selectors": dict.fromkeys(SELECTOR_FIELDS, list),
    "dates": {"formats": list, "order": str},
    "discovery": {
        "feeds": list,
        "sitemaps": list,
        "listings": list,
        "date_archive": str,
        "date_archive_start": str,
        "seeds": list,
    },
    "fingerprint": {"urls": list, "html": list},
    "crawl": {"delay": (int, float), "per_host": int, "user_agent": str, "max_pages": int},
}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")
_PROBE = LexborHTMLParser("<html><body></body></html>")


@dataclass(frozen=True, slots=True)
class Selectors:
    title: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    view_count: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Discovery:
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    seeds: tuple[str, ...] = ()
    date_archive: str | None = None
    date_archive_start: str | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    """A site profile, validated. Regexes are compiled; selectors checked for syntax."""

    name: str
    display_name: str = ""
    description: str = ""
    hosts: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    language: str = "vi"
    end_markers: tuple[str, ...] = ()
    article_urls: tuple[re.Pattern[str], ...] = ()
    listing_urls: tuple[re.Pattern[str], ...] = ()
    ignore_urls: tuple[re.Pattern[str], ...] = ()
    selectors: Selectors = field(default_factory=Selectors)
    date_formats: tuple[str, ...] = ()
    date_order: str = "DMY"
    discovery: Discovery = field(default_factory=Discovery)
    fingerprint_urls: tuple[re.Pattern[str], ...] = ()
    fingerprint_html: tuple[str, ...] = ()
    crawl: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    def matches_host(self, host: str) -> bool:
        return self.host_match(host) > 0

    def host_match(self, host: str) -> int:
        """The length of the longest of the profile's hosts that covers ``host`` (0 if none):
        the more specific profile wins (e.vnexpress.net over vnexpress.net)."""
        host = host.lower()
        return max((len(h) for h in self.hosts if host == h or host.endswith("." + h)), default=0)

    def url_kind(self, url: str) -> str | None:
        """ "article", "listing", "ignore" or None when the profile's URL patterns don't say."""
        if any(p.search(url) for p in self.ignore_urls):
            return "ignore"
        if any(p.search(url) for p in self.article_urls):
            return "article"
        if any(p.search(url) for p in self.listing_urls):
            return "listing"
        return None


def load_profile(path: str | Path) -> Profile:
    """Read and validate one profile file; raise :class:`ProfileError` naming the file and the
    bad field ("sites/x.toml: bad CSS selector 'h1[[' (site=x, field=selectors.title)")."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read profile: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: profile is not valid TOML: {exc}") from exc
    try:
        return profile_from_dict(data, source=str(path))
    except ProfileError as exc:
        raise ProfileError(f"{path}: {exc.message}", site=exc.site, field=exc.field) from exc


def profile_from_dict(data: dict[str, Any], *, source: str = "<dict>") -> Profile:
    site = str(data.get("name") or Path(source).stem)
    _check_section(data, "", site)
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ProfileError(
            "profile needs a 'name' of lower-case letters, digits, '-' or '_'",
            site=site,
            field="name",
        )
    for section in ("urls", "selectors", "dates", "discovery", "fingerprint", "crawl"):
        _check_section(data.get(section, {}), section, site)
    urls = data.get("urls", {})
    sel = data.get("selectors", {})
    dates = data.get("dates", {})
    disc = data.get("discovery", {})
    fp = data.get("fingerprint", {})
    order = dates.get("order", "DMY")
    if order not in ORDERS:
        raise ProfileError("dates.order must be 'DMY' or 'MDY'", site=site, field="dates.order")
    selectors = Selectors(
        **{key: _selectors(sel.get(key, []), site, f"selectors.{key}") for key in SELECTOR_FIELDS}
    )
    hosts = tuple(h.lower().removeprefix("www.") for h in _strings(data, "hosts", site))
    for host in hosts:
        if not _HOST.match(host):
            raise ProfileError(
                f"hosts are bare host names like 'vnexpress.net', not {host!r}",
                site=site,
                field="hosts",
            )
    formats = _strings(dates, "formats", site, "dates.")
    for fmt in formats:
        try:
            validate_format(fmt)
        except ProfileError as exc:
            raise ProfileError(exc.message, site=site, field="dates.formats") from exc
    for key in ("feeds", "sitemaps", "listings", "seeds", "date_archive"):
        values = disc.get(key, [])
        for url in [values] if isinstance(values, str) else values:
            if not isinstance(url, str) or not is_http_url(url):
                raise ProfileError(
                    f"must be http(s) URLs, not {url!r}", site=site, field=f"discovery.{key}"
                )
    return Profile(
        name=name,
        display_name=data.get("display_name", name),
        description=data.get("description", ""),
        hosts=hosts,
        outlets=_strings(data, "outlets", site),
        language=data.get("language", "vi"),
        end_markers=_strings(data, "end_markers", site),
        article_urls=_regexes(urls.get("article", []), site, "urls.article"),
        listing_urls=_regexes(urls.get("listing", []), site, "urls.listing"),
        ignore_urls=_regexes(urls.get("ignore", []), site, "urls.ignore"),
        selectors=selectors,
        date_formats=formats,
        date_order=order,
        discovery=Discovery(
            feeds=_strings(disc, "feeds", site, "discovery."),
            sitemaps=_strings(disc, "sitemaps", site, "discovery."),
            listings=_strings(disc, "listings", site, "discovery."),
            seeds=_strings(disc, "seeds", site, "discovery."),
            date_archive=disc.get("date_archive"),
            date_archive_start=disc.get("date_archive_start"),
        ),
        fingerprint_urls=_regexes(fp.get("urls", []), site, "fingerprint.urls"),
        fingerprint_html=_selectors(fp.get("html", []), site, "fingerprint.html"),
        crawl=dict(data.get("crawl", {})),
        source=source,
    )


def _check_section(data: Any, section: str, site: str) -> None:
    where = f"{section}." if section else ""
    if not isinstance(data, dict):
        raise ProfileError(f"[{section}] must be a table", site=site, field=section)
    schema = _SECTIONS[section]
    for key, value in data.items():
        if key not in schema:
            known = ", ".join(sorted(schema))
            raise ProfileError(f"unknown key (known: {known})", site=site, field=f"{where}{key}")
        expected = schema[key]
        if not isinstance(value, expected) or isinstance(value, bool):
            kind = expected.__name__ if isinstance(expected, type) else "number"
            raise ProfileError(f"must be a {kind}", site=site, field=f"{where}{key}")


def _strings(data: dict[str, Any], key: str, site: str, prefix: str = "") -> tuple[str, ...]:
    values = data.get(key, [])
    if not all(isinstance(v, str) for v in values):
        raise ProfileError("must be a list of strings", site=site, field=f"{prefix}{key}")
    return tuple(values)


def _regexes(values: list[Any], site: str, field_name: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for value in values:
        if not isinstance(value, str):
            raise ProfileError("must be a list of strings", site=site, field=field_name)
        try:
            compiled.append(re.compile(value))
        except re.error as exc:
            raise ProfileError(
                f"bad regular expression {value!r}: {exc}", site=site, field=field_name
            ) from exc
    return tuple(compiled)


def _selectors(values: list[Any], site: str, field_name: str) -> tuple[str, ...]:
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise ProfileError("must be a list of CSS selectors", site=site, field=field_name)
        try:
            _PROBE.css(value)
        except Exception as exc:  # selectolax raises plain errors for bad selectors
            raise ProfileError(f"bad CSS selector {value!r}", site=site, field=field_name) from exc
    return tuple(values)
