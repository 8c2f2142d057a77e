"""The article's text once its element is known: paragraphs, captions and the credited source.

Captions and source lines are read before anything is removed from the body element
(a profile's ``remove`` list often drops whole figures and source boxes), then the
body is rendered without them. A photo story, whose narrative is its captions, keeps
its captions as its paragraphs, in page order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from archiver.extract import byline, content
from archiver.extract.captions import Caption, find_captions
from archiver.extract.dom import Block, adjacent_element, ancestors, first_tagged, text_of
from archiver.text import collapsed_length

#: Elements whose class names a source ("p.source", "div.singular-source", "div.p-source").
_SOURCE_SELECTOR = "[class*=source i]"
_MAX_SOURCE_ELEMENT = 100
#: A credit line closes the article: only the last few short blocks are looked at.
_CREDIT_BLOCKS = 3
_MAX_CREDIT_LINE = 100
#: Captions make a photo story when they hold this share of the body element's text.
_PHOTO_SHARE = 0.6
_NARRATIVE_SHARE = 0.35
_MIN_PHOTO_CAPTIONS = 300
#: Photo credits outside the captions before the paragraphs are read as a photo story's.
_MIN_CREDITED_LINES = 3
_CREDIT_MARKS = ("nh:", "nh :", "NH:", "hoto:")
_PHOTO_CREDIT = re.compile(r"\b(?:ảnh|photo|nguồn|credit|foto)\s*:", re.IGNORECASE)


@dataclass(slots=True)
class BodyText:
    blocks: list[Block] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    source: str | None = None
    photo_story: bool = False
    #: A closing line that signed the text with the writer and the outlet credited
    #: ("Theo Minh Anh (Pháp luật TP.HCM)"), taken out with the credit: (line, person, node).
    signature: tuple[str, str, LexborNode] | None = None


def read_body(
    container: LexborNode,
    *,
    region: LexborNode,
    title_node: LexborNode | None,
    title: str | None,
    remove: Sequence[LexborNode],
    skip_ids: set[int],
    end_markers: Iterable[str],
    outlets: Sequence[str],
    inside: set[int] | None = None,
) -> BodyText:
    """Read the body element ``container`` (``region`` holds it and the headline).

    ``remove``: elements already read (headline, date line, byline) and noise, taken
    out before the text is rendered. ``skip_ids``: page chrome, where no caption or
    source is looked for. ``inside``: the ids of ``container`` and the elements under it
    (:func:`~archiver.extract.content.element_ids`), when the caller listed them.
    """
    result = BodyText()
    pictures = container.css("img")
    result.captions = find_captions(region, container, title_node, skip_ids, pictures)
    result.source = _source_element(region, skip_ids, outlets)
    in_body = [c for c in result.captions if c.in_body]
    result.photo_story = _is_photo_story(container, in_body, len(pictures))
    kept = {c.node.mem_id for c in in_body if not c.video} if result.photo_story else set[int]()
    removed = [n for n in remove if not (kept and _holds_any(n, kept))]
    removed += [c.node for c in in_body if c.node.mem_id not in kept]
    remove_inside(container, removed, inside)
    if result.photo_story:
        # The lines typed under its pictures are a photo story's paragraphs, not captions.
        result.captions = [c for c in result.captions if c.marked or c.node.mem_id not in kept]
    blocks = content.body_blocks(
        container, title=title, end_markers=end_markers, keep_credited=result.photo_story
    )
    blocks, credited, result.signature = _trailing_credit(blocks, outlets)
    result.source = result.source or credited
    blocks = _without_opening_byline(_without_date_lines(_without_rights_notice(blocks)))
    blocks = _without_player_lines(blocks)
    blocks = _without_comment_rules(_without_note_after_rule(_without_post_footers(blocks)))
    result.blocks = blocks
    return result


def _is_photo_story(container: LexborNode, captions: list[Caption], pictures: int) -> bool:
    """Captions hold most of the body element's text: they are the narrative. A good part
    of it is enough when they read as narrative, not as press photos' captions (which
    credit the photographer: "Ảnh: Thuận Văn")."""
    told = [c for c in captions if not c.video]
    chars = sum(len(c.text) for c in told)
    # Pictures described by plain paragraphs, each closing on its photo's credit ("...
    # (Ảnh: Hải Long)."), tell the story as captions do: looked for where several pictures
    # have no marked caption, the captions alone do not make the story, and the text credits
    # several photos besides those captions.
    uncaptioned = pictures - sum(1 for c in captions if c.marked) >= _MIN_CREDITED_LINES
    if chars < _MIN_PHOTO_CAPTIONS and not uncaptioned:
        return False
    raw = container.text(deep=True)
    lines = 0
    # (A credit's colon first: counting it is cheap, most texts hold few.)
    if uncaptioned and raw.count(":") >= _MIN_CREDITED_LINES:
        marked = sum(_credits(c.text) for c in captions if c.marked)
        if _credits(raw) - marked >= _MIN_CREDITED_LINES:
            lines = _credited_paragraphs(container, {c.node.mem_id for c in captions})
    if chars + lines < _MIN_PHOTO_CAPTIONS:
        return False
    # The text's opening, white space collapsed, is no longer than the whole text so: where
    # it outweighs the captions, the whole does. (Splitting a whole text into its words
    # costs up to a million instructions a page; a few lines settle most texts.)
    enough = max((chars + lines) / _PHOTO_SHARE, chars / _NARRATIVE_SHARE)
    opening = collapsed_length(raw[: 2 * int(enough) + _OPENING_SLACK])
    if chars + lines < _PHOTO_SHARE * opening and chars < _NARRATIVE_SHARE * opening:
        return False
    total = collapsed_length(raw)
    if chars + lines >= _PHOTO_SHARE * total:
        return True
    credited = sum(1 for c in told if _PHOTO_CREDIT.search(c.text))
    return chars >= _NARRATIVE_SHARE * total and credited <= 0.2 * len(told)


#: Characters read past what the opening of a text must hold (see ``_is_photo_story``).
_OPENING_SLACK = 64


def _credits(text: str) -> int:
    """About how many photos ``text`` credits ("Ảnh: Hải Long", "ẢNH:", "Photo:"): a bound
    to decide whether its paragraphs are worth reading one by one."""
    # (Counted in C on the credits' ASCII tails: a regular expression over the whole text
    # costs a page thirty times more.)
    return sum(text.count(mark) for mark in _CREDIT_MARKS)


def _credited_paragraphs(container: LexborNode, caption_ids: set[int]) -> int:
    """The length of the paragraphs closing on a photo credit that no caption holds."""
    chars = 0
    for paragraph in container.css("p"):
        if paragraph.mem_id in caption_ids or ":" not in paragraph.text(deep=True)[-80:]:
            continue  # (the credit's colon closes the line: most paragraphs need no more)
        text = text_of(paragraph)
        if content.credited_line(text) and not caption_ids.intersection(
            p.mem_id for p in ancestors(paragraph)
        ):
            chars += len(text)
    return chars


def _holds_any(node: LexborNode, ids: set[int]) -> bool:
    return any(n.mem_id in ids for n in node.css("*"))


def _source_element(region: LexborNode, skip_ids: set[int], outlets: Sequence[str]) -> str | None:
    """The outlet named by an element marked as a source, near the article."""
    for node in region.css(_SOURCE_SELECTOR):
        if node.mem_id in skip_ids or skip_ids.intersection(p.mem_id for p in ancestors(node)):
            continue
        text = text_of(node)
        if not text or len(text) > _MAX_SOURCE_ELEMENT:
            continue
        if len(node.css(_SOURCE_SELECTOR)) > 1:  # (css() lists the element itself too)
            continue  # the innermost says it best ("Hà Lê Tài chính Plus" holds "Tài chính Plus")
        credit = byline.parse_credit(text, outlets=outlets, labelled=True)
        if credit is not None:
            return credit
    return None


def _trailing_credit(
    blocks: list[Block], outlets: Sequence[str]
) -> tuple[list[Block], str | None, tuple[str, str, LexborNode] | None]:
    """Take a closing credit line ("Theo TTXVN", "Nguồn: Báo Quảng Nam") out of the text,
    with the writer's name when the line signs it too ("Theo Minh Anh (Pháp luật TP.HCM)")."""
    for index in range(len(blocks) - 1, max(len(blocks) - _CREDIT_BLOCKS, 0) - 1, -1):
        block = blocks[index]
        if len(block.text) > _MAX_CREDIT_LINE:
            break
        credit = byline.parse_credit(block.text, outlets=outlets)
        if credit is not None:
            signed = byline.split_signature(block.text, outlets=outlets)
            signature = (block.text, signed[0], block.node) if signed else None
            return blocks[:index] + blocks[index + 1 :], credit, signature
    return blocks, None, None


