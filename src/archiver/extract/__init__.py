"""Extraction: the bytes of one page and its URL in, an :class:`~archiver.article.Article` out.

Pure and synchronous: no network, no files, no clock unless ``fetched_at`` is
omitted (relative dates such as "2 giờ trước" then resolve against now).

    >>> article = extract(html_bytes, "https://vnexpress.net/abc-4220047.html")
    >>> article.title, article.published_at

The stages, each in its own module: decode, cut what no reader sees, parse, read
metadata and clean (``page``, ``dom``, ``metadata``, ``chrome``); what kind of page it
is (``pagekind``); title (``headline``); dates (``timestamps``); the body's element
(``container``, without a profile), its text, lead, captions and credited source
(``content``, ``body``, ``captions``); author, source and view count (``people``,
``byline``, ``outlets``). A site profile (``archiver.sites``) points each stage at the
right element; without one, or when its selectors no longer match, the generic
heuristics run and a warning says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cached_property

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver.article import Article
from archiver.extract import byline, content
from archiver.extract.body import BodyText, read_body
from archiver.extract.chrome import find_chrome
from archiver.extract.container import choose_container
from archiver.extract.dom import Block, first_match, region_of
from archiver.extract.headline import _references, find_title, title_before
from archiver.extract.metadata import Metadata
from archiver.extract.page import MAX_HTML_CHARS, Page, load_page
from archiver.extract.pagekind import furniture_title, furniture_url, is_site_home
from archiver.extract.people import PeopleStages
from archiver.extract.roles import Roles
from archiver.extract.timestamps import DATE_SELECTOR, find_timestamps
from archiver.sites import Profile, registry
from archiver.text import clean_or_none, detect_language
from archiver.urls import check_url, host_of, normalize_url

__all__ = ["EXTRACTOR_VERSION", "MAX_HTML_CHARS", "Page", "extract", "extract_page", "load_page"]

#: Bumped whenever extraction output changes, so archives know which records to re-extract.
EXTRACTOR_VERSION = "1.2"
#: An element a date was read from is taken out of the body only when it is this short.
_MAX_READ_LINE = 400
#: Characters of the body the language is judged on: a few hundred words settle it.
_LANGUAGE_SAMPLE = 1500


def extract(
    html: bytes | str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    fetched_at: datetime | None = None,
    profile: Profile | str | None = None,
) -> Article:
    """Turn one page into an :class:`Article`; never raises on bad markup.

    ``headers`` are the HTTP response headers (their charset is honoured);
    ``profile`` forces a site profile (an object or a profile name) instead of
    choosing one by URL and markup. A ``url`` that cannot be parsed at all
    (``http://[::1``) raises :class:`~archiver.errors.InputError`.
    """
    check_url(url)
    return extract_page(load_page(html, headers), url, fetched_at=fetched_at, profile=profile)


def extract_page(
    page: Page,
    url: str,
    *,
    fetched_at: datetime | None = None,
    profile: Profile | str | None = None,
) -> Article:
    """:func:`extract` for a page already loaded with :func:`load_page` (the crawler reads its
    links from the same parsed tree first). Extraction consumes the tree: load it again to
    extract twice.
    """
    tree = page.tree
    if isinstance(profile, str):
        profile = registry().get(profile)
    elif profile is None:
        profile = registry().for_page(url, tree)
    return _Extraction(tree, url, page.meta, profile, fetched_at, list(page.warnings)).run()


class _Extraction(PeopleStages):
    """One page's extraction: the stages share the parsed tree and what they found.

    Page-wide scans (class-name roles, chrome) are computed lazily: when a
    profile's selectors find every field, they never run.
    """

    def __init__(
        self,
        tree: LexborHTMLParser,
        url: str,
        meta: Metadata,
        profile: Profile | None,
        fetched_at: datetime | None,
        warnings: list[str],
    ) -> None:
        self.tree = tree
        self.url = url
        self.meta = meta
        self.profile = profile
        self.fetched_at = fetched_at
        self.warnings = warnings
        host = host_of(url)
        self.site = profile.name if profile else host or None
        self.selectors = profile.selectors if profile else None
        self.title_node: LexborNode | None = None
        self.byline_credit: str | None = None
        #: Children of a generic body element that are not article text (see ``container``).
        self.beside_text: list[LexborNode] = []
        self.outlets = [
            *(profile.outlets if profile else ()),
            *((profile.display_name,) if profile and profile.display_name else ()),
            *(meta.publishers),
            meta.site_name or "",
            host.split(".")[0] if host else "",
        ]

    @cached_property
    def normalized_url(self) -> str:
        return normalize_url(self.url)

    @cached_property
    def roles(self) -> Roles:
        body = self.tree.body
        return Roles(body.css("[class], [id]") if body is not None else [])

    @cached_property
    def _chrome(self) -> dict[str, list[LexborNode]]:
        """Page chrome, and the narrower kind that may show "today" (site headers, sidebars)."""
        protect = [self.title_node] if self.title_node is not None else []
        named = {kind: self.roles[kind] for kind in ("chrome", "date_chrome")}
        return find_chrome(self.tree, named, protect)

    @property
    def chrome(self) -> list[LexborNode]:
        return self._chrome["chrome"]

    @cached_property
    def teasers(self) -> list[LexborNode]:
        """Teasers of other articles: small boxes led by a linked headline."""
        body = self.tree.body
        return content.find_teasers(body) if body is not None else []

    @cached_property
    def chrome_ids(self) -> set[int]:
        return content.node_ids(self.chrome)

    @cached_property
    def date_chrome_ids(self) -> set[int]:
        return content.node_ids(self._chrome["date_chrome"])

    def dated(self) -> list[LexborNode]:
        """Elements that may hold a date line, in document order."""
        body = self.tree.body
        if body is None:
            return []
        nodes = {n.mem_id: n for n in (*body.css(DATE_SELECTOR), *self.roles["date"])}
        if len(nodes) < 2:
            return list(nodes.values())
        position = {n.mem_id: i for i, n in enumerate(body.css("*"))}
        return sorted(nodes.values(), key=lambda n: position.get(n.mem_id, 0))

    def _profile_says(self, stage: str) -> tuple[str, ...]:
        return getattr(self.selectors, stage) if self.selectors is not None else ()

    def _warn_fallback(self, stage: str, found: str = "nothing") -> None:
        assert self.profile is not None
        self.warnings.append(
            f"profile {self.profile.name}: {stage} selector matched {found}; "
            "used generic extraction"
        )

    def run(self) -> Article:
        not_article = self._url_says_not_article()
        if not_article is not None:
            return self._not_article(not_article)
        tree, meta = self.tree, self.meta
        title, title_node, title_source = find_title(
            tree,
            meta,
            selectors=self._profile_says("title"),
            site_names=self.outlets,
            titled=self._titled,
        )
        self.title_node = title_node
        if self._profile_says("title") and title_source != "profile":
            self._warn_fallback("title")

        container, body_source, share = self._container()
        if title_node is None and container is not None:
            found = title_before(tree, container, _references(meta, self.outlets), self.chrome_ids)
            if found is not None:
                title, title_node = found
                self.title_node = title_node
        anchor = title_node or container
        times = find_timestamps(
            tree,
            meta,
            anchor=anchor,
            chrome_ids=lambda: self.date_chrome_ids,
            dated=self.dated,
            selectors=self._profile_says("date"),
            updated_selectors=self._profile_says("updated"),
            formats=self.profile.date_formats if self.profile else (),
            order=self.profile.date_order if self.profile else "DMY",
            now=self.fetched_at,
        )
        if times.selectors_missed:
            self._warn_fallback("date", "no date")
        self.warnings.extend(times.warnings)

        if times.published is None and furniture_title(title):
            return self._not_article(
                "page is a site's about, contact, site map or search page, not an article"
            )
        lead, lead_node = self._lead(anchor, container)
        author_raw, author, author_node = self._byline(container, body_source)
        view_count, view_node = self._views(anchor, container, body_source)

        blocks: list[Block] = []
        text = BodyText()
        if container is not None:
            noise = [*container.css(content.NOISE_SELECTOR)]
            for selector in self._profile_says("remove"):
                noise.extend(container.css(selector))
            guessed: list[LexborNode] = []  # noise judged by class and id names
            if body_source == "generic" or "_chrome" in self.__dict__:
                guessed.extend(self.chrome)
            if body_source == "generic" or "roles" in self.__dict__:
                guessed.extend(self.roles["noise"])
            noise.extend(content.confirmed_noise(container, guessed))
            if body_source == "generic" or "teasers" in self.__dict__:
                noise.extend(self.teasers)
            consumed = [title_node, lead_node, author_node, view_node]
            # A date read from a line of mixed text: its element may hold the body as well.
            consumed += [n for n in times.nodes if len(n.text(deep=True)) <= _MAX_READ_LINE]
            noise.extend(self.beside_text)
            text = read_body(
                container,
                region=region_of(title_node, container) or container,
                title_node=title_node,
                title=title,
                remove=[n for n in (*consumed, *noise) if n is not None],
                skip_ids=self.chrome_ids if body_source == "generic" else set(),
                end_markers=self.profile.end_markers if self.profile else (),
                outlets=self.outlets,
            )
            blocks = text.blocks
            if body_source == "generic" and content.looks_like_listing(
                container,
                blocks,
                share,
                dated=times.published is not None,
                teasers=len(self.teasers),
            ):
                self.warnings.append("page looks like a listing of articles, not an article")
                blocks = []
            elif body_source == "generic" and content.looks_like_data(blocks):
                self.warnings.append("page is a table of data, not an article")
                blocks = []
        listing = container is not None and not blocks
        if blocks and (author is None or byline.is_abbreviated(author_raw or "")):
            # A header byline that hides co-authors is replaced by the full one closing the text.
            raw, name, rest = self._trailing_byline(blocks, author_raw)
            if name is not None:
                author_raw, author, blocks = raw, name, rest
        if view_count is None and blocks:
            blocks = self._drop_view_lines(blocks)

        paragraphs = [b.text for b in blocks]
        if lead:
            # The sapo printed again as the body's first paragraph (portals, old layouts).
            paragraphs = [
                p for i, p in enumerate(paragraphs) if not (i < 3 and content.repeats(p, lead))
            ]
        if (
            lead is None
            and blocks
            and blocks[0].bold
            and len(blocks[0].text) >= 60
            and len(blocks) > 1
        ):
            # Portals set the sapo as the first, bold paragraph: it is the lead, once.
            lead = paragraphs.pop(0) if paragraphs and paragraphs[0] == blocks[0].text else None
        body_parts = ([lead] if lead else []) + paragraphs
        body = (
            "\n\n".join(body_parts) if paragraphs or (lead and body_source == "profile") else None
        )
        if listing:
            body = None

        if author is None and not listing:
            author = self._metadata_author()
        captions = tuple(c.text for c in text.captions)
        if listing:
            # A listing's dates and bylines belong to the articles it lists.
            author = author_raw = view_count = None
            captions = ()
            times.published = times.updated = None
            times.published_raw = None
            lead = None
        if not title:
            self.warnings.append("no title found")
        if not body:
            self.warnings.append("no article body found")
        if times.published is None and body:
            self.warnings.append("no publication date found")

        return Article(
            url=self.url,
            canonical_url=self._canonical_url(),
            site=self.site,
            title=title,
            published_at=times.published.isoformat() if times.published else None,
            published_raw=clean_or_none(times.published_raw),
            updated_at=times.updated.isoformat() if times.updated else None,
            author=author,
            author_raw=author_raw,
            source=None if listing else text.source or self.byline_credit,
            view_count=view_count,
            body=body,
            captions=captions,
            language=detect_language(body or title, sample=_LANGUAGE_SAMPLE)
            or (self.profile.language if self.profile and body else None),
            warnings=tuple(dict.fromkeys(self.warnings)),
            lead=lead,
        )

    def _canonical_url(self) -> str:
        canonical = self.meta.canonical_url or self.meta.og_url
        return normalize_url(canonical, self.url) if canonical else self.normalized_url

    def _titled(self) -> list[LexborNode]:
        return [*self.roles["title"], *self.tree.css("[itemprop=headline]")]

    def _url_says_not_article(self) -> str | None:
        """Why the URL alone shows the page is no article: a site's home, a profile's listing."""
        if is_site_home(self.url):
            return "page is a site's home page, not an article"
        if furniture_url(self.url):
            return "page is a site's about, contact, site map or search page, not an article"
        if self.profile is not None and self.profile.url_kind(self.normalized_url) == "listing":
            return f"profile {self.profile.name}: URL is a listing page, not an article"
        return None

    def _not_article(self, reason: str) -> Article:
        """The record of a home or listing page: its heading, and nothing that belongs to the
        articles it lists (their dates, bylines and teasers)."""
        # (No search for a visible title styled by class: a listing's heading is its <h1> or
        # what its metadata says.)
        title, _, _ = find_title(self.tree, self.meta, site_names=self.outlets)
        self.warnings.extend([reason, "no article body found"])
        if not title:
            self.warnings.append("no title found")
        return Article(
            url=self.url,
            canonical_url=self._canonical_url(),
            site=self.site,
            title=title,
            language=detect_language(title) if title else None,
            warnings=tuple(dict.fromkeys(self.warnings)),
        )

    # --- stages -----------------------------------------------------------------------

    def _container(self) -> tuple[LexborNode | None, str, float]:
        selectors = self._profile_says("body")
        if selectors:
            node = first_match(self.tree, selectors)
            if node is not None:
                return node, "profile", 1.0
            self._warn_fallback("body")
        choice = choose_container(self.tree, self.chrome_ids, content.node_ids(self.teasers))
        self.beside_text = choice.excluded
        return choice.node, "generic", choice.share

    def _lead(
        self, anchor: LexborNode | None, container: LexborNode | None
    ) -> tuple[str | None, LexborNode | None]:
        selectors = self._profile_says("lead")
        if selectors:
            node = first_match(self.tree, selectors)
            if node is not None:
                return content.lead_text(node) or None, node
        return content.find_lead(
            [*self.roles["lead"], *self.tree.css("[itemprop=description]")],
            anchor=anchor,
            container=container,
            skip_ids=self.chrome_ids,
            description=self.meta.description,
        )
