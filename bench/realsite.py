"""Bench pages built from the real pages in ../shared/realpages, their text varied per page.

Each host of the bench network serves one real article layout (three VnExpress pages, Dân
trí, VietNamNet 2024 and 2017, CafeF, two pages of the Hanoi information department's
portal) and a real home page as its listings (VnExpress International, Dân trí's 2019 and
2020 home pages, Kênh14). The saved markup is parsed and serialised once per layout; what
must differ from page to page becomes a slot, filled in per request:

- every paragraph of 60+ characters (``p``, and ``h2`` sapos): a paragraph drawn from a
  pool of every such paragraph of the real pages, so pages share no text beyond chance and
  neither exact nor near-duplicate detection collapses them;
- the headline (the first ``h1``, and the same words in ``<title>``, meta tags and
  JSON-LD): a real headline from the pool of listing link texts;
- the visible date lines (their own format, weekday included), every ISO 8601 time (meta,
  JSON-LD), the article id and the canonical URL;
- every link to an article of the real site: an article of this host (half of them the
  host's "most read" articles, the same on every page, half near this article), with its
  headline as link text; every other link to the real site: one of eight section listings.

Links elsewhere (CDNs, social networks) stay as saved: out of scope for both crawlers.
Inline styles and scripts of article pages are cut (never the elements) to about ``size``
bytes; listings stay as saved (150-320 KB).
Article URLs keep each site's shape (``-4420519.html``, ``-20221224095943188.htm``,
``.chn``), so site profiles and URL classifiers see what they see in the wild.

    site = RealSite.load(REALPAGES, hosts=50, size=100_000)   # None without ../shared
    site.respond(host_index, "/") -> bytes                     # a whole HTTP response
"""

from __future__ import annotations

import html
import random
import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from benchsite import http_response

ROOT = Path(__file__).resolve().parent.parent
REALPAGES = ROOT.parent / "shared" / "realpages"

OPEN, CLOSE = "\ue000", "\ue001"  # private-use characters: never in a real page
SLOT = re.compile(f"{OPEN}([A-Z])(\\d*){CLOSE}")
SECTIONS = (
    "thoi-su",
    "the-gioi",
    "kinh-doanh",
    "giai-tri",
    "the-thao",
    "phap-luat",
    "giao-duc",
    "suc-khoe",
)
#: Listing pages per section (real sites have thousands; a crawl of a few thousand pages
#: never reaches the end either way).
SECTION_PAGES = 30
ARTICLES = 1_000_000  # article ids per host
_ARTICLE_HREF = re.compile(r"(?:^|-|/)(\d{6,18})(?:-[\w-]*)?\.(?:html?|chn)(?:[#?].*)?$")
_DATE = re.compile(r"\b(\d{1,2})([/-])(\d{1,2})\2(\d{4})\b")
_TIME = re.compile(r"(?<![+\-\d:])(\d{1,2}):(\d{2})\b")  # not a zone (GMT+07:00)
_WEEKDAY = re.compile(r"(Thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|Chủ\s+nhật)", re.IGNORECASE)
_WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
ROBOTS = b"User-agent: *\nDisallow: /tim-kiem\nDisallow: /admin/\n"


@dataclass(frozen=True)
class Layout:
    """A real article page, the real home page its host lists articles with, and URL shapes."""

    article: str  # file under realpages
    listing: str
    origins: tuple[str, ...]  # hosts of the real site: links to them become this host's
    url: str  # article path; {slug} and {id}
    id_base: int
    extension: str = ""  # of section pages
    profile: str | None = None  # the archiver profile a user would name for this site