#: A rights notice: "© 2013 Cable News Network", "Copyright 2008 Associated Press. All
#: rights reserved.", "Brought to you by NZPA © NZPA 2008"; not a © in a sentence.
_RIGHTS = re.compile(
    r"(?:©|\([cC]\)|\b[Cc]opyright\b|\bCOPYRIGHT\b)\s*(?:\([cC]\)\s*)?(?:\d{4}|[A-Z])"
    r"|\b[Aa]ll [Rr]ights [Rr]eserved\b"
)
_MAX_RIGHTS_LINE = 250
#: What every rights notice :data:`_RIGHTS` finds holds (searched first, in C: the regex
#: tries every character).
_RIGHTS_MARKS = ("©", "(c)", "(C)", "opyright", "OPYRIGHT", "ights")
#: ... which opens the line, or nearly ("The-CNN-Wire ™ & © 2013 ..."): at the end of a
#: paragraph it credits that paragraph's photo.
_RIGHTS_START = 40


#: Lines closing a text that belong to the page, not the article: the editor in charge
#: (Chinese and Japanese papers: "（责任编辑：张三）", "【纠错】"), a paywall's notice.
_CLOSING_NOTE = re.compile(
    r"^\W{0,3}(?:责任编辑|責任編輯|责编|編集担当|纠错)"
    r"|会員限定|有料会員|続きをお読み|"
    r"\b(?:for (?:paid )?subscribers only|subscribe (?:now )?to (?:continue|read)|"
    r"already a subscriber|to continue reading,? (?:please )?(?:log|sign) ?in)\b",
    re.IGNORECASE,
)
#: ... and what a blog's plugins leave of their boxes under the post: the author box's link
#: to the writer's posts ("Latest posts by Evan Symon (see all)"), a share bar's label
#: ("Spread the news:"), a rating widget ("GD Star Rating", "Title, 5.0 out of 5 based on 2
#: ratings", "(95 Stimmen: 4,73 von 5)", "(Noch keine Bewertungen)").
_PLUGIN_LINE = re.compile(
    r"^\W*(?:latest|recent|more) posts by .{1,60}\(see all\)\W*$"
    r"|^\W*(?:spread|share) the (?:news|word|love)\W*$"
    r"|^\W*gd star rating\W*$|\b\d(?:[.,]\d+)? out of \d+ based on \d+ (?:ratings?|votes?)\W*$"
    r"|^\W*\(?\d+ (?:stimmen|votes?|bewertungen)\s*:\s*\d(?:[.,]\d+)? (?:von|of|out of)"
    r"(?: of)? \d\)?\W*$|^\W*\(?noch keine bewertungen\)?\W*$",
    re.IGNORECASE,
)
#: What every line :data:`_PLUGIN_LINE` finds holds, lower-cased (looked for first).
_PLUGIN_MARKS = (
    "see all", " the news", " the word", " the love", "rating", "stimmen", "vote", "bewertung",
)  # fmt: skip
_MAX_CLOSING_NOTE = 150
#: The page's calls to the reader closing a text: share it, follow the outlet, subscribe to
#: its newsletter, get its app, support it ("Diesen Artikel teilen", "Síguenos en Telegram",
#: "Get the latest news straight to your phone with the X app."). (A line naming where the
#: outlet posts, "Follow X on Facebook and Twitter for more news", is often kept as text.)
_CALL_TO_ACTION = re.compile(
    r"\bshare (?:this|the) (?:article|story|post|page)\b|\bfollow us\b|newsletter\b"
    r"|\bsubscribe (?:now )?to (?:our|the)\b|\b(?:get|download)\b.{0,80}\bapps?\b"
    r"|\bapps? for (?:ios|android)\b|\bif you (?:enjoyed|liked) (?:reading )?this\b"
    r"|\bsupport (?:our|independent) (?:work|journalism)\b|\bwas this (?:article|post) helpful\b"
    r"|\b(?:artikel|beitrag|seite) teilen\b|\bwar (?:der|dieser) (?:artikel|beitrag) "
    r"(?:nützlich|hilfreich)\b|\bfolgen sie uns\b|\bs[ií]guenos\b|\bsuscr[ií]b(?:e|ete|ase|irse)\b"
    r"|\bcanal de telegram\b|\bsuivez-nous\b|\babonnez-vous\b|\bsubskrypcj"
    r"|\bsign up (?:here|now|today|for (?:our|the|free))\b|\bconsider supporting\b",
    re.IGNORECASE,
)
#: ... and for the readers' news: "When news happens: send photos, videos & tip-offs to ...",
#: "When you see news happening: SMS/MMS: ...", "Got a news tip?" (apart: looked for only
#: when "tip" or "news happen" occurs).
_NEWS_TIPS = re.compile(
    r"\bwhen (?:you see )?news happen(?:s|ing)\b|\b(?:got|have) a (?:news |story )?tip\b"
    r"|\bsend (?:us )?(?:your )?(?:photos|pictures|videos|(?:news |story )?tips|tip-offs)\b",
    re.IGNORECASE,
)
_MAX_CALL_TO_ACTION = 300
#: The closing lines looked at, at most (the page's and the text's).
_CLOSING_RUN = 6
#: What every call :data:`_CALL_TO_ACTION` finds holds, lower-cased (looked for first, in C:
#: the regex tries every character).
_CALL_MARKS = (
    "share", "follow", "newsletter", "subscri", " app", "enjoyed", "liked", "support",
    "helpful", "teilen", "nützlich", "hilfreich", "folgen", "guenos", "suscr", "telegram",
    "suivez", "abonnez", "subskrypc", "sign up", "consider",
)  # fmt: skip


