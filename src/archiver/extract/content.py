"""The article text once its element is found: paragraphs, and listings told apart.

The element comes from a profile's ``body`` selector or, without one, from
:mod:`archiver.extract.container`. Here it is read as paragraphs (noise, captions and
credits dropped, stopping where boxes of other articles begin), and a page of teasers is
recognised as a listing rather than an article (the lead is :mod:`archiver.extract.lead`'s).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from selectolax.lexbor import LexborNode

from archiver.extract.dom import (
    BLOCK_TAGS,
    BR,
    Block,
    adjacent_element,
    ancestors,
    link_chars,
    render_blocks,
)
from archiver.extract.headline import similarity

#: Inside a body, these elements are never article text (class names are judged in ``roles``).
NOISE_SELECTOR = (
    "figcaption, form, button, [type=RelatedNewsBox], [type=RelatedOneNews], "
    "[class*=PhotoCMS_Caption], "
    "[class*=PhotoCMS_Author], [class*=VideoCMS_Caption]"
)
#: Where an article's text ends on Vietnamese sites: boxes of other articles, comments, archives.
END_MARKERS: tuple[str, ...] = (
    "tin đã đưa",
    "các tin đã đưa",
    "xem theo ngày",
    "tin liên quan",
    "bài viết liên quan",
    "tin bài liên quan",
    "bài liên quan",
    "các tin khác",
    "tin khác",
    "tin cùng chuyên mục",
    "các bài viết khác",
    "bài viết khác",
    "các tin bài khác",
    "ý kiến bạn đọc",
    "bình luận",
    "gửi bình luận",
    "ý kiến của bạn",
    "tin mới",
    "tin mới nhất",
    "tin nổi bật",
    "xem nhiều",
    "đọc nhiều",
    "chia sẻ bài viết",
    "in bài viết",
    "gửi bài viết",
    "về đầu trang",
    "quay lại",
    "từ khóa",
    "từ khoá",
)
#: End markers that are words of running text too (German "Tag" is a day: "Tag der
#: Abstimmung"; "Tag Heuer"): they end the text only as a label, alone on the line, before a
#: colon ("Tags: Paris, Mode") or before links only (a line of tags).
LABEL_END_MARKERS: tuple[str, ...] = ("tags", "tag")
_END_RE = re.compile(
    r"^\W*(?:"
    + "|".join(re.escape(m) for m in sorted(END_MARKERS, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)
_LABEL_END_RE = re.compile(
    r"^\W*(?:" + "|".join(LABEL_END_MARKERS) + r")\b\s*(?P<colon>[:：]|$)?", re.IGNORECASE
)
#: Share of a labelled line's text after the label that links must hold: a line of tags.
_TAG_LINKS = 0.6
#: The heading of the author's box closing an article ("About the author", "Über die
#: Autorin:"): the bio after it is the page's, not the article's.
_ABOUT_AUTHOR = re.compile(
    r"^\W*(?:about the (?:author|writer)s?|über (?:den autor|die autorin|die autor(?:inn)?en)|"
    r"zum autor|zur autorin|(?:à|a) propos de l.auteur|sobre (?:el|la) autora?|"
    r"sull.autore|over de auteur)\W*$",
    re.IGNORECASE,
)
_MAX_ABOUT_AUTHOR = 40
#: Whole blocks that are credits, captions or furniture rather than text.
_NOISE_BLOCK = re.compile(
    r"^\W*(?:(?:ảnh|nguồn ảnh|ảnh minh họa|ảnh minh hoạ|video|clip|đồ họa|đồ hoạ|infographic|"
    r"photo|chia sẻ|share|in bài|print|lượt xem|số lượt xem|xem thêm|đọc thêm|>>|quảng cáo)\b"
    r"[^.!?]{0,80}$|\(?ảnh(?: minh h[oọ]a)?\)?\s*$"
    # A picture's credit on a line of its own, as other languages label it ("Foto: X",
    # "Titelbild: X", "Crédits photos : X", "Copyright: X").
    r"|(?:fotos?|bild|titelbild|bildquelle|bildnachweis|cr(?:é|e)dits? photos?|copyright)\s*:"
    r"[^.!?]{0,80}$)",
    re.IGNORECASE,
)
#: Whole short blocks that are the labels of players, galleries and ad slots: never text.
_WIDGET_LABEL = re.compile(
    r"^\W*(?:(?:full ?screen|autoplay|close|skip ad|view (?:photos?|gallery)|caption|"
    r"\d+ (?:of|/) \d+|wait \d+ seconds? to continue\.?|advertisement|advertising|"
    r"sponsored(?: content)?|loading\.*|undo|play video|watch video|replay|next|previous|prev|"
    # An ad slot's label in other languages ("- Anzeige -", "Werbung", "Reklama").
    r"anzeige|werbung|reklama|reklame|publicité|publicidad|pubblicità|advertentie|"
    # A player's or a box's "Loading..." in other languages ("正在加载...", "Wird geladen").
    r"正在加载|加载中|読み込み中|wird geladen|chargement(?: en cours)?|cargando|carregando|"
    r"caricamento(?: in corso)?|"
    r"read more|continue reading|scroll down(?: to read more)?|(?:add|post|leave) (?:your |a )?"
    r"(?:comment|reply|opinion)|comments? \(\d+\)|\d+ comments?|show comments|"
    # ... where the comments are called talkbacks ("Talkback - Add your opinion", "Most
    # Recent of 4 Talkback(s)").
    r"talkbacks?|talkback\(s\)|most recent (?:of )?\d+ (?:comments?|talkbacks?|talkback\(s\))|"
    # A comment section's empty state ("No comments yet", "Comments (No comments posted.)",
    # "Keine Kommentare") and a text-size switch ("Font Scale: A A A", "Textgröße: A- A A+").
    # (Not "No comment.": a paragraph of an interview may answer so.)
    r"comments? \(no comments?(?: posted)?\.?\)|(?:no (?:comments|trackbacks)|keine kommentare)"
    r"(?: (?:yet|posted|so far|bisher|vorhanden))?|no comment yet|"
    r"(?:font|text|schrift)[ -]?(?:size|scale|gr(?:ö|oe)(?:ß|ss)e)?\s*:?(?:\s*a[+-]?){2,4}|"
    r"quảng cáo|tin tài trợ|xem video|phát lại|tắt quảng cáo|đóng|nghe bài viết|"
    # What introduces a player: "Mời quý độc giả xem video:", "Mời bạn đọc theo dõi clip".
    r"mời (?:quý )?(?:bạn đọc|độc giả|khán giả|quý vị)?\s*(?:xem|theo dõi|nghe) "
    r"(?:video|clip|audio|thêm video)(?: [^:.!?]{0,20})?|"
    # The titles of boxes of other articles, in other languages ("Schon gelesen?").
    r"related (?:articles|stories|posts)|you (?:may|might) also like|read also|"
    r"das könnte (?:dich|sie) auch interessieren|schon gelesen|lesen sie auch|"
    r"mehr zum thema|(?:veja|leia|lea|lee) tamb[eé]m|te puede interesar|"
    r"noticias relacionadas|(?:à )?lire aussi|sur le même sujet)\W*)+$",
    re.IGNORECASE,
)
_MAX_WIDGET_LABEL = 40
#: What an embedded Instagram post shows when its script does not run: a link to the post
#: ("View this post on Instagram", "Sieh dir diesen Beitrag auf Instagram an") and its
#: credit line ("A post shared by Jane Roe (@janeroe) on Apr 21, 2019 at 4:40am PDT", "Ein
#: Beitrag geteilt von X (@x) am 23. Okt 2017 um 0:31 Uhr"): the widget's, not the text's.
_EMBED_LABEL = re.compile(
    r"^\W*(?:view this (?:post|photo|video) on instagram|sieh dir diesen beitrag auf instagram an"
    r"|voir cette publication sur instagram|ver esta publicaci[oó]n en instagram"
    r"|visualizza questo post su instagram|bekijk dit bericht op instagram)\W*$"
    r"|^\W*(?:a (?:post|photo|video) shared by|ein (?:beitrag|foto|video) geteilt von"
    r"|une publication partag[ée]e par|una publicaci[oó]n compartida (?:de|por)"
    r"|un post condiviso da|een bericht gedeeld door) [^\n]{0,80}\(@[\w.]+\)"
    r"(?: (?:on|am|le|el|il|op) [^\n!?]{0,30}\d[^\n!?]{0,30})?$",
    re.IGNORECASE,
)
_MAX_EMBED_LABEL = 200


#: A cookie banner's or a consent box's words left in the text: "We use cookies to ...",
#: "Please accept YouTube cookies to play this video", an embedded post's placeholder ("Wir
#: respektieren deine Privatsphäre und stellen deshalb ohne dein Einverständnis keine
#: Verbindung zu Twitter her"), a form's consent line ("Ich bin mit der Verarbeitung meiner
#: Daten ... einverstanden", "Mit der Registrierung akzeptiere ich die Nutzungsbedingungen").
_CONSENT_NOTICE = re.compile(
    r"\b(?:we|this (?:web)?site) uses? cookies\b|\bwir (?:verwenden|nutzen|setzen) cookies\b"
    r"|\baccept (?:\w+ ){0,2}cookies to\b|\bagree to (?:our|the) use of cookies\b"
    r"|\bverwendung von cookies zu\b|\bcookie-einstellungen auf dieser (?:web)?seite\b"
    r"|\b(?:einverständnis|einwilligung|zustimmung|consent)\b.{0,60}\b(?:verbindung|connect\w*)"
    r"\b.{0,30}\b(?:twitter|youtube|instagram|facebook|vimeo|tiktok|spotify|x)\b"
    r"|\bich bin mit der (?:verarbeitung|speicherung|nutzung) meiner (?:personenbezogenen )?daten"
    r"|\b(?:akzeptiere|bestätige) ich (?:die|den|das) (?:nutzungsbedingungen|datenschutz|agb)"
    r"|\bdatenschutzerklärung habe ich zur kenntnis genommen\b",
    re.IGNORECASE,
)
_MAX_CONSENT_NOTICE = 400
#: What every notice :data:`_CONSENT_NOTICE` finds holds, its first letter left out for
#: either case (looked for first, in C).
_CONSENT_MARKS = (
    "ookie", "onsent", "inverständnis", "inwilligung", "ustimmung", "ch bin mit der ",
    "kzeptiere ich", "estätige ich", "atenschutzerklärung",
)  # fmt: skip
#: A line of topic tags, each marked "#" ("#bão số 3 #mưa lũ", "#Hanoi #travel"); one tag
#: alone may head a section ("#CookForJulia Breakfast").
_HASHTAGS = re.compile(r"^(?:#[^\s#][^#]{0,40}){2,10}$")
_MAX_HASHTAGS = 200
#: A short block that ends in a credit ("... Video: Đồn biên phòng Xín Cái") is a caption.
#: ("Nguồn: X" on a line of its own credits the text, not a photo: the source reader takes it.)
_CREDIT_TAIL = re.compile(
    r"(?:(?:^|[.!?)]\s+|\(|\s-\s)"
    r"(?:ảnh|video|clip|đồ họa|đồ hoạ|photo|ảnh minh họa|ảnh minh hoạ)"
    r"|(?:[.!?)]\s+|\(|\s-\s)nguồn)"
    r"\s*:\s*[^!?:]{1,60}\)?$",
    re.IGNORECASE,
)
_MAX_CAPTION = 250


_VIDEO_CREDIT = re.compile(r"\b(?:video|clip)\s*:", re.IGNORECASE)


#: The last letters of :data:`_CREDIT_TAIL`'s words ("ảnh", "video", "clip", "họa", "hoạ",
#: "photo", "nguồn"), both cases: no other character matches one of them case-blind.
_CREDIT_ENDS = frozenset("hopaạnHOPAẠN")


def credited_line(text: str) -> bool:
    """A short line closing on a picture's credit ("... (Ảnh: Hải Long)."): a caption."""
    # (The credit's colon is among the last characters: most lines need no search.)
    if len(text) >= _MAX_CAPTION or ":" not in text[-64:]:
        return False
    # No colon follows the credit's, so its word ends right before the last colon and its
    # spaces; the search, which tries every position of the line, runs only then (a time's
    # "15:20" is the usual colon).
    head = text[: text.rfind(":")].rstrip()
    return head[-1:] in _CREDIT_ENDS and _CREDIT_TAIL.search(text) is not None