LAYOUTS = (
    Layout(
        "vnexpress.net/cong-nhan-mat-viec-chat-vat-lo-tet-4420519.html",
        "e.vnexpress.net/home-listing-2025.html",
        ("vnexpress.net", "e.vnexpress.net"),
        "/{slug}-{id}.html",
        4_400_000,
        profile="vnexpress",
    ),
    Layout(
        "dantri.com.vn/can-ho-chung-cu-di-nguoc-lan-song-cat-lo-20221224095943188.html",
        "dantri.com.vn/home-listing-son601008.html",
        ("dantri.com.vn",),
        "/kinh-doanh/{slug}-{id}.htm",
        20221224000000000,
        ".htm",
        "dantri",
    ),
    Layout(
        "more/sotttt.hanoi.gov.vn/4424088-bo-tt-tt-to-chuc-hoi-nghi-nang-cao-chat-luong-"
        "cong-tac-tham-muu-tong-hop.html",
        "dantri.com.vn/home-listing-minhduc9699.html",
        ("sotttt.hanoi.gov.vn", "dantri.com.vn"),
        "/vi/tin-tuc-su-kien/-/view_content/{id}-{slug}.html",
        4_400_000,
        ".html",
    ),
    Layout(
        "vietnamnet.vn/doi-dac-nhiem-2307418-EDITED.html",
        "dantri.com.vn/home-listing-minhduc9699.html",
        ("vietnamnet.vn", "dantri.com.vn"),
        "/{slug}-{id}.html",
        2_300_000,
        profile="vietnamnet",
    ),
    Layout(
        "cafef.vn/khi-roi-vao-be-tac-mat-phuong-huong-7-cau-noi-2018.html",
        "kenh14.vn/home-listing.html",
        ("cafef.vn", "kenh14.vn"),
        "/{slug}-{id}.chn",
        20180724000000000,
        ".chn",
        "cafef",
    ),
    Layout(
        "vnexpress.net/tuan-tra-trong-dem-am-2-do-c-4220047.html",
        "e.vnexpress.net/home-listing-2025.html",
        ("vnexpress.net", "e.vnexpress.net"),
        "/{slug}-{id}.html",
        4_200_000,
        profile="vnexpress",
    ),
    Layout(
        "more/vietnamnet.vn/lich-thi-dau-vong-loai-asian-cup-2019-cua-doi-tuyen-viet-nam-"
        "362525.html",
        "dantri.com.vn/home-listing-minhduc9699.html",
        ("vietnamnet.vn", "dantri.com.vn"),
        "/vn/the-thao/{slug}-{id}.html",
        360_000,
        profile="vietnamnet",
    ),
    Layout(
        "more/sotttt.hanoi.gov.vn/742548-nhieu-sach-hay-y-nghia-duoc-ra-mat-tai-hoi-sach-"
        "ha-noi-2015.html",
        "dantri.com.vn/home-listing-minhduc9699.html",
        ("sotttt.hanoi.gov.vn", "dantri.com.vn"),
        "/vi/tin-tuc-su-kien/-/view_content/{id}-{slug}.html",
        740_000,
        ".html",
    ),
    Layout(
        "vnexpress.net/viet-nam-du-kien-mo-lai-toan-bo-duong-bay-quoc-te-4426992.html",
        "e.vnexpress.net/home-listing-2025.html",
        ("vnexpress.net", "e.vnexpress.net"),
        "/{slug}-{id}.html",
        4_420_000,
        profile="vnexpress",
    ),
)


@dataclass
class Skeleton:
    """A page serialised once: static byte chunks between slots (kind, number)."""

    chunks: list[bytes]
    slots: list[tuple[str, int]]
    dates: list[str] = field(default_factory=list)  # format strings of the visible dates
    links: int = 0  # article link slots