def _without_rights_notice(blocks: list[Block]) -> list[Block]:
    """The text without the rights notice closing it (the agency's or the outlet's), nor
    the editor's credit, a paywall's notice or a call to share, follow or subscribe."""
    kept = list(blocks)
    # The last two lines, and the line above each one taken out: the page's closing lines
    # come in a run ("Möchten Sie den Artikel teilen?", "War der Artikel nützlich?", a rating).
    index, other, looked = len(kept) - 1, 0, 0
    while index > 0 and other < _CREDIT_BLOCKS - 1 and looked < _CLOSING_RUN:
        looked += 1
        text = kept[index].text
        notice = (
            _RIGHTS.search(text)
            if len(text) <= _MAX_RIGHTS_LINE and any(mark in text for mark in _RIGHTS_MARKS)
            else None
        )
        rights = notice is not None and notice.start() <= _RIGHTS_START
        if (
            rights
            or (len(text) <= _MAX_CLOSING_NOTE and _CLOSING_NOTE.search(text))
            or (len(text) <= _MAX_CLOSING_NOTE and _plugin_line(text))
            or (len(text) <= _MAX_CALL_TO_ACTION and _calls_to_act(text))
        ):
            del kept[index]
        else:
            other += 1
        index -= 1
    # Between paragraphs, a call is the page's when it is short and links to where it calls
    # (a sign-up box's "Sign up here", "... consider supporting our work? Just click here").
    return [
        block
        for block in kept
        if not (
            block.link_chars > 0  # (measured already: most blocks hold no link)
            and len(block.text) <= _MAX_LINKED_CALL
            and _calls_to_act(block.text)
            and _TO_THE_READER.search(block.text) is not None
        )
    ]