_HAS_WORD = re.compile(r"\w")


def node_ids(nodes: Iterable[LexborNode]) -> set[int]:
    return {node.mem_id for node in nodes}


def element_ids(root: LexborNode) -> set[int]:
    """The ids of ``root`` and of every element under it (one walk, in C)."""
    return node_ids(root.css("*"))  # (css() lists the element itself too)


#: Class or id words of boxes that are never article text, however long (reader comments).
_ALWAYS_NOISE = re.compile(r"comment|binh-?luan|reply|replies|discuss|disqus", re.IGNORECASE)
#: A box named like noise that holds this share of the body's text is the text itself
#: (``<div class="section" id="evolve-shared-history">`` is not a share bar).
_NOISE_MAX_SHARE = 0.3


def confirmed_noise(
    container: LexborNode, guessed: Iterable[LexborNode], inside: set[int] | None = None
) -> list[LexborNode]:
    """The elements of ``guessed`` (named like chrome or noise) inside ``container`` that are
    not article text. ``inside``: the ids of ``container`` and of every element under it,
    when the caller has them (see :func:`element_ids`)."""
    guessed = list(guessed)
    if not guessed:
        return []  # (a profile's body: nothing guessed, no walk over the body)
    if inside is None:
        inside = element_ids(container)
    total = 0
    kept = []
    lengths: list[int] = []
    for node in guessed:
        if node.mem_id not in inside or node.mem_id == container.mem_id:
            continue
        if node.tag not in BLOCK_TAGS:
            # A link or span named "popup", "tag", "share" inside a sentence is part of it:
            # cutting it would cut words out of the text.
            continue
        if node.tag in _SUBHEADING_TAGS and _opens_a_section(node):
            continue  # a subheading named like chrome (``h2.subheader``) heads text
        if node.tag in _ROW_PARTS and _labels_a_data_table(node):
            continue  # a table's header row named "...HeaderRow...": its column labels
        text = len(node.text(deep=True))
        if text > 500:  # (most noise is a short box: measured only when it is not)
            total = total or len(container.text(deep=True))
            label = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
            if (
                text > _NOISE_MAX_SHARE * total
                and not _ALWAYS_NOISE.search(label)
                and link_chars(node) < 0.3 * text
            ):
                continue
        kept.append(node)
        lengths.append(text)
    # (Most pages: their boxes named like noise are short, or few among the body's children;
    # the body's text is then not measured for this.)
    if total or _mostly_boxes(container, kept, lengths):
        held = sum(length for length in lengths if length >= _TEXT_BOX)
        total = total or len(container.text(deep=True))
        if held >= _LEFT_OUTSIDE and held > _HOLDS_TEXT * total:
            return _unless_all_text(container, kept, lengths)
    return kept