def _text(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


def _longest_text_child(node) -> object | None:
    """The longest text node under ``node`` (the words of a headline, paragraph or link)."""
    texts = [c for c in node.traverse(include_text=True) if c.tag == "-text"]
    return max(texts, key=lambda c: len(c.text_content or ""), default=None)


def _text_nodes(tree) -> list:
    """The text nodes of the page's body, outside scripts, styles, titles and noscripts."""
    return [
        node
        for node in (tree.body.traverse(include_text=True) if tree.body else ())
        if node.tag == "-text"
        and node.parent is not None
        and node.parent.tag not in ("script", "style", "title", "noscript")
    ]


def _headline(tree) -> str:
    """The headline as displayed: the body text the page's title (or og:title) starts with."""
    names = [
        _text(n.attrs.get("content") or "")
        for n in tree.css("meta[property='og:title'], meta[name='twitter:title']")
    ]
    head = tree.css_first("title")
    names += [_text(head.text())] if head is not None else []
    for node in _text_nodes(tree):
        text = _text(node.text_content or "")
        if len(text) >= 15 and any(
            name == text or name.startswith((text + " -", text + " |")) for name in names
        ):
            return text
    return ""


def _date_format(text: str) -> str:
    """``Thứ ba, 25/1/2022, 06:00`` → ``{weekday}, {d}/{m}/{Y}, {H}:{M}``, padding kept."""
    title_case = any(w[0].isupper() for w in text.split()[1:2])

    def day(m: re.Match[str]) -> str:
        d = "{dd}" if len(m[1]) == 2 else "{d}"
        mo = "{mm}" if len(m[3]) == 2 else "{m}"
        return f"{d}{m[2]}{mo}{m[2]}{{Y}}"

    out = text.replace("{", "{{").replace("}", "}}")
    out = _DATE.sub(day, out)
    out = _TIME.sub(lambda m: ("{HH}" if len(m[1]) == 2 else "{H}") + ":{MM}", out)
    return _WEEKDAY.sub("{Weekday}" if title_case else "{weekday}", out)


def _section_path(section: int, page: int, extension: str) -> str:
    name = SECTIONS[section % len(SECTIONS)]
    return f"/{name}{extension}" if page <= 1 else f"/{name}/trang-{page}{extension}"


def _skeleton(raw: bytes, origins: tuple[str, ...], size: int, article: bool) -> Skeleton:
    """Parse a real page once and turn what varies into slots."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(raw.decode("utf-8", "replace"))
    mark = lambda kind, n=0: f"{OPEN}{kind}{n}{CLOSE}"  # noqa: E731
    dates: list[str] = []
    links: dict[str, int] = {}
    title = canonical = ""
    if article:
        title = _headline(tree)
        for node in _text_nodes(tree):
            if title and _text(node.text_content or "") == title:
                node.replace_with(mark("T"))
    # Every page names itself as canonical (a listing too: each section page is its own).
    for node in tree.css("link[rel=canonical], meta[property='og:url']"):
        canonical = canonical or node.attrs.get("href") or node.attrs.get("content") or ""
        node.attrs["href" if node.tag == "link" else "content"] = mark("U")
    for node in tree.css("p, h2"):
        if len(_text(node.text(deep=True))) >= 60:
            child = _longest_text_child(node)
            if child is not None and len(child.text_content or "") >= 20:
                # The length saved: a listing's teasers stay teaser-sized.
                child.replace_with(mark("P", len(_text(child.text_content or ""))))
    date_lines = [
        node
        for node in _text_nodes(tree)
        if len(_text(node.text_content or "")) <= 80 and _DATE.search(node.text_content or "")
    ]
    for node in date_lines:
        dates.append(_date_format(_text(node.text_content or "")))
        node.replace_with(mark("D", len(dates) - 1))
    origin = re.compile(
        r"^(?:https?:)?//(?:www\.)?(?:" + "|".join(re.escape(o) for o in origins) + r")(?=/|$)"
    )
    for anchor in tree.css("a[href]"):
        href = (anchor.attrs.get("href") or "").strip()
        local = origin.sub("", href)
        if local == href and re.match(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", href, re.IGNORECASE):
            continue  # another site, javascript:, mailto:, in-page anchors
        if _ARTICLE_HREF.search(local):
            slot = links.setdefault(local.split("#")[0], len(links))
            anchor.attrs["href"] = mark("A", slot)
            child = _longest_text_child(anchor)
            if child is not None and len(_text(child.text_content or "")) >= 15:
                child.replace_with(mark("L", slot))
        else:
            # Any other page of the real site: one of this host's section listings.
            anchor.attrs["href"] = mark("S", zlib.crc32(local.encode()) % len(SECTIONS))
    _trim(tree, size)
    text = tree.html or ""
    if title:
        for form in {title, html.escape(title, quote=False), html.escape(title)}:
            text = text.replace(form, mark("T"))
    text = _ISO.sub(mark("I"), text)
    if canonical and article:  # share links, JSON-LD (a listing's would be the site root)
        text = text.replace(canonical, mark("U"))
    if not article:
        text = text.replace("</body>", mark("X") + "</body>", 1)  # the pager
    chunks: list[bytes] = []
    slots: list[tuple[str, int]] = []
    last = 0
    for match in SLOT.finditer(text):
        chunks.append(text[last : match.start()].encode())
        slots.append((match[1], int(match[2] or 0)))
        last = match.end()
    chunks.append(text[last:].encode())
    return Skeleton(chunks, slots, dates, len(links))


def _trim(tree, size: int) -> None:
    """Shorten inline styles and scripts, biggest first, until the page is about ``size``."""
    if size <= 0:
        return
    over = len((tree.html or "").encode()) - size
    blocks = sorted(
        (n for n in tree.css("style, script") if not n.attrs.get("src") and n.first_child),
        key=lambda n: -len(n.first_child.text_content or ""),
    )
    for node in blocks:
        if over <= 0:
            break
        content = node.first_child.text_content or ""
        keep = max(0, len(content) - over)
        # Cut after a rule or statement, so what stays still reads as CSS or JS.
        cut = max(content.rfind("}", 0, keep), content.rfind(";", 0, keep)) + 1
        node.first_child.replace_with(content[:cut])
        over -= len(content.encode()) - len(content[:cut].encode())


class Pools:
    """Real paragraphs, headlines and URL slugs gathered from every page of the folder."""

    def __init__(self, folder: Path) -> None:
        from selectolax.lexbor import LexborHTMLParser

        paragraphs: dict[str, None] = {}
        titles: dict[str, None] = {}
        slugs: dict[str, None] = {}
        for path in sorted(folder.rglob("*.html")):
            if "MOJIBAKE" in path.name or "thu-tuong-pham-minh-chinh" in path.name:
                continue  # double-encoded text; diacritics stripped
            tree = LexborHTMLParser(path.read_bytes().decode("utf-8", "replace"))
            for node in tree.css("p"):
                text = _text(node.text(deep=True))
                if 80 <= len(text) <= 1200:
                    paragraphs[text] = None
            for anchor in tree.css("a[href]"):
                match = _ARTICLE_HREF.search(anchor.attrs.get("href") or "")
                if not match:
                    continue
                text = _text(anchor.text(deep=True))
                if 25 <= len(text) <= 160 and not text.isascii():
                    titles[text] = None
                tail = (anchor.attrs.get("href") or "").rsplit("/", 1)[-1]
                slug = re.sub(r"-?\d{6,18}-?|\.(?:html?|chn).*$", "", tail).strip("-")
                if 10 <= len(slug) <= 90:
                    slugs[slug] = None
        self.paragraphs = list(paragraphs)
        self.titles = list(titles)
        self.slugs = list(slugs)


class RealSite:
    """The pages of ``hosts`` hosts, each serving one layout of :data:`LAYOUTS`."""

    def __init__(self, folder: Path, hosts: int, size: int, sitemap: int = 0) -> None:
        self.pools = Pools(folder)
        self.hosts = hosts
        self.sitemap = sitemap
        self.articles: list[Skeleton] = []
        self.listings: dict[str, Skeleton] = {}
        for layout in LAYOUTS:
            raw = (folder / layout.article).read_bytes()
            self.articles.append(_skeleton(raw, layout.origins, size, article=True))
            if layout.listing not in self.listings:
                raw = (folder / layout.listing).read_bytes()
                self.listings[layout.listing] = _skeleton(raw, layout.origins, 0, False)
        self._patterns = [
            re.compile(
                "^"
                + re.escape(lay.url).replace(r"\{slug\}", r"[\w-]+").replace(r"\{id\}", r"(\d+)")
                + "$"
            )
            for lay in LAYOUTS
        ]

    @classmethod
    def load(cls, folder: Path = REALPAGES, **kwargs: int) -> RealSite | None:
        """The site, or None when the real pages are not there (the caller falls back)."""
        if not all(
            (folder / lay.article).exists() and (folder / lay.listing).exists() for lay in LAYOUTS
        ):
            return None
        return cls(folder, **kwargs)

    def layout(self, host: int) -> Layout:
        return LAYOUTS[host % len(LAYOUTS)]

    # --- what an article is -------------------------------------------------------------

    def article_path(self, host: int, n: int) -> str:
        layout = self.layout(host)
        slugs = self.pools.slugs
        slug = slugs[(n * 2_654_435_761 + host) % len(slugs)]
        return layout.url.format(slug=slug, id=layout.id_base + n)

    def title(self, host: int, n: int) -> str:
        titles = self.pools.titles
        return titles[(n * 40_503 + host * 7) % len(titles)]

    def when(self, n: int) -> datetime:
        # Newest first, an article every 37 minutes; hours 01-11 read the same on 12- and
        # 24-hour clocks (CafeF's "00:35 AM").
        start = datetime(2025, 6, 30) - timedelta(minutes=37 * n)
        return start.replace(hour=1 + start.hour % 11)

    # --- pages --------------------------------------------------------------------------

    def _render(self, skeleton: Skeleton, host: int, fill: dict[str, object]) -> bytes:
        out = [skeleton.chunks[0]]
        paragraphs: list[str] = fill["P"]  # type: ignore[assignment]
        links: list[int] = fill["A"]  # type: ignore[assignment]
        used = 0
        escape = html.escape
        for (kind, n), chunk in zip(skeleton.slots, skeleton.chunks[1:], strict=True):
            if kind == "P":
                value = paragraphs[used % len(paragraphs)]
                if fill.get("short") and len(value) > n:
                    value = value[: value.rfind(" ", 0, n) + 1 or n].rstrip() + "..."
                value = escape(value)
                used += 1
            elif kind == "A":
                value = self.article_path(host, links[n % len(links)])
            elif kind == "L":
                value = escape(self.title(host, links[n % len(links)]))
            elif kind == "S":
                value = _section_path(n, 1, self.layout(host).extension)
            elif kind == "D":
                value = skeleton.dates[n].format(**fill["date"])  # type: ignore[arg-type]
            else:
                value = fill.get(kind, "")  # type: ignore[assignment]
            out.append(value.encode() if isinstance(value, str) else b"")
            out.append(chunk)
        return b"".join(out)

    def _date_fields(self, when: datetime) -> dict[str, object]:
        weekday = _WEEKDAYS[when.weekday()]
        return {
            "d": when.day,
            "dd": f"{when.day:02d}",
            "m": when.month,
            "mm": f"{when.month:02d}",
            "Y": when.year,
            "H": when.hour,
            "HH": f"{when.hour:02d}",
            "MM": f"{when.minute:02d}",
            "weekday": weekday,
            "Weekday": weekday.title(),
        }

    def article_page(self, host: int, n: int, base: str) -> bytes:
        skeleton = self.articles[host % len(LAYOUTS)]
        rng = random.Random(host * 1_000_003 + n)
        count = sum(1 for kind, _ in skeleton.slots if kind == "P")
        paragraphs = rng.sample(self.pools.paragraphs, min(count, len(self.pools.paragraphs)))
        # Half the related links are the host's "most read" (the same on every page), half
        # are this article's neighbours, as in the boxes of real article pages.
        links = [(k * 7_919) % 500 if k % 2 else n + 1 + k for k in range(skeleton.links or 1)]
        when = self.when(n)
        path = self.article_path(host, n)
        fill = {
            "P": paragraphs or [""],
            "A": links,
            "T": html.escape(self.title(host, n)),
            "U": base + path,
            "I": when.strftime("%Y-%m-%dT%H:%M:%S+07:00"),
            "date": self._date_fields(when),
        }
        return self._render(skeleton, host, fill)

    def listing_page(self, host: int, section: int, page: int, url: str) -> bytes:
        layout = self.layout(host)
        skeleton = self.listings[layout.listing]
        rng = random.Random(host * 7_777 + section * 131 + page)
        count = sum(1 for kind, _ in skeleton.slots if kind == "P")
        paragraphs = rng.sample(self.pools.paragraphs, min(count, len(self.pools.paragraphs)))
        per = max(skeleton.links, 1)
        start = section * 100_000 + (page - 1) * per
        pager = ""
        if page < SECTION_PAGES:
            nxt = _section_path(section, page + 1, layout.extension)
            pager = f'<div class="pagination"><a class="next" href="{nxt}">Trang sau</a></div>'
        fill = {
            "P": paragraphs or [""],
            "A": [start + k for k in range(per)],
            "I": self.when(start).strftime("%Y-%m-%dT%H:%M:%S+07:00"),
            "date": self._date_fields(self.when(start)),
            "U": url,
            "X": pager,
            "short": True,
        }
        return self._render(skeleton, host, fill)

    def feed(self, host: int, base: str) -> bytes:
        """An RSS 2.0 feed of the host's 20 newest articles."""
        items = "".join(
            f"<item><title>{html.escape(self.title(host, n))}</title>"
            f"<link>{base}{self.article_path(host, n)}</link>"
            f"<pubDate>{self.when(n).strftime('%a, %d %b %Y %H:%M:%S')} +0700</pubDate></item>"
            for n in range(20)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Tin mới</title><link>{base}/</link>{items}</channel></rss>"
        ).encode()

    def sitemap_xml(self, host: int, base: str) -> bytes:
        urls = "".join(
            f"<url><loc>{base}{self.article_path(host, 200_000 + n)}</loc></url>"
            for n in range(self.sitemap)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        ).encode()

    def respond(self, host: int, path: str, base: str) -> bytes:
        """The whole HTTP response for ``path`` on host number ``host`` (URLs start ``base``)."""
        path = path.split("?", 1)[0].split("#", 1)[0]
        if path == "/robots.txt":
            extra = f"Sitemap: {base}/sitemap.xml\n".encode() if self.sitemap else b""
            return http_response(ROBOTS + extra, "text/plain")
        if path == "/sitemap.xml" and self.sitemap:
            return http_response(self.sitemap_xml(host, base), "application/xml")
        if path.endswith(".rss"):  # the feeds real home pages announce in <link> tags
            return http_response(self.feed(host, base), "application/rss+xml; charset=utf-8")
        if path == "/":
            return http_response(self.listing_page(host, 0, 1, base + path))
        match = self._patterns[host % len(LAYOUTS)].match(path)
        if match:
            n = int(match[1]) - self.layout(host).id_base
            if 0 <= n < ARTICLES:
                return http_response(self.article_page(host, n, base))
        extension = self.layout(host).extension
        name, _, rest = path[1:].removesuffix(extension).partition("/trang-")
        if name in SECTIONS and (not rest or rest.isdigit()):
            page = int(rest or 1)
            if 1 <= page <= SECTION_PAGES:
                listing = self.listing_page(host, SECTIONS.index(name), page, base + path)
                return http_response(listing)
        return http_response(b"not found", status="404 Not Found")