#: A linked call to the reader set between paragraphs is at most this long,
_MAX_LINKED_CALL = 160
#: and speaks to the reader (a sentence of the text reports: "... through its newsletter").
_TO_THE_READER = re.compile(
    r"\b(?:you|your|our|us|here|sie|ihr|dich|du|unser\w*|vous|nous|notre|nos|usted|nuestr\w*)\b",
    re.IGNORECASE,
)


_RULE = frozenset({"hr"})


def _without_note_after_rule(blocks: list[Block]) -> list[Block]:
    """The text without the note closing it below a horizontal rule, set wholly in italics
    (about a source, the author, a correction): the page's word on the text, not the text."""
    if len(blocks) < 2:
        return blocks
    last = blocks[-1]
    node = last.node
    if node.tag not in ("p", "div"):
        return blocks
    before, text_between = adjacent_element(node, after=False)
    if text_between or before is None:
        return blocks
    if before.tag != "hr" and first_tagged(before, _RULE, "hr") is None:
        return blocks
    if before.text(deep=True).strip() or last.text != " ".join(text_of(node).split()):
        return blocks
    italic = sum(len(i.text(deep=True).strip()) for i in node.css("em, i"))
    return blocks[:-1] if italic >= len(last.text) - len(node.css("em, i")) else blocks