#: Boxes named like noise holding this share of the body's characters may be all its text.
_HOLDS_TEXT = 0.5
#: ... when the body holds fewer characters than this outside them,
_LEFT_OUTSIDE = 200
#: ... and its boxes of text (this many characters, link-poor: a post, not its author's
#: line) hold more than that.
_TEXT_BOX = 80


def _mostly_boxes(container: LexborNode, kept: list[LexborNode], lengths: list[int]) -> bool:
    """Two or more of the children of ``container`` are boxes of ``kept`` holding a paragraph
    each, and they are at least half of its children with text: its text may all be in them."""
    mine = container.mem_id
    boxes = {
        n.mem_id
        for n, length in zip(kept, lengths, strict=True)
        if length >= _TEXT_BOX and (parent := n.parent) is not None and parent.mem_id == mine
    }
    held = len(boxes)
    if held < 2:
        return False
    children = [c for c in container.iter() if c.tag[0] not in "-_"]
    # (Children without text, a rule, a picture's slot, do not count.)
    others = sum(1 for c in children if c.mem_id not in boxes and c.text(deep=True).strip())
    return held >= others


def _unless_all_text(
    container: LexborNode, kept: list[LexborNode], lengths: list[int]
) -> list[LexborNode]:
    """``kept`` without its boxes of prose when the text of ``container`` lies all in them: a
    forum's posts named "comment", a story in a box named "gallery" or "caption". (An
    article followed by its readers' comments has its text outside them.)"""
    boxes = {node.mem_id: node for node in kept}  # (a box may be guessed twice)
    outermost = [
        node for node in boxes.values() if not any(p.mem_id in boxes for p in ancestors(node))
    ]
    if _visible(container) - sum(_visible(node) for node in outermost) >= _LEFT_OUTSIDE:
        return kept
    prose = [
        length >= _TEXT_BOX and link_chars(node) < 0.3 * length
        for node, length in zip(kept, lengths, strict=True)
    ]
    if sum(_visible(n) for n, text in zip(kept, prose, strict=True) if text) < _LEFT_OUTSIDE:
        return kept
    return [node for node, text in zip(kept, prose, strict=True) if not text]


_SUBHEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_MAX_SUBHEADING = 150
#: The paragraph after a subheading: running text of at least this many characters.
_SECTION_PARAGRAPH = 80


_ROW_PARTS = frozenset({"thead", "tr", "td", "th"})
#: The labels of a data table's columns: short cells.
_MAX_LABEL = 40


def _labels_a_data_table(node: LexborNode) -> bool:
    """``node`` is the row of a table's column labels, a cell of it or the ``<thead>`` holding
    it: two or more short unlinked cells, above two or more rows of as many cells. A table
    editor names it "...HeaderRow..." (the table's header, not the page's); a layout table's
    row of menu links or a banner spanning the page stays chrome."""
    if node.tag == "thead":
        row = node.css_first("tr")
    elif node.tag == "tr":
        row = node
    else:  # a cell
        row = next((a for a in ancestors(node) if a.tag == "tr"), None)
    if row is None or row.css_first("a") is not None:
        return False
    cells = _cells(row)
    if len(cells) < 2 or any(len(c.text(deep=True).strip()) > _MAX_LABEL for c in cells):
        return False
    table = _table_of(row)
    if table is None:
        return False
    rows = [r for r in table.css("tr") if (_table_of(r) or table).mem_id == table.mem_id]
    following = rows[[r.mem_id for r in rows].index(row.mem_id) + 1 :]
    return len(following) >= 2 and all(len(_cells(r)) == len(cells) for r in following[:2])


def _cells(row: LexborNode) -> list[LexborNode]:
    return [cell for cell in row.iter() if cell.tag in ("td", "th")]


def _table_of(row: LexborNode) -> LexborNode | None:
    """The table a row belongs to (the nearest, for a table in a cell)."""
    return next((a for a in ancestors(row) if a.tag == "table"), None)


def _opens_a_section(heading: LexborNode) -> bool:
    """A short heading without links followed by a paragraph of running text: a subheading
    of the article, whatever its class says (``subheader``, ``section-header``). A box's
    title is followed by its list of links or teasers instead."""
    text = heading.text(deep=True).strip()
    if not text or len(text) > _MAX_SUBHEADING or heading.css_first("a[href]") is not None:
        return False
    following, _ = adjacent_element(heading, after=True)
    if following is None or following.tag != "p":
        return False
    prose = following.text(deep=True).strip()
    return len(prose) >= _SECTION_PARAGRAPH and link_chars(following) < 0.3 * len(prose)


#: Running text: this many paragraphs in a row, not interrupted by links, and characters.
_RUN_PARAGRAPHS = 3
RUN_CHARS = 400
_RUN_PARAGRAPH = 60
#: A page with this many teasers and no running text is a home or section page.
MANY_TEASERS = 10
#: One unlinked paragraph this long, holding most of the page's text, is a short post's.
SHORT_POST = 300
#: The best block of text holding less than this share of the page's text is one teaser among
#: many (or a footer) when it holds less than ``LISTING_CHARS``; from ``POST_SHARE`` on,
#: one unlinked paragraph of ``SHORT_POST`` is a short post.
FEW_SHARE = 0.3
POST_SHARE = 0.5
LISTING_CHARS = 1500
#: One unlinked block this long is no teaser's sapo (those run to two or three sentences).
_LONG_BLOCK = 800
_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]")


def text_weight(text: str) -> int:
    """Length in Latin-script characters: a Chinese, Japanese or Korean character counts
    three (they say about as much as a word)."""
    # (A search for the first such character, in C: every Vietnamese and Latin text has none.)
    if _CJK.search(text) is None:
        return len(text)
    return len(text) + 2 * len(_CJK.findall(text))


def _longest_run(blocks: list[Block]) -> tuple[int, int]:
    """(weighted characters, paragraphs) of the longest stretch of prose no block of links
    breaks.

    An article's paragraphs follow one another; a listing's sapos each come after their
    linked headline, so its runs are one paragraph long.
    """
    best = (0, 0)
    chars = paragraphs = 0
    for block in blocks:
        if block.after_link:
            chars = paragraphs = 0
        weight = text_weight(block.text)
        if weight >= _RUN_PARAGRAPH and block.link_density < 0.3:
            chars += weight
            paragraphs += 1
            run = (chars, paragraphs)
            if weight >= _LONG_BLOCK:  # one long block counts as running text on its own
                run = (chars, max(paragraphs, _RUN_PARAGRAPHS))
            best = max(best, run, key=lambda found: (found[1], found[0]))
    return best


#: A box led by a linked headline: a teaser of another article (in a list, a "Đọc thêm" box,
#: a topic box), however its site names it.
_HEADLINE_LINKS = "h2 a[href], h3 a[href], h4 a[href], h5 a[href]"
#: The links :data:`_HEADLINE_LINKS` lists, each once, in one test of each link's ancestors
#: (the list walks them up once per heading; it lists a link in two headings twice).
#: (Not ``:is(h2, h3, h4, h5) a[href]``: lexbor matches that only where the heading holds
#: the link as its child.)
_HEADLINE_LINK_QUERY = "a[href]:is(h2 *, h3 *, h4 *, h5 *)"
_HEADINGS = frozenset({"h2", "h3", "h4", "h5"})
_ITEMS = frozenset({"article", "li", "div", "section"})
#: A teaser is short: a headline, a sapo, a date. (A blog post whose title links to itself is
#: far longer.)
_MAX_TEASER = 600
#: What a box of teasers may hold besides them: its title.
_BOX_TITLE = 80
_NOT_BOXES = frozenset({"body", "html", "main", "article"})


