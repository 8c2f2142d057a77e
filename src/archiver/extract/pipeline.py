"""The extraction of one page, step by step: each step reads the tree and returns a record.

:meth:`Extraction.run` reads in order: the URL may say the page is no article; the
headline (``headline``); the element holding the body (a profile's selector or
``container``); a headline found before the body when none matched the metadata; the
dates (``timestamps``); a generic body element holding too little text for any article
makes the page a listing there and then (``hubs``); the lead (``lead``), byline and view
count (``people``); the
text (``body``: paragraphs, captions, credited source; a listing or a table of data
recognised); the byline closing the text; the body with the lead once; the
:class:`~archiver.article.Article`. A site profile points each step at the right element;
without one, or when its selectors no longer match, the generic heuristics run and a
warning says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from itertools import chain

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archiver.article import Article
from archiver.extract import byline, content
from archiver.extract.body import BodyText, is_photo_story, read_body
from archiver.extract.chrome import find_chrome
from archiver.extract.container import choose_container
from archiver.extract.dom import Block, ancestors, first_match, in_any, region_of
from archiver.extract.headline import find_title, similarity, title_before, title_references
from archiver.extract.hubs import plainly_listing
from archiver.extract.lead import bold_lead_before, find_lead, lead_text, repeats
from archiver.extract.metadata import Metadata, body_paragraphs
from archiver.extract.page import Page, load_page
from archiver.extract.pagekind import furniture_title, furniture_url, is_site_home
from archiver.extract.people import PeopleStages
from archiver.extract.roles import Roles
from archiver.extract.timestamps import DATE_PARTS, Timestamps, find_timestamps
from archiver.extract.vocabulary import UNKNOWN, Part, Vocabulary
from archiver.sites import Profile, registry
from archiver.text import clean_or_none, detect_language
from archiver.urls import check_url, host_of, normalize_url

#: Bumped whenever extraction output changes, so archives know which records to re-extract.
EXTRACTOR_VERSION = "1.22"
#: An element a date was read from is taken out of the body only when it is this short.
_MAX_READ_LINE = 400
#: Characters of the body the language is judged on: a few hundred words settle it.
_LANGUAGE_SAMPLE = 1500
#: A JSON-LD articleBody replaces the shown text when it holds this many characters and the
#: shown text is less than this share of it.
_DECLARED_BODY = 400
_DECLARED_SHARE = 0.5
_WORDS = re.compile(r"\w+")
#: How many blocks opening the shown text may hold its summary, and its least length.
_SUMMARY_BLOCKS = 3
_MIN_SUMMARY = 60
#: A paragraph this long, with the headline and dated, is a news brief's text.
_BRIEF = 150
#: ... and this long where the page shows more of being one story: a video player beside
#: its headline, or its Open Graph type (a video page's one paragraph of description).
_SHORT_BRIEF = 80
#: A video player: its frame and element are cut before parsing (``page.cut_unread``), the
#: boxes holding them stay, named for them ("video-player", "jwplayer", "box_video").
_PLAYER = "[class*=player i], [id*=player i], [class*=video i], [id*=video i], video, iframe"
_PLAYER_NAME = re.compile(r"player|video", re.IGNORECASE)
#: Open Graph types given to one story's page (a listing's is "website").
_STORY_TYPES = ("article", "video")
#: Marks the elements named as dates while the date elements are listed (see ``dated``).
_DATED = "data-archiver-dated"
_FURNITURE = "page is a site's about, contact, site map or search page, not an article"
#: Microdata naming the page's headline and its summary.
_HEADLINE = (Part("[itemprop=headline]", names=("itemprop",)),)
_DESCRIPTION = (Part("[itemprop=description]", names=("itemprop",)),)
_LISTING = "page looks like a listing of articles, not an article"


def _linked(node: LexborNode) -> bool:
    """``node`` is inside a link (a teaser's headline or sapo)."""
    return any(parent.tag == "a" for parent in ancestors(node))


def _holds_any(region: LexborNode, nodes: Iterable[LexborNode]) -> bool:
    """``region`` holds one of ``nodes`` (or is one). Their ancestors are walked up once: a
    walk stops at an element an earlier walk passed, which was not inside ``region``."""
    target = region.mem_id
    passed: set[int] = set()
    for node in nodes:
        for step in chain((node,), ancestors(node)):
            mem_id = step.mem_id
            if mem_id == target:
                return True
            if mem_id in passed:
                break
            passed.add(mem_id)
    return False


def extract(
    html: bytes | str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    fetched_at: datetime | None = None,
    profile: Profile | str | None = None,
    main_text: bool = False,
) -> Article:
    """Turn one page into an :class:`~archiver.article.Article`; never raises on bad markup.

    ``headers`` are the HTTP response headers (their charset is honoured);
    ``profile`` forces a site profile (an object or a profile name) instead of
    choosing one by URL and markup. ``main_text`` asks for the text of the page's main
    element whatever the page is: a page that looks like a listing, a table of data, a
    site's home or its "about" page still gives its text (a warning says what it looks
    like). A crawl leaves it off, so that the archive holds articles only. A ``url`` that
    cannot be parsed at all (``http://[::1``) raises :class:`~archiver.errors.InputError`.
    """
    check_url(url)
    return extract_page(
        load_page(html, headers), url, fetched_at=fetched_at, profile=profile, main_text=main_text
    )


def extract_page(
    page: Page,
    url: str,
    *,
    fetched_at: datetime | None = None,
    profile: Profile | str | None = None,
    main_text: bool = False,
) -> Article:
    """:func:`~archiver.extract.extract` for a page already loaded with
    :func:`~archiver.extract.load_page` (the crawler reads its links from the same parsed
    tree first). Extraction consumes the tree: load it again to extract twice.
    """
    tree = page.tree
    if isinstance(profile, str):
        profile = registry().get(profile)
    elif profile is None:
        profile = registry().for_page(url, tree)
    warnings = list(page.warnings)
    return Extraction(
        tree,
        url,
        page.meta,
        profile,
        fetched_at,
        warnings,
        main_text=main_text,
        vocabulary=page.vocabulary,
    ).run()


def url_refusal(
    url: str, profile: Profile | None, normalized: Callable[[], str] | None = None
) -> str | None:
    """Why the URL alone shows the page is no article: a site's home, its about, contact,
    site-map or search page, a URL ``profile`` says is a listing; None when it does not
    (``normalized``: the URL normalised, when the caller has it). A page so refused is no
    article whatever it holds (unless text is asked for anyway, ``main_text``): the crawl,
    which keeps articles only, does not extract it at all."""
    if is_site_home(url):
        return "page is a site's home page, not an article"
    if furniture_url(url):
        return _FURNITURE
    if profile is not None:
        kind = profile.url_kind(normalized() if normalized is not None else normalize_url(url))
        if kind == "listing":
            return f"profile {profile.name}: URL is a listing page, not an article"
    return None


# --- what each step finds -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Headline:
    text: str | None
    node: LexborNode | None
    source: str  # "profile", or where the generic search found it


@dataclass(frozen=True, slots=True)
class BodyElement:
    node: LexborNode | None
    source: str  # "profile" or "generic"
    #: The share of the page's paragraph text the element holds (1.0 from a profile).
    share: float


@dataclass(frozen=True, slots=True)
class Lead:
    text: str | None = None
    node: LexborNode | None = None


@dataclass(frozen=True, slots=True)
class Byline:
    raw: str | None = None
    name: str | None = None
    node: LexborNode | None = None


@dataclass(frozen=True, slots=True)
class Views:
    count: int | None = None
    node: LexborNode | None = None


@dataclass(frozen=True, slots=True)
class Reading:
    """The body element read as text: its blocks, captions and credited source."""

    blocks: list[Block] = field(default_factory=list)
    text: BodyText = field(default_factory=BodyText)
    #: A body element was found but holds no article text: the page lists articles.
    listing: bool = False
    #: The lead is the page's whole text (a brief's, a video page's: see ``brief``).
    lead_only: bool = False


@dataclass(frozen=True, slots=True)
class BriefScene:
    """Where a brief's text would stand (see :meth:`Extraction.brief`)."""

    #: The headline is set in an element of its own, holding no teaser, with the body.
    region: bool = False
    #: The lead, when it stands in that element and in no link.
    lead: str | None = None
    #: The page shows more of being one story (see :meth:`Extraction.own_story`).
    own_story: bool = False


@dataclass(frozen=True, slots=True)
class Body:
    text: str | None
    lead: str | None


class Extraction(PeopleStages):
    """One page's extraction: the steps share the parsed tree and what they found.

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
        *,
        main_text: bool = False,
        vocabulary: Vocabulary = UNKNOWN,
    ) -> None:
        self.tree = tree
        #: What the page's markup holds: queries for names it never uses are not run.
        self.vocabulary = vocabulary
        self.url = url
        self.meta = meta
        self.profile = profile
        self.fetched_at = fetched_at
        self.warnings = warnings
        host = host_of(url)
        self.site = profile.name if profile else host or None
        self.selectors = profile.selectors if profile else None
        self.title_node: LexborNode | None = None
        #: Give the main element's text even on a page that is no article (``extract``).
        self.main_text = main_text
        self.byline_credit: str | None = None
        #: Children of a generic body element that are not article text (see ``container``).
        self.beside_text: list[LexborNode] = []
        #: What :meth:`_generic_noise` found, by the body element's id.
        self._noise_of: dict[int, tuple[set[int], list[LexborNode], list[LexborNode]]] = {}
        #: What :meth:`brief_region` found, by the headline's and the body element's ids.
        self._brief_regions: dict[tuple[int, int], bool] = {}
        self.outlets = [
            *(profile.outlets if profile else ()),
            *((profile.display_name,) if profile and profile.display_name else ()),
            *(meta.publishers),
            meta.site_name or "",
            host.split(".")[0] if host else "",
            # The whole host too: a writer signs "Thu Hà/VOV.VN" on vov.vn, whose first label
            # ("vov") is too short to be compared as part of a name.
            host,
        ]

    def run(self) -> Article:
        refusal = self.refusal_by_url()
        if refusal is not None:
            if not self.main_text:
                return self.not_article(refusal)
            self.warnings.append(refusal)
        headline = self.headline()
        element = self.body_element()
        headline = self.headline_before_body(headline, element)
        anchor = headline.node or element.node
        times = self.timestamps(anchor)
        if times.published is None and furniture_title(headline.text):
            if not self.main_text:
                return self.not_article(_FURNITURE)
            self.warnings.append(_FURNITURE)
        if self.plainly_listing(element, headline, times):
            return self.listing(headline, times)
        lead = self.lead(anchor, element.node)
        credit = self.byline(element)
        views = self.views(anchor, element)
        reading = self.reading(element, headline, times, (lead, credit, views))
        reading, credit = self.closing_lines(reading, credit, views)
        body = self.body(reading, lead, element)
        reading, body = self.declared_body(reading, body)
        return self.article(headline, times, credit, views, reading, body)

    # --- the steps, in order --------------------------------------------------------------

    def refusal_by_url(self) -> str | None:
        """Why the URL alone shows the page is no article (see :func:`url_refusal`)."""
        return url_refusal(self.url, self.profile, lambda: self.normalized_url)

    def headline(self) -> Headline:
        text, node, source = find_title(
            self.tree,
            self.meta,
            selectors=self._profile_says("title"),
            site_names=self.outlets,
            titled=self._titled,
        )
        self.title_node = node
        if self._profile_says("title") and source != "profile":
            self._warn_fallback("title")
        return Headline(text, node, source)

    def body_element(self) -> BodyElement:
        selectors = self._profile_says("body")
        if selectors:
            node = first_match(self.tree, selectors)
            if node is not None:
                return BodyElement(node, "profile", 1.0)
            self._warn_fallback("body")
        choice = choose_container(
            self.tree, self.chrome_ids, content.node_ids(self.teasers), self.title_node
        )
        self.beside_text = choice.excluded
        return BodyElement(choice.node, "generic", choice.share)

    def headline_before_body(self, headline: Headline, element: BodyElement) -> Headline:
        """No headline matched the metadata: the heading just before the body is one."""
        if headline.node is not None or element.node is None:
            return headline
        references = title_references(self.meta, self.outlets)
        found = title_before(self.tree, element.node, references, self.chrome_ids)
        if found is None:
            return headline
        text, node = found
        self.title_node = node
        return Headline(text, node, "before body")

    def timestamps(self, anchor: LexborNode | None) -> Timestamps:
        profile = self.profile
        times = find_timestamps(
            self.tree,
            self.meta,
            anchor=anchor,
            chrome_ids=lambda: self.date_chrome_ids,
            dated=self.dated,
            selectors=self._profile_says("date"),
            updated_selectors=self._profile_says("updated"),
            formats=profile.date_formats if profile else (),
            order=profile.date_order if profile else "DMY",
            now=self.fetched_at,
        )
        if times.selectors_missed:
            self._warn_fallback("date", "no date")
        self.warnings.extend(times.warnings)
        return times

    def plainly_listing(self, element: BodyElement, headline: Headline, times: Timestamps) -> bool:
        """The generic body element holds too little text for any article: the page lists
        articles whatever its lead, byline and paragraphs (see :mod:`archiver.extract.hubs`)."""
        container = element.node
        if self.main_text or element.source != "generic" or container is None or self.one_article:
            return False
        dated = times.published is not None
        # The exception :meth:`reading` makes to a listing's rules from its paragraphs (a
        # dated brief): no early decision where one may stand.
        if dated and self.brief_region(headline, container):
            return False
        return plainly_listing(
            container,
            element.share,
            dated=dated,
            teasers=len(self.teasers),
            removed=lambda: self.certainly_removed(container, headline),
            photo_story=lambda: is_photo_story(
                container,
                region=region_of(headline.node, container) or container,
                title_node=headline.node,
                skip_ids=self.chrome_ids,
            ),
        )

    def certainly_removed(
        self, container: LexborNode, headline: Headline
    ) -> tuple[list[LexborNode], list[LexborNode | None], set[int]]:
        """What :meth:`reading` certainly takes out of a generic body element, unless it
        reads a photo story (an element holding one of its captions stays): the teasers
        (elements holding a link), and the rest (noise by tag, by the profile's "remove"
        selectors, by class and id names; cards of other articles; the children set beside
        the text; the headline); and the ids of the element and of every element under it."""
        inside, guessed, cards = self._generic_noise(container)
        others = [
            *container.css(content.NOISE_SELECTOR),
            *(node for remove in self._profile_says("remove") for node in container.css(remove)),
            *guessed,
            *cards,
            *self.beside_text,
            headline.node,
        ]
        return self.teasers, others, inside

    def listing(self, headline: Headline, times: Timestamps) -> Article:
        """The record :meth:`reading` and the steps after it give a listing, without reading
        its text: only the warnings of the steps in between are needed (the profile's author
        selectors matching no one)."""
        self._profile_byline()
        self.warnings.append(_LISTING)
        return self.article(
            headline, times, Byline(), Views(), Reading(listing=True), Body(None, None)
        )

    def lead(self, anchor: LexborNode | None, container: LexborNode | None) -> Lead:
        selectors = self._profile_says("lead")
        if selectors:
            node = first_match(self.tree, selectors)
            if node is not None:
                return Lead(lead_text(node) or None, node)
        found = Lead(
            *find_lead(
                [*self.roles["lead"], *self.vocabulary.css(self.tree, _DESCRIPTION)],
                anchor=anchor,
                container=container,
                skip_ids=self.chrome_ids,
                description=self.meta.description,
            )
        )
        if found.node is None and container is not None and not selectors:
            node = bold_lead_before(container, self.chrome_ids)
            if node is not None:
                return Lead(lead_text(node), node)
        return found

    def byline(self, element: BodyElement) -> Byline:
        return Byline(*self._byline(element.node, element.source))

    def views(self, anchor: LexborNode | None, element: BodyElement) -> Views:
        return Views(*self._views(anchor, element.node, element.source))

    def reading(
        self,
        element: BodyElement,
        headline: Headline,
        times: Timestamps,
        read: tuple[Lead, Byline, Views],
    ) -> Reading:
        """The body element's text without what other steps ``read`` from it, noise, chrome
        and teasers; nothing when it is a listing or a table of data."""
        container, generic = element.node, element.source == "generic"
        if container is None:
            return Reading()
        noise = [*container.css(content.NOISE_SELECTOR)]
        for selector in self._profile_says("remove"):
            noise.extend(container.css(selector))
        # The page-wide guesses (chrome, class names, teasers) are for a body found by the
        # generic search: inside a body the profile names, its own "remove" selectors say
        # what is noise (the guesses cut the header rows of tables there: vietnamnet, 2017).
        if generic:
            inside, guessed, cards = self._generic_noise(container)
            noise.extend(guessed)
            noise.extend(self.teasers)
            noise.extend(cards)
        else:
            # The body element's elements, listed once for the steps that ask what it holds.
            inside = content.element_ids(container)
        # (Read before the headline and the lead are taken out of the tree.)
        lead = read[0]
        scene = (
            self.brief_scene(headline, container, lead)
            if generic and times.published is not None
            else BriefScene()
        )
        # A page that says it is one article, dated, whose text is its lead alone.
        declared_lead = (
            generic
            and self.meta.declared_article
            and times.published is not None
            and lead.node is not None
            and not _linked(lead.node)
        )
        consumed = [headline.node, *(step.node for step in read)]
        # A date read from a line of mixed text: its element may hold the body as well.
        consumed += [n for n in times.nodes if len(n.text(deep=True)) <= _MAX_READ_LINE]
        noise.extend(self.beside_text)
        text = read_body(
            container,
            region=region_of(headline.node, container) or container,
            title_node=headline.node,
            title=headline.text,
            remove=[n for n in (*consumed, *noise) if n is not None],
            skip_ids=self.chrome_ids if generic else set(),
            end_markers=self.profile.end_markers if self.profile else (),
            outlets=self.outlets,
            inside=inside,
        )
        blocks = text.blocks
        dated = times.published is not None
        if not blocks and ((declared_lead and lead.text) or self.brief(scene, blocks)):
            # A brief, a video page: its one paragraph was read as the lead.
            return Reading(blocks, text, lead_only=True)
        if (
            generic
            and not self.one_article
            and content.looks_like_listing(
                container,
                blocks,
                element.share,
                dated=dated,
                teasers=len(self.teasers),
            )
            and not self.brief(scene, blocks)
        ):
            self.warnings.append(_LISTING)
            if not self.main_text:
                blocks = []
        elif generic and content.looks_like_data(blocks):
            self.warnings.append("page is a table of data, not an article")
            if not self.main_text:
                blocks = []
        return Reading(blocks, text, listing=not blocks)

    def _generic_noise(
        self, container: LexborNode
    ) -> tuple[set[int], list[LexborNode], list[LexborNode]]:
        """What the reading of a generic body element takes out of it besides teasers: the
        ids of its elements (listed once for the steps that ask what it holds; the tree does
        not change before it is read), the boxes named like chrome or noise (by class and id
        names) that are noise there, and the cards of other articles. Asked by the early
        listing decision too, and found once."""
        found = self._noise_of.get(container.mem_id)
        if found is None:
            inside = content.element_ids(container)
            guessed = content.confirmed_noise(
                container, [*self.chrome, *self.roles["noise"]], inside
            )
            found = (inside, guessed, content.find_cards(container, self.teasers))
            self._noise_of[container.mem_id] = found
        return found

    def brief_scene(self, headline: Headline, container: LexborNode, lead: Lead) -> BriefScene:
        """Where a brief's or a video page's text would stand, read before the body reading
        takes the headline and the lead out of the tree (see :meth:`brief`)."""
        if not self.brief_region(headline, container):
            return BriefScene()
        region = region_of(headline.node, container)
        assert region is not None  # (brief_region found it)
        with_lead = lead.node is not None and in_any(lead.node, {region.mem_id})
        return BriefScene(
            True,
            lead.text if with_lead and lead.node is not None and not _linked(lead.node) else None,
            self.own_story(headline, region),
        )

    def brief(self, scene: BriefScene, blocks: list[Block]) -> bool:
        """A dated news brief or video page however many teasers follow it: a paragraph of
        prose, or the lead, set with the page's headline in an element that holds no teaser
        (a listing's heading stands over its teasers, its lead story's sapo in a card with a
        link of its own). ``_BRIEF`` characters of it, or ``_SHORT_BRIEF`` when the page
        shows more of being one story (see :meth:`own_story`)."""
        if not scene.region:
            return False
        texts = [b.text for b in blocks if not b.after_link and b.link_density < 0.3]
        longest = max(len(scene.lead or ""), *map(len, texts), 0)
        if longest >= _BRIEF:
            return True
        return longest >= _SHORT_BRIEF and scene.own_story

    def own_story(self, headline: Headline, region: LexborNode) -> bool:
        """The headline, not a link, is set beside a video player, or the page's Open Graph
        type is a story's: more than a section's heading over its blurb shows."""
        if headline.node is None or _linked(headline.node) or headline.node.css_first("a[href]"):
            return False
        og_type = (self.meta.og_type or "").lower()
        if og_type.startswith(_STORY_TYPES):
            return True
        attrs = region.attributes
        named = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
        return bool(_PLAYER_NAME.search(named)) or region.css_first(_PLAYER) is not None

    def brief_region(self, headline: Headline, container: LexborNode) -> bool:
        """The page's headline is set in an element of its own inside ``container`` that
        holds no teaser: where a brief's paragraph would be (see :meth:`brief`)."""
        if headline.node is None:
            return False
        key = (headline.node.mem_id, container.mem_id)
        found = self._brief_regions.get(key)
        if found is None:
            region = region_of(headline.node, container)
            found = (
                region is not None
                and region.tag not in ("body", "html", "main")
                and not _holds_any(region, self.teasers)
            )
            # (Asked before the body is read, by the early listing decision and the reading.)
            self._brief_regions[key] = found
        return found

    def closing_lines(
        self, reading: Reading, credit: Byline, views: Views
    ) -> tuple[Reading, Byline]:
        """The byline closing the text (when the header's is missing or hides co-authors),
        and view-count lines, taken out of the text."""
        blocks = reading.blocks
        signature = reading.text.signature
        if blocks and (credit.name is None or byline.is_abbreviated(credit.raw or "")):
            raw, name, rest = self._trailing_byline(blocks, credit.raw)
            if name is not None:
                credit, blocks = Byline(raw, name, credit.node), rest
            elif signature is not None:  # the line credited the outlet and signed the text
                credit = Byline(*signature)
        if views.count is None and blocks:
            blocks = self._drop_view_lines(blocks)
        return Reading(blocks, reading.text, reading.listing, reading.lead_only), credit

    def body(self, reading: Reading, lead: Lead, element: BodyElement) -> Body:
        """The lead once, then the paragraphs."""
        blocks, sapo = reading.blocks, lead.text
        paragraphs = [b.text for b in blocks]
        repeated = False
        if sapo:
            # The sapo printed again as the body's first paragraph (portals, old layouts).
            kept = [p for i, p in enumerate(paragraphs) if not (i < 3 and repeats(p, sapo))]
            repeated, paragraphs = len(kept) < len(paragraphs), kept
        if sapo is None and len(blocks) > 1 and blocks[0].bold and len(blocks[0].text) >= 60:
            # Portals set the sapo as the first, bold paragraph: it is the lead, once.
            first = paragraphs[0] if paragraphs else None
            sapo = paragraphs.pop(0) if first == blocks[0].text else None
        parts = ([sapo] if sapo else []) + paragraphs
        # (A sapo alone is a body where the profile says so, where the body element
        # printed it — a news brief of one paragraph, shown above the text too — or where
        # the page is a brief or declared article that shows only its lead.)
        shown = paragraphs or (
            sapo and (element.source == "profile" or reading.lead_only or repeated)
        )
        text = "\n\n".join(parts) if shown else None
        if reading.listing:
            return Body(None, None)
        return Body(text, sapo)

    def declared_body(self, reading: Reading, body: Body) -> tuple[Reading, Body]:
        """The text the page's JSON-LD gives as its article body, when the page shows none of
        it, a small part (a body rendered by script, a page cut after its first lines) or
        other text (less than half of its words: the wrong element was read)."""
        declared = self.meta.article_body
        if not declared or not self.meta.declared_article or self.profile is not None:
            return reading, body
        paragraphs = body_paragraphs(declared)
        length = sum(len(p) for p in paragraphs)
        shown = body.text or ""
        if length < _DECLARED_BODY:
            return reading, body
        if len(shown) >= _DECLARED_SHARE * length:
            # As long as the declared text, and the same text: the page's.
            words = set(_WORDS.findall(" ".join(paragraphs).lower()))
            if len(words & set(_WORDS.findall(shown.lower()))) >= _DECLARED_SHARE * len(words):
                return reading, body
        self.warnings.append("body read from the page's JSON-LD articleBody")
        lead = body.lead or self._shown_summary(reading.blocks)
        if lead and not any(repeats(p, lead) for p in paragraphs[:3]):
            # (The summary the page shows above the text, which the declared body leaves out.)
            return Reading([], reading.text), Body("\n\n".join([lead, *paragraphs]), lead)
        return Reading([], reading.text), Body("\n\n".join(paragraphs), None)

    def _shown_summary(self, blocks: list[Block]) -> str | None:
        """One of the first blocks shown that says what the page's description says."""
        description = self.meta.description
        if not description:
            return None
        for block in blocks[:_SUMMARY_BLOCKS]:
            if len(block.text) >= _MIN_SUMMARY and similarity(block.text, description) >= 0.8:
                return block.text
        return None

    def article(
        self,
        headline: Headline,
        times: Timestamps,
        credit: Byline,
        views: Views,
        reading: Reading,
        body: Body,
    ) -> Article:
        listing = reading.listing
        author = credit.name
        if author is None and not listing:
            author = self._metadata_author()
        if not headline.text:
            self.warnings.append("no title found")
        if not body.text:
            self.warnings.append("no article body found")
        if times.published is None and body.text:
            self.warnings.append("no publication date found")
        # A listing's dates, bylines and captions belong to the articles it lists.
        published = None if listing else times.published
        updated = None if listing else times.updated
        return Article(
            url=self.url,
            canonical_url=self._canonical_url(),
            site=self.site,
            title=headline.text,
            published_at=published.isoformat() if published else None,
            published_raw=None if listing else clean_or_none(times.published_raw),
            updated_at=updated.isoformat() if updated else None,
            author=None if listing else author,
            author_raw=None if listing else credit.raw,
            source=None if listing else reading.text.source or self.byline_credit,
            view_count=None if listing else views.count,
            body=body.text,
            captions=() if listing else tuple(c.text for c in reading.text.captions),
            language=detect_language(body.text or headline.text, sample=_LANGUAGE_SAMPLE)
            or (self.profile.language if self.profile and body.text else None),
            warnings=tuple(dict.fromkeys(self.warnings)),
            lead=body.lead,
        )

    def not_article(self, reason: str) -> Article:
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

    # --- page-wide scans, computed when a step first needs them ---------------------------

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
        return find_chrome(self.tree, named, protect, roles=self.roles, vocabulary=self.vocabulary)

    @property
    def chrome(self) -> list[LexborNode]:
        return self._chrome["chrome"]

    @property
    def one_article(self) -> bool:
        """The page is one article whatever teasers follow it: its JSON-LD describes it as
        one, or its own linked headline leads a box found as a teaser (a short post)."""
        return self.meta.declared_article or self._teaser_search[1]

    @property
    def teasers(self) -> list[LexborNode]:
        """Teasers of other articles: small boxes led by a linked headline. A box led by the
        page's own headline (a short post whose title links to itself) is the article."""
        return self._teaser_search[0]

    @cached_property
    def _teaser_search(self) -> tuple[list[LexborNode], bool]:
        """The teasers, and whether a box found as one was led by the page's own headline."""
        body = self.tree.body
        if body is None:
            return [], False
        found = content.find_teasers(body)
        if self.title_node is None or not found:
            return found, False
        own = {self.title_node.mem_id, *(n.mem_id for n in ancestors(self.title_node))}
        kept = [node for node in found if node.mem_id not in own]
        return kept, len(kept) < len(found)

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
        named = self.roles["date"]
        dates = self.vocabulary.query(DATE_PARTS)
        if not named:
            return body.css(dates) if dates else []
        # One query lists both kinds in document order: the elements named as dates are
        # marked for it.
        for node in named:
            node.attrs[_DATED] = ""
        try:
            return body.css(f"{dates}, [{_DATED}]" if dates else f"[{_DATED}]")
        finally:
            for node in named:
                if _DATED in node.attrs:  # (a node may be named twice)
                    del node.attrs[_DATED]

    def _profile_says(self, stage: str) -> tuple[str, ...]:
        return getattr(self.selectors, stage) if self.selectors is not None else ()

    def _warn_fallback(self, stage: str, found: str = "nothing") -> None:
        assert self.profile is not None
        self.warnings.append(
            f"profile {self.profile.name}: {stage} selector matched {found}; "
            "used generic extraction"
        )

    def _canonical_url(self) -> str:
        canonical = self.meta.canonical_url or self.meta.og_url
        if not canonical or canonical.strip() == self.url:
            return self.normalized_url
        return normalize_url(canonical, self.url)

    def _titled(self) -> list[LexborNode]:
        return [*self.roles["title"], *self.vocabulary.css(self.tree, _HEADLINE)]