#: A line opening the rules of a comment section: "The following are comments from the
#: readers ...", "Comments are moderated ...", "Please keep comments civil", "Kommentare
#: werden moderiert", "Les commentaires sont modérés".
_COMMENT_RULES = re.compile(
    r"^\W*(?:the following are (?:\w+ )?comments|(?:all )?(?:readers?'? )?comments? "
    r"(?:are|will be|may be|must be) (?:\w+ ){0,2}(?:moderated|reviewed|monitored|posted|"
    r"limited|no longer)|please (?:keep|be|remain|stay) (?:\w+ ){0,3}(?:civil|respectful|"
    r"polite|courteous|on[- ]topic)|(?:our )?comment(?:ing)? (?:policy|guidelines|rules)\b|"
    r"kommentare werden (?:\w+ ){0,3}(?:moderiert|geprüft|freigeschaltet)|"
    r"les commentaires sont (?:\w+ )?modérés)",
    re.IGNORECASE,
)
#: Or a line that names the comments (plural: "declined to comment" reports) and a rule
#: about them, in other words or languages ("... to review the comments before they are
#: published, please read our guidelines").
_COMMENTS_WORD = re.compile(
    r"\b(?:comments|kommentare|commentaires|comentarios|commenti)\b|التعليقات", re.IGNORECASE
)
_RULE_WORD = re.compile(
    r"\b(?:moderat\w*|modér\w*|guidelines?|policy|netiquette|richtlinien?|civil|respectful|"
    r"respektvoll)\b|مراجعة|سياسة|إرشادات|شروط",
    re.IGNORECASE,
)
#: (Among the last few lines only: a sentence of the text may say as much.)
_LOOSE_RULE_BLOCKS = 3
#: ... a line, not a paragraph of the text that quotes such rules.
_MAX_COMMENT_RULE = 400


#: What every line :data:`_COMMENT_RULES` finds holds, lower-cased: letters that, unlike
#: "i", "k" and "s", match no other letter than their capital when the regex ignores case.
_RULES_MARK, _RULES_PLEA = "omment", "plea"


def _may_open_rules(lowered: str) -> bool:
    """A line (``lowered``: lower-cased) may open the rules of a comment section (looked for
    first, in C: the regex tries every character of every line of the text)."""
    return _RULES_MARK in lowered or _RULES_PLEA in lowered


#: What every line :data:`_COMMENTS_WORD` finds holds: "om" lower-cased (no letter but their
#: capitals matches "o" or "m" when the regex ignores case), or the Arabic word as it is.
_COMMENTS_MARK = "om"
_COMMENTS_ARABIC = "التعليقات"


def _may_name_comments(lowered: str, text: str) -> bool:
    return _COMMENTS_MARK in lowered or _COMMENTS_ARABIC in text


def _without_comment_rules(blocks: list[Block]) -> list[Block]:
    """The text without the rules of the comment section set after it (what readers may
    post, who answers for it): from the line opening them to the end, when that is a few
    lines, less than the text before them (a paragraph of the text goes on after a sentence
    that reports such a rule). (One line alone may be the first of the comments.)"""
    for index in range(1, len(blocks)):
        text = blocks[index].text
        if len(text) > _MAX_COMMENT_RULE:
            continue
        lowered = text.lower()
        loose = index >= len(blocks) - _LOOSE_RULE_BLOCKS
        if (_may_open_rules(lowered) and _COMMENT_RULES.search(text)) or (
            loose
            and _may_name_comments(lowered, text)
            and _COMMENTS_WORD.search(text)
            and _RULE_WORD.search(text)
        ):
            rest = [len(b.text) for b in blocks[index:]]
            before = sum(len(b.text) for b in blocks[:index])
            if len(rest) > 1 and max(rest) <= _MAX_COMMENT_RULE and sum(rest) < before:
                return blocks[:index]
            break
    return blocks