def find_teasers(root: LexborNode) -> list[LexborNode]:
    """The teasers under ``root``: small elements whose first line is a linked headline, or
    the box holding several of them when nothing but a title ("Chủ đề: ...", "Tin liên
    quan") is left beside them."""
    found: dict[int, LexborNode] = {}
    by_parent: dict[int, tuple[LexborNode, int]] = {}
    for node in (*_headline_holders(root), *_headline_paragraphs(root)):
        chars = len(node.text(deep=True).strip())
        if chars > _MAX_TEASER or node.mem_id in found:
            continue
        found[node.mem_id] = node
        parent = node.parent
        if parent is not None:
            held = by_parent.get(parent.mem_id, (parent, 0))[1]
            by_parent[parent.mem_id] = (parent, held + chars)
    for box, held in by_parent.values():
        if box.tag in _NOT_BOXES or box.mem_id in found:
            continue
        if len(box.text(deep=True).strip()) - held <= _BOX_TITLE:
            found[box.mem_id] = box
    return list(found.values())


def _headline_holders(root: LexborNode) -> list[LexborNode]:
    """Elements (article, li, div, section) with a linked headline among their children: what
    ``:is(article, li, div, section):has(> h3 a[href])`` selects, found from the links (a
    ``:has`` query tests every element of the page)."""
    holders: dict[int, LexborNode] = {}
    for link in root.css(_HEADLINE_LINK_QUERY):
        heading = link.parent
        while heading is not None and heading.tag not in _HEADINGS:
            heading = heading.parent
        item = heading.parent if heading is not None else None
        if item is not None and item.tag in _ITEMS and _leads(heading, item):
            holders.setdefault(item.mem_id, item)
    return list(holders.values())


#: A teaser written as one paragraph: its linked headline on a line of its own, then its sapo
#: (``<p><a href>Headline</a><br>Sapo...</p>``; a ``<br>`` is a BR character by now).
_HEADLINE_LINE = "p > a[href]"
_MIN_HEADLINE = 20


def _headline_paragraphs(root: LexborNode) -> list[LexborNode]:
    """Paragraphs that open with a linked headline on its own line, followed by more text."""
    paragraphs: dict[int, LexborNode] = {}
    for link in root.css(_HEADLINE_LINE):
        after = link.next
        if after is None or after.tag != "-text" or not after.text().lstrip(" \t\n").startswith(BR):
            continue
        paragraph = link.parent
        if paragraph is None or paragraph.mem_id in paragraphs:
            continue
        before = link.prev
        while before is not None and before.tag == "-text" and not _words(before.text()):
            before = before.prev
        if before is not None:
            continue  # (text or an element before the link: a line of the text)
        linked = link.text(deep=True).strip()
        if linked.endswith(":"):
            continue  # (it introduces what follows: "Reblogged from X: Title:", a quote)
        headline = len(linked)
        rest = len(paragraph.text(deep=True).strip()) - link_chars(paragraph)
        if headline >= _MIN_HEADLINE and rest >= _MIN_HEADLINE:
            paragraphs[paragraph.mem_id] = paragraph
    return list(paragraphs.values())


#: A card of another article: its picture linked, and its headline linked to the same page on
#: a line of its own (``<a href=X><img></a> <div class=title><a href=X>Headline</a></div>
#: <div class=desc>Sapo...</div>``), not in a heading: VietNamNet's boxes set in the text,
#: many "read also" strips. How far above the picture's link the card may begin:
_CARD_DEPTH = 4
_PAGE_LEVELS = frozenset({"body", "html", "main"})


def find_cards(root: LexborNode, known: Iterable[LexborNode] = ()) -> list[LexborNode]:
    """Cards of other articles under ``root``: small elements (article, li, div, section)
    holding a linked picture and a linked headline line that lead to the same page, teasers
    however their headline is marked up. Pictures inside ``known`` teasers are skipped.
    (Looked for in an article's text only: on a home page every picture is one.)"""
    seen = {node.mem_id for node in known}
    holders: dict[int, LexborNode] = {}
    for picture in root.css("a[href] img"):
        link = picture.parent
        while link is not None and link.tag != "a":
            link = link.parent
        href = (link.attributes.get("href") or "").strip() if link is not None else ""
        if not href or href.startswith(("#", "javascript:")):
            continue
        item = link.parent if link is not None else None
        for _ in range(_CARD_DEPTH):
            if item is None or item.tag in _PAGE_LEVELS or item.mem_id in seen:
                break
            if item.tag in _ITEMS:
                if len(item.text(deep=True)) > 2 * _MAX_TEASER:
                    break
                if _headline_line(item, href):
                    holders[item.mem_id] = item
                    seen.add(item.mem_id)
                    break
            item = item.parent
    return list(holders.values())


def _headline_line(item: LexborNode, href: str) -> bool:
    """True when ``item`` holds a link to ``href`` whose text is a headline standing on a line
    of its own (its parent holds nothing else)."""
    for anchor in item.css("a[href]"):
        if (anchor.attributes.get("href") or "").strip() != href or anchor.css_first("img"):
            continue
        linked = anchor.text(deep=True).strip()
        parent = anchor.parent
        if (
            len(linked) >= _MIN_HEADLINE
            and not linked.endswith(":")
            and parent is not None
            and parent.text(deep=True).strip() == linked
        ):
            return True
    return False


def _leads(heading: LexborNode, item: LexborNode) -> bool:
    """True when nothing but a picture, a date or a label comes before ``heading`` in
    ``item``: a teaser opens with its headline; a linked heading after paragraphs of text
    (a video's link closing a short post) is part of the text."""
    for child in item.iter():
        if child.mem_id == heading.mem_id:
            return True
        text = child.text(deep=True).strip()
        if len(text) > _BOX_TITLE and link_chars(child) < 0.5 * len(text):
            return False
    return True


#: A body with no running text whose characters are this much digits is a table of data.
_DATA_DIGITS = 0.3


def looks_like_data(blocks: list[Block]) -> bool:
    """True when the text is a table of figures (a stock page, results, prices) with no
    running text around it: no article."""
    prose = 0
    for block in blocks:  # (an article shows its first two prose blocks at once)
        if len(block.text) >= 80 and _digit_share(block.text) < _DATA_DIGITS / 2:
            prose += 1
            if prose >= 2:
                return False
    return _digit_share(" ".join(b.text for b in blocks)) >= _DATA_DIGITS


