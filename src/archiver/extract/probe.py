"""Profile checking: which of a profile's selectors match a page, and what each one reads.

For people writing site profiles (``archiver sites check``): every selector of
every field is tried on the cleaned page the extractor sees, and the record the
extractor then produces is kept beside it, so its warnings show where the
generic fallback ran.

    >>> report = check_page(html, "https://vnexpress.net/abc-4220047.html")
    >>> [(f.name, f.chosen.selector if f.chosen else None) for f in report.fields]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from selectolax.lexbor import LexborNode

from archiver.article import Article
from archiver.extract import byline, extract
from archiver.extract.dom import first_match, text_of
from archiver.extract.page import load_page
from archiver.extract.timestamps import element_date
from archiver.sites import Profile, registry
from archiver.sites.profile import SELECTOR_FIELDS
from archiver.urls import host_of, normalize_url

_TEXT_FIELDS = frozenset({"title", "lead", "body"})
_DATE_FIELDS = frozenset({"date", "updated"})


@dataclass(frozen=True, slots=True)
class SelectorResult:
    """One selector on one page: how many elements it matched and what the field reads there.

    ``text`` is the first non-empty match; ``value`` what the field makes of it (the
    title, an ISO date, a person's name, a count), None when nothing usable matched.
    """

    selector: str
    matches: int
    text: str | None
    value: str | None


@dataclass(frozen=True, slots=True)
class FieldCheck:
    name: str
    results: tuple[SelectorResult, ...]
    #: The warning the extractor gave when this field fell back to generic extraction.
    fallback: str | None = None

    @property
    def chosen(self) -> SelectorResult | None:
        """The selector whose match the extractor uses: the first one with a usable value
        (for bylines, one that does not abbreviate co-authors, if any does)."""
        usable = [r for r in self.results if r.value is not None]
        if self.name == "author":
            usable.sort(key=lambda r: byline.is_abbreviated(r.text or ""))
        return usable[0] if usable else None


@dataclass(frozen=True, slots=True)
class PageCheck:
    profile: Profile | None
    found_by: str  # "forced", "host", "fingerprint" or "none"
    url_kind: str | None
    fields: tuple[FieldCheck, ...]
    article: Article


def check_page(
    html: bytes | str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    fetched_at: datetime | None = None,
    profile: Profile | str | None = None,
) -> PageCheck:
    """Try every selector of the page's profile (or the one given) and extract the page."""
    page = load_page(html, headers)
    if isinstance(profile, str):
        profile = registry().get(profile)
    found_by = "forced" if profile is not None else "none"
    if profile is None:
        profile = registry().for_page(url, page.tree)
        if profile is not None:
            found_by = "host" if profile.matches_host(host_of(url)) else "fingerprint"
    article = extract(html, url, headers=headers, fetched_at=fetched_at, profile=profile)
    if profile is None:
        return PageCheck(None, found_by, None, (), article)
    # Removal happens inside the body only: count what each remove selector would take there.
    body = first_match(page.tree, profile.selectors.body) or page.tree
    fields = []
    for name in SELECTOR_FIELDS:
        scope = body if name == "remove" else page.tree
        results = tuple(
            _try(scope.css(selector), selector, name, profile, fetched_at)
            for selector in getattr(profile.selectors, name)
        )
        prefix = f"profile {profile.name}: {name} selector"
        fallback = next((w for w in article.warnings if w.startswith(prefix)), None)
        fields.append(FieldCheck(name, results, fallback))
    kind = profile.url_kind(normalize_url(url))
    return PageCheck(profile, found_by, kind, tuple(fields), article)


def _try(
    nodes: list[LexborNode],
    selector: str,
    field: str,
    profile: Profile,
    now: datetime | None,
) -> SelectorResult:
    if field == "remove":
        text = next((t for t in map(text_of, nodes) if t), None)
        removed = f"{len(nodes)} removed" if nodes else None
        return SelectorResult(selector, len(nodes), text, removed)
    first_text: str | None = None
    held: SelectorResult | None = None  # "A và 1 tác giả khác": used only if nothing better
    for node in nodes:
        text = text_of(node)
        if not text and field not in _DATE_FIELDS:
            continue
        first_text = first_text or text or None
        value = _read(node, text, field, profile, now)
        if value is None:
            continue
        result = SelectorResult(selector, len(nodes), text or None, value)
        if field != "author" or not byline.is_abbreviated(text):
            return result
        held = held or result
    return held or SelectorResult(selector, len(nodes), first_text, None)


def _read(
    node: LexborNode, text: str, field: str, profile: Profile, now: datetime | None
) -> str | None:
    """What ``field`` reads from one matched element, the way the extractor reads it."""
    if field in _TEXT_FIELDS:
        return text
    if field in _DATE_FIELDS:
        parsed = element_date(
            node, text, now=now, order=profile.date_order, formats=profile.date_formats
        )
        return parsed.value.isoformat() if parsed is not None else None
    if field == "author":
        outlets = (*profile.outlets, profile.display_name)
        return byline.parse_byline(text, outlets=outlets)
    count = byline.count_in_element(text)
    return str(count) if count is not None else None