def _plugin_line(text: str) -> bool:
    lowered = text.lower()
    return any(mark in lowered for mark in _PLUGIN_MARKS) and bool(_PLUGIN_LINE.search(text))


def _calls_to_act(text: str) -> bool:
    lowered = text.lower()
    if any(mark in lowered for mark in _CALL_MARKS) and _CALL_TO_ACTION.search(text):
        return True
    return ("tip" in lowered or "news happen" in lowered) and bool(_NEWS_TIPS.search(text))


#: A date line: "Submitted on Mon, 2019-01-21 13:49", "Updated: March 5, 2019 at 10:41 am",
#: "更新时间 2012年12月10日, 格林尼治标准时间10:41": a date and a few words of label, nothing else.
#: The months as German, French, Spanish, Italian and Portuguese dates name them ("20. Mai
#: 2019", "7 janvier 2020", "5 de mayo de 2020").
_MONTHS = (
    "januar|jänner|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|avril|juin|"
    "juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|"
    "julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|"
    "maggio|giugno|luglio|settembre|ottobre|dicembre|janeiro|fevereiro|março|maio|junho|julho|"
    "setembro|outubro|dezembro"
)
_DATE_PART = re.compile(
    r"\d{1,4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,4}|\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?"
    r"\s+\d{4}|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4}"
    rf"|\b\d{{1,2}}\.?\s+(?:de\s+)?(?:{_MONTHS}|april|august|september|november)\.?,?\s+(?:de\s+)?\d{{4}}"
    # ... and the day shown without its year before the time ("March 18 at 12:22 PM",
    # "Jan. 5 at 9:03 a.m.": a signature line's, beside the writer's "Follow @handle").
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}"
    r"(?:st|nd|rd|th)?,?\s+(?:at\s+)?(?=\d{1,2}\s*:\s*\d{2})",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"\d{1,2}\s*[:h]\s*\d{2}(?:\s*[:]\s*\d{2})?(?:\s*[ap]\.?m\.?)?", re.IGNORECASE)
_MAX_DATE_LINE = 60
_DATE_LABEL_WORDS = 4
#: Date lines are looked for among the first and the last few blocks.
_DATE_LINE_BLOCKS = 2


def _without_date_lines(blocks: list[Block]) -> list[Block]:
    """The text without a date line left at its start or end (the one the dates step read
    is gone already; this is another: "Submitted on ...", the update time), nor a blog
    post's line of labels (tags, categories)."""
    edges = {*range(_DATE_LINE_BLOCKS), *range(len(blocks) - _DATE_LINE_BLOCKS, len(blocks))}
    dated = {
        i
        for i in edges
        if 0 <= i < len(blocks)
        and (_is_date_line(blocks[i].text) or _is_post_labels(blocks[i].text))
    }
    if not dated or len(dated) == len(blocks):
        return blocks
    return [block for index, block in enumerate(blocks) if index not in dated]


#: A blog engine's line of labels around a post: "Posted in: NFL Network | comments",
#: "Related Topics: Foreign Policy, Health Care", "By X | 12:20 AM ET, 11/01/2011 Tags: FAQ",
#: "Kategorie: News, open3".
_POST_LABELS = re.compile(
    r"(?:^|\W)(?:tags|categories|related topics|filed under|posted in)\s*:"
    # ... as blog engines print them in German, French, Spanish and Portuguese, opening the
    # line (inside a sentence, "Kategorie:X" is a wiki's link)
    r"|^\W*(?:kategorien?|schlagw(?:ö|oe)rter|schlagworte|cat(?:é|e)gories?|(?:é|e)tiquettes"
    r"|categor(?:í|i)as?|etiquetas|marcadores)\s*:",
    re.IGNORECASE,
)
_MAX_POST_LABELS = 300
#: ... or this long when it gives two of them (the categories, then a long list of tags).
_MAX_POST_LABELS_LISTED = 600