_DIGIT = re.compile(r"\d")


def _digit_share(text: str) -> float:
    visible = (len(text) - text.count(" ")) or 1
    return len(_DIGIT.findall(text)) / visible


def looks_like_listing(
    container: LexborNode,
    blocks: list[Block],
    share: float,
    *,
    dated: bool = True,
    teasers: int = 0,
) -> bool:
    """True when the chosen text is a list of links to other articles, not an article.

    ``dated``: the page shows a publication date (a listing page rarely does), which
    lets a short article keep one linked heading. ``teasers``: how many teasers the page
    holds (a home page, hundreds). (:func:`archiver.extract.hubs.plainly_listing` answers
    the same before the text is read, from these rules: keep the two in step.)
    """
    # Sapos cut short with "..." on a page full of teasers: a listing, however they follow
    # one another. (Writers end paragraphs with "..." too: alone it proves nothing.)
    prose = [b for b in blocks if len(b.text) >= _RUN_PARAGRAPH]
    cut = sum(1 for b in prose if b.text.endswith(("...", "…")))
    if teasers >= MANY_TEASERS and cut >= _RUN_PARAGRAPHS and cut >= 0.6 * len(prose):
        return True
    run_chars, run_paragraphs = _longest_run(blocks)
    if run_paragraphs >= _RUN_PARAGRAPHS and run_chars >= RUN_CHARS:
        return False  # running text: an article, however many teasers follow it
    if dated and run_paragraphs >= _RUN_PARAGRAPHS - 1 and run_chars >= RUN_CHARS // 2:
        return False  # a short dated news item
    # Sapos, each after its linked headline, and no running text.
    if sum(1 for b in prose if b.after_link) >= _RUN_PARAGRAPHS:
        return True
    chars = sum(text_weight(b.text) for b in blocks)
    if share >= POST_SHARE and any(
        text_weight(b.text) >= SHORT_POST and b.link_density < 0.3 and not b.after_link
        for b in blocks
    ):
        return False  # a short post: one real paragraph holding most of the page's text
    # The best block of text is one teaser among many, or a footer. (Two paragraphs in a row
    # on a page without a teaser are a short text: a product's page, a recipe's tabs.)
    few = share < FEW_SHARE and (teasers or not run_paragraphs)
    if (few or teasers >= MANY_TEASERS) and chars < LISTING_CHARS:
        return True
    # Teasers with unlinked sapos (Tuổi Trẻ, Dân trí sections): repeated linked headlines,
    # or repeated <article> items, make a listing however much prose the sapos hold.
    if len(container.css("article")) >= 3:
        return True
    headlines = container.css("h2 a[href], h3 a[href], h4 a[href], h5 a[href]")
    if len(headlines) >= 3 or (headlines and not dated):
        headline_chars = sum(len(a.text(deep=True).strip()) for a in headlines)
        if headline_chars >= 0.15 * chars:
            return True
    prose_chars = sum(len(b.text) for b in blocks if len(b.text) >= 80 and b.link_density < 0.3)
    headline_links = 0
    for anchor in container.css("a[href]"):
        if len(anchor.text(deep=True).strip()) >= 25:
            headline_links += 1
    if headline_links >= 8 and headline_links * 150 > prose_chars:
        return True
    linked = sum(b.link_chars for b in blocks)
    return linked / (chars or 1) > 0.5 and prose_chars < 600


def body_blocks(
    container: LexborNode,
    *,
    title: str | None = None,
    end_markers: Iterable[str] = (),
    keep_credited: bool = False,
) -> list[Block]:
    """Render ``container`` as article paragraphs, dropping noise and stopping at end markers.

    Expects noise elements inside ``container`` to have been removed already.
    ``keep_credited``: keep the lines closing on a photo's credit (a photo story's text).
    """
    blocks = _with_drop_caps(render_blocks(container))
    extra_end = tuple(m.lower() for m in end_markers)
    kept: list[Block] = []
    after_link = False
    prose_lists: dict[int, bool] = {}
    last: Block | None = None  # the block before this one
    for index, block in enumerate(blocks):
        previous, last = last, block
        text = block.text
        if (
            kept
            and len(text) < 120
            and (
                _END_RE.match(text)
                or (extra_end and text.lower().startswith(extra_end))
                or _tag_line(block)
            )
        ):
            break
        if kept and len(text) <= _MAX_ABOUT_AUTHOR and _ABOUT_AUTHOR.match(text):
            break  # the author's bio closes the page
        if not _HAS_WORD.search(text):
            continue  # a separator left between removed spans (" · ", "|")
        if kept and len(text) < _MAX_CAPTION and text == kept[-1].text:
            continue  # a caption printed twice in a row (a player's title and description)
        # (A block twice the title's length cannot be the title repeated: skip the comparison.)
        if (
            title
            and 0.8 * len(title) <= len(text) <= 1.25 * len(title) + 5
            and (similarity(text, title) > 0.95)
        ):
            continue
        if (
            block.link_density > 0.6
            # (a long block of links only is a menu of many items, not a linked sentence)
            and (len(text) < 300 or block.link_density > _MENU_LINKS)
            and not _data_cell(block.node)
            and not _in_prose_list(block.node, prose_lists)
            and not _sentence_into_link(block)
            and not _section_heading(block.node)
            and not _between_prose(block, previous, blocks[index + 1 : index + 2], kept)
            and not _linked_subheading(block, previous, blocks[index + 1 : index + 2], kept)
        ):
            if kept and kept[-1] is previous and _label(previous):
                kept.pop()  # the title of the box of links ("Popular white papers")
            elif previous is not None and len(previous.text) <= _MAX_KICKER:
                # The kickers set over the links of a box of other articles ("Most
                # Popular", "Gear"): short lines right above the link, read as labels.
                back = index - 1
                while back >= 0 and kept and kept[-1] is blocks[back] and _kicker(blocks[back]):
                    kept.pop()
                    back -= 1
            after_link = True
            continue
        if len(text) < 100 and _NOISE_BLOCK.match(text):
            continue
        if len(text) <= _MAX_WIDGET_LABEL and _WIDGET_LABEL.match(text):
            continue
        if (
            len(text) <= _MAX_EMBED_LABEL
            and ("(@" in text or "nstagram" in text)
            and _EMBED_LABEL.match(text)
        ):
            continue  # an embedded post's link and credit ("A post shared by X (@x) on ...")
        if text.startswith("#") and len(text) <= _MAX_HASHTAGS and _HASHTAGS.match(text):
            continue  # a line of topic tags ("#bão số 3 #mưa lũ")
        if len(text) <= 3 and text.isdigit() and block.node.tag not in ("td", "th"):
            continue  # a gallery's or a pager's numbers ("1", "2", "3"); in a table, data
        if credited_line(text) and not (keep_credited and not _VIDEO_CREDIT.search(text[-64:])):
            continue  # (a video's caption stays one, in a photo story too)
        block.after_link = after_link
        after_link = False
        kept.append(block)
    return _without_consent_notices(kept)