#: The line a blog engine's theme prints under each post, in its words: "This entry was
#: posted in News and tagged X. Bookmark the permalink.", "Veröffentlicht unter Allgemein |
#: 1 Kommentar", "Der Beitrag wurde am ... veröffentlicht und wurde unter X abgelegt",
#: "Publié dans Actualités". (Phrases a sentence of an article does not use.)
_POST_FOOTER = re.compile(
    r"\bbookmark the permalink\b|\bthis (?:entry|post) was posted (?:in|on)\b"
    r"|\b(?:is|was) filed under\b|\bposted in .{1,80}\|\s*\d* ?(?:comments?|leave a comment)\b"
    r"|^\W*veröffentlicht (?:unter|in)\b|\babgelegt unter\b|\bunter .{1,120} abgelegt\b"
    r"|lesezeichen (?:für|auf) den permalink|^\W*publié dans\b|ajouter aux favoris le permalien"
    # ... and a line giving the post's own short address ("Permalink https://p.dw.com/p/3W").
    r"|^\W*(?:permalink|permalien)\W*https?://\S+$",
    re.IGNORECASE,
)
#: A footer that names the writer ("This was written by X. Filed under ...") signs the text:
#: it is left to the steps that read a closing byline.
_WRITTEN_BY = re.compile(r"\b(?:written by|geschrieben von|verfasst von|écrit par)\b")
#: ... with what else it tells (the comments' feed, trackbacks), at most this long.
_MAX_POST_FOOTER = 400
#: What every footer :data:`_POST_FOOTER` finds holds, its first letter left out for either
#: case (looked for first).
_POST_FOOTER_MARKS = ("ermali", "osted", "iled under", "eröffentlicht", "bgelegt", "ublié")


def _without_post_footers(blocks: list[Block]) -> list[Block]:
    """The text without the line a blog engine prints under the post (where it is filed, a
    link to itself, its comments), among its last few lines."""
    tail = max(len(blocks) - _CREDIT_BLOCKS, 0)
    # (Most texts have none: a few substring searches over the last lines at once tell.)
    last = "\n".join([b.text for b in blocks[tail:]])
    if not any(mark in last for mark in _POST_FOOTER_MARKS):
        return blocks
    return blocks[:tail] + [b for b in blocks[tail:] if not _is_post_footer(b.text)]


def _is_post_footer(text: str) -> bool:
    if len(text) > _MAX_POST_FOOTER or not any(mark in text for mark in _POST_FOOTER_MARKS):
        return False
    lowered = text.lower()
    return _POST_FOOTER.search(lowered) is not None and _WRITTEN_BY.search(lowered) is None


def _is_post_labels(text: str) -> bool:
    # (The regex, case-insensitive, tries every character: a line without a colon is none.)
    if len(text) > _MAX_POST_LABELS_LISTED or ":" not in text:
        return False
    if len(text) <= _MAX_POST_LABELS:
        return _POST_LABELS.search(text) is not None
    # A longer line is labels when it gives two lists of them ("Posted by X @ 5:56 am
    # Categories: A, B Tags: C, D, ..." with a dozen tags).
    return len(_POST_LABELS.findall(text)) >= 2


def _is_date_line(text: str) -> bool:
    if len(text) > _MAX_DATE_LINE:
        return False
    rest, found = _DATE_PART.subn(" ", text)
    if not found:
        return False
    label = re.findall(r"[^\W\d_]+", _CLOCK.sub(" ", rest))
    # "Hà Nội, ngày 12/3/2025" closing a letter or a decree is its text, not a date line.
    return len(label) <= _DATE_LABEL_WORDS and "ngày" not in (w.lower() for w in label)


#: A byline line as newsrooms of other languages print it above the text: "By Jane Roe",
#: "Von Max Muster, dpa", "Par Jean Dupont", "By Tom Pyman for MailOnline".
_OPENING_BYLINE = re.compile(r"^(?:by|von|par|por|door)\s+(?=[^\W\d_])", re.IGNORECASE)
#: Words that join the names of a byline (or name the outlet it writes for).
_NAME_JOINERS = frozenset(
    "and und et y e & for für pour para of de da del van von der den la le du zu".split()
)
_MAX_OPENING_BYLINE = 100
#: Byline lines are looked for among the first few blocks.
_OPENING_BLOCKS = 3
#: ... after the names, a comma may add the writer's title, outlet or town, this short.
_MAX_BYLINE_PART = 40


#: What an audio player set at the top of the text shows, each on a line of its own or run
#: together (the text-to-speech players of news sites: "Nghe bài viết", "0:00 / 3:45",
#: "Giọng nữ miền Bắc", "Tốc độ 1x 1.25x"; Radio Prague's "0:00", "Durée de l'audio 4:22"):
#: its label, with the times maybe; the times alone, or the length; a voice; the speeds.
#: Whole lines only: a sentence opening "Nghe tin ..." is text.
_PLAYER_LINE = re.compile(
    r"(?:nghe(?: đọc)?(?: (?:bài(?: viết| báo)?|tin|audio))?|đọc bài(?: viết)?"
    r"|listen(?: to (?:this|the) (?:article|story))?)\s*:?(?:\s*[\d:/]+)*"
    r"|(?:\s*\d{1,2}:\d{2}\s*/?)+|(?:thời lượng|durée de l'audio|duration)\s*:?\s*[\d:]+"
    r"|giọng (?:nam|nữ|đọc)(?: miền (?:bắc|trung|nam))?"
    r"|(?:tốc độ\s*:?)?(?:\s*\d(?:[.,]\d{1,2})?x)+|tốc độ",
    re.IGNORECASE,
)
#: The first lines looked at, and how long such a line may be.
_PLAYER_BLOCKS = 6
_MAX_PLAYER_LINE = 60


def _without_player_lines(blocks: list[Block]) -> list[Block]:
    """The text without the lines of an audio player left at its top (see
    :data:`_PLAYER_LINE`): the ``<audio>`` element is gone, its labels were read as text."""
    player = {
        index
        for index, block in enumerate(blocks[:_PLAYER_BLOCKS])
        if len(block.text) <= _MAX_PLAYER_LINE
        and _PLAYER_LINE.fullmatch(block.text.strip()) is not None
    }
    if not player or len(player) == len(blocks):
        return blocks
    return [block for index, block in enumerate(blocks) if index not in player]


def _without_opening_byline(blocks: list[Block]) -> list[Block]:
    """The text without a byline line left above it ("By Jane Roe, Reuters"): a line of
    names, not the text's first sentence ("By March the council had voted ...")."""
    for index, block in enumerate(blocks[:_OPENING_BLOCKS]):
        if len(blocks) > 1 and _is_opening_byline(block.text):
            return blocks[:index] + blocks[index + 1 :]
    return blocks


def _is_opening_byline(text: str) -> bool:
    if len(text) > _MAX_OPENING_BYLINE or _DIGIT.search(text):
        return False
    label = _OPENING_BYLINE.match(text)
    if label is None:
        return False
    names, *rest = text[label.end() :].split(",")
    words, stripped = names.split(), names.rstrip()
    if not words or len(words) > 8:
        return False
    if stripped.endswith((".", "!", "?", ":")) and not re.search(r"\b\w\.$", stripped):
        return False  # a sentence (an initial closes a name: "By Jane R.")
    if not all(w[0].isupper() or w.lower() in _NAME_JOINERS for w in words):
        return False
    if words[-1].lower() in _NAME_JOINERS:
        return False
    return all(
        len(part.strip()) <= _MAX_BYLINE_PART and not part.rstrip().endswith(("!", "?", ":"))
        for part in rest
    )


_DIGIT = re.compile(r"\d")


def remove_inside(
    container: LexborNode, nodes: Iterable[LexborNode | None], inside: set[int] | None = None
) -> None:
    """Remove ``nodes`` inside ``container`` (already read: title, date line, byline; noise).
    ``inside``: the ids of ``container`` and the elements under it, when known."""
    # (LexborNode.__eq__ compares markup, so identity is always checked through mem_id.)
    if inside is None:
        inside = content.element_ids(container)
    descendants = inside - {container.mem_id}
    inside: dict[int, tuple[int, LexborNode]] = {}
    for node in nodes:
        if node is not None and node.mem_id in descendants and node.mem_id not in inside:
            inside[node.mem_id] = (sum(1 for _ in ancestors(node)), node)
    # Deepest first, so no node is removed after an ancestor already freed it.
    for _, node in sorted(inside.values(), key=lambda item: item[0], reverse=True):
        node.decompose()


def is_photo_story(
    container: LexborNode, *, region: LexborNode, title_node: LexborNode | None, skip_ids: set[int]
) -> bool:
    """Whether :func:`read_body` with these arguments reads a photo story (its captions are
    then its paragraphs, and an element holding one is not taken out)."""
    pictures = container.css("img")
    captions = find_captions(region, container, title_node, skip_ids, pictures)
    return _is_photo_story(container, [c for c in captions if c.in_body], len(pictures))