def _without_consent_notices(blocks: list[Block]) -> list[Block]:
    """The text without a cookie banner's or a consent box's words, wherever they stand."""
    # (Most texts have none: a few substring searches over all of it at once tell.)
    text = "\n".join([b.text for b in blocks])
    if not any(mark in text for mark in _CONSENT_MARKS):
        return blocks
    return [
        b
        for b in blocks
        if len(b.text) > _MAX_CONSENT_NOTICE or _CONSENT_NOTICE.search(b.text) is None
    ]


#: A drop cap set apart from its paragraph (``<span class="dropcap">T</span><p>urkey, ...``):
#: one letter, perhaps after an opening quote.
_DROP_CAP = re.compile(r"^[\"“‘'«„]?[^\W\d_]$")


def _with_drop_caps(blocks: list[Block]) -> list[Block]:
    """The paragraphs with their drop caps: a letter rendered as a block of its own, right
    before a block going on with the rest of the word in lower case, opens that block."""
    if not any(len(b.text) <= 2 for b in blocks):  # (most texts have none)
        return blocks
    joined: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if (
            following is not None
            and len(block.text) <= 2
            and _DROP_CAP.match(block.text)
            and following.text[:1].islower()
        ):
            following.text = block.text + following.text
            index += 1
            continue
        joined.append(block)
        index += 1
    return joined


def _tag_line(block: Block) -> bool:
    """A line of tags: "Tags", "Tags:", "Tags: X, Y" or "Tags" before links only."""
    found = _LABEL_END_RE.match(block.text)
    if found is None:
        return False
    if found.group("colon") is not None:
        return True
    rest = len(block.text) - found.end()
    return block.link_chars >= _TAG_LINKS * rest


_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_MAX_LABEL = 80


def _label(block: Block) -> bool:
    """A heading of a few words that ends no sentence: a box's title. (A bold line may be
    the byline closing the text, before the tags.)"""
    text = block.text
    if len(text) > _MAX_LABEL or text.endswith((".", "!", "?", ":", '"', "”", "…")):
        return False
    return block.node.tag in _HEADING_TAGS


#: A kicker over a linked headline: a word or two of a section's name, in a box of its own.
_MAX_KICKER = 30
_KICKER_WORDS = 2
_KICKER_TAGS = frozenset({"div", "span", "section", "header"})


def _kicker(block: Block) -> bool:
    """A line of a few words, no sentence and no link, in an element that is no paragraph:
    the section's name a box of other articles sets over each of their headlines."""
    text = block.text
    return (
        len(text) <= _MAX_KICKER
        and len(text.split()) <= _KICKER_WORDS
        and block.node.tag in _KICKER_TAGS
        and not block.link_chars
        and (parent := block.node.parent) is not None
        and parent.tag not in ("td", "th")  # (a table's header cell)
        and not any(mark in text for mark in ".!?:…")  # (nor a credit: "Powered by X.com")
    )


#: A block this much links is a menu or a list of links, however long.
_MENU_LINKS = 0.9
#: A list whose text is at most this share links is prose, its linked items included.
_PROSE_LIST_LINKS = 0.4


def _in_prose_list(node: LexborNode, seen: dict[int, bool]) -> bool:
    """True when ``node`` is an item of a list written as text (notes, highlights): a linked
    item there is one of its points; a list of links only is a menu or a box of teasers,
    unless it is one point's sub-list. ``seen`` caches the verdict per list."""
    if node.tag != "li":
        return False
    items = node.parent
    if items is None or items.tag not in ("ul", "ol"):
        return False
    verdict = seen.get(items.mem_id)
    if verdict is None:
        # (Counted without white space: the indentation between a menu's items is no text.)
        chars = _visible(items)
        linked = sum(_visible(link) for link in items.css("a"))
        verdict = chars > 0 and (
            linked <= _PROSE_LIST_LINKS * chars
            or _in_prose_list(items.parent, seen)
            or _introduced(items)
        )
        seen[items.mem_id] = verdict
    return verdict


#: What ends a label set before a link ("Tags:", "Source |", "Video »"): a label, not a
#: sentence running on into the link.
_LABEL_END = ":：|»›>-–—•·/"
#: A word of the sentence before the link (not an icon's letter, "z", nor a number), and the
#: end of a sentence there (the link is then a call after it: "... Plus, the latest news").
_PLAIN_WORD = re.compile(r"[^\W\d_]{2}")
_SENTENCE_END = re.compile(r"[.!?…]\s")


def _sentence_into_link(block: Block) -> bool:
    """A list item whose sentence starts in plain words and runs on into its link ("bigiri
    has <a>a patch to move SharedDataMap.jsm off OSFile</a>", "Gijs <a>made the toolbar
    load later</a>"): a point of the text written by someone, however much of it is linked.
    A teaser's or a menu's link opens its item, or follows a label ("Related: <a>Title</a>"),
    and a headline's first word is capitalised; here the link goes on in lower case, in
    words (an address, "LinkedIn <a>linkedin.com/in/x</a>", is a profile's link)."""
    if block.node.tag != "li":
        return False
    link = block.node.css_first("a[href]")
    if link is None:
        return False
    linked = " ".join(link.text(deep=True).split())
    if not linked[:1].islower() or " " not in linked:
        return False
    text = " ".join(block.text.split())
    start = text.find(linked)
    if start <= 0:
        return False
    before = text[:start].rstrip()
    return (
        before[-1] not in _LABEL_END
        and _PLAIN_WORD.search(before) is not None
        and _SENTENCE_END.search(before) is None
    )


def _introduced(items: LexborNode) -> bool:
    """The list is the sub-list of a point whose own text ends with a colon ("In progress:").
    (A sentence of the text introducing a list of links, "Mời bạn đọc xem thêm các bài viết
    dưới đây:", more often opens a box of related articles than a list of sources.)"""
    parent = items.parent
    if parent is None or parent.tag != "li":
        return False
    previous = items.prev
    while previous is not None and previous.tag == "-text" and not _words(previous.text()):
        previous = previous.prev  # (white space, and the <br>s turned into BR characters)
    return (
        previous is not None and previous.tag == "-text" and _words(previous.text()).endswith(":")
    )


def _words(text: str) -> str:
    return " ".join(text.replace(BR, " ").split())


def _visible(node: LexborNode) -> int:
    return sum(len(word) for word in node.text(deep=True).split())


#: Labels Vietnamese outlets give a teaser of another article set between paragraphs: not
#: the article's text, however it is set.
_TEASER_LABEL = re.compile(
    r"^\W*(?:xem thêm|đọc thêm|xem tiếp|tin liên quan|bài liên quan|tin bài liên quan)\b|^\s*>>",
    re.IGNORECASE,
)
#: What sets a line of the article apart from a teaser: a short label and a colon ("Read
#: more:", "Related:", "Lire aussi :") or brackets ("[Read: ...]", "[The museum's treasures]").
_INLINE_LABEL = re.compile(r"^\W{0,2}[^\W\d][^:\n]{0,24}?\s?:\s|^\s*\[[^\]]+\]\s*$")
#: A linked line kept between paragraphs of running text is at most this long.
_MAX_INLINE_LINK_LINE = 300


def _between_prose(
    block: Block, previous: Block | None, following: list[Block], kept: list[Block]
) -> bool:
    """A labelled paragraph of one link between two paragraphs of running text ("Read more:
    ...", "[Related: ...]"): a line of the article, which goes on after it. (A line of
    several links is a menu or a list of other articles; a bare linked headline, a teaser.)"""
    if block.node.tag != "p" or len(block.text) > _MAX_INLINE_LINK_LINE:
        return False
    if len(block.node.css("a[href]")) != 1 or _TEASER_LABEL.match(block.text):
        return False
    if block.bold or not _INLINE_LABEL.match(block.text):
        return False  # (a bare or bold linked headline between paragraphs: a teaser, Dân trí's)
    if previous is None or not kept or kept[-1] is not previous or not following:
        return False
    return all(
        len(b.text) >= _SECTION_PARAGRAPH and b.link_density < 0.3 and b.node.tag == "p"
        for b in (previous, following[0])
    )


#: The paragraph under a linked subheading of a list article is at least this long: a
#: teaser's sapo runs to two or three sentences, a reviewed item's paragraph to more.
_ITEM_PARAGRAPH = 300


def _linked_subheading(
    block: Block, previous: Block | None, following: list[Block], kept: list[Block]
) -> bool:
    """A short heading linked to the thing it names, between paragraphs of the text: an
    item of a list article ("“Thumper” ($20)", "20) Faces Places", each linked to the
    game's or the film's page, each over its long paragraph). A teaser's linked headline
    stands over a short sapo, in a box of its own (see :func:`find_teasers`)."""
    if block.node.tag not in _SUBHEADING_TAGS or len(block.text) > _MAX_SUBHEADING:
        return False
    if previous is None or not kept or kept[-1] is not previous or not following:
        return False
    after = following[0]
    return (
        after.node.tag == "p"
        and len(after.text) >= _ITEM_PARAGRAPH
        and after.link_density < 0.3
        and not after.text.endswith(("...", "…"))
    )


def _section_heading(node: LexborNode) -> bool:
    """A heading whose links lead only to places on the same page (``<h3><a href="#setting-up">``,
    the permalink or the table of contents entry of its section): a subheading of the text,
    not a link to another page."""
    if node.tag not in _SUBHEADING_TAGS:
        return False
    links = node.css("a[href]")
    return bool(links) and all(
        (link.attributes.get("href") or "").startswith("#") for link in links
    )


def _data_cell(node: LexborNode) -> bool:
    """A linked cell in a row of data (a film's title beside its year and plot), or such a
    row: data, not a link to elsewhere; a row of links only is a menu."""
    if node.tag == "tr":  # (a row of short cells is rendered as one line)
        row = node
    elif node.tag in ("td", "th"):
        row = node.parent
    else:
        return False
    if row is None or row.tag != "tr":
        return False
    return any(
        cell.tag in ("td", "th")
        and cell.mem_id != node.mem_id
        and len(text := cell.text(deep=True).strip()) > link_chars(cell) + 2
        and any(ch.isalnum() for ch in text)
        for cell in row.iter()
    )
