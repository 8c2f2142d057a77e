"""Bylines, credit lines and view counts: who wrote the article, whose it is, how often read.

>>> parse_byline("Theo Hồ Hương")
'Hồ Hương'
>>> parse_credit("Theo TTXVN"), parse_credit("(Theo Forbes)"), parse_credit("Theo Hồ Hương")
('TTXVN', 'Forbes', None)
>>> parse_view_count("Lượt xem:  1.234")
1234
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from archiver.extract.outlets import is_account, is_outlet, same_outlet
from archiver.text import clean

# Labels that introduce a byline; the name follows.
_LABEL = re.compile(
    r"^(?:(?:bài|bài viết|bài và ảnh|bài, ảnh|bài & ảnh|bài/ảnh|bài - ảnh|tin|tin, ảnh|tin và ảnh|"
    r"tác giả|người viết|phóng viên|pv|btv|ctv|nhóm pv|thực hiện|nhóm thực hiện|biên tập|"
    r"written by|by|author|đăng bởi|người đăng|tin bài)\s*[:：\-–]\s*|(?:theo|by|bởi)\s+)",
    re.IGNORECASE,
)
_SUFFIX = re.compile(
    r"\s*\((?:tổng hợp|tổng hợp(?:\s*/|\s+(?:từ|theo)\s)[^)]*|t/h|th|thực hiện|ghi|dịch|lược dịch|"
    r"biên dịch)\)\s*$",
    re.IGNORECASE,
)
#: The writer's position after the name, in an author box ("Minh Anh Phóng viên").
_ROLE_TAIL = re.compile(
    r"\s*[-–,|]?\s*\(?(?:phóng viên|biên tập viên|cộng tác viên|nhà báo|thư ký tòa soạn"
    r"|(?-i:PV|BTV|CTV))"
    r"(?:\s+thường trú[^)]*)?\)?\s*$",
    re.IGNORECASE,
)
#: An author box's buttons and menu read after the name ("Tracie Egan Morrissey View Profile
#: Email RSS", "Minh Anh Theo dõi"): what a reader clicks, not part of the name (a box of
#: buttons alone names no one).
_WIDGET_LABELS = (
    r"(?:view profile|profile|e-?mail|rss|follow|facebook|twitter|linkedin"
    r"|instagram|zalo|theo dõi|đang theo dõi|xem hồ sơ|xem thêm(?: bài viết)?"
    r"|xem tất cả(?: bài viết)?|more articles|more by)"
)
#: (Links side by side with nothing between run their labels together: "FacebookEmail".)
_WIDGET_TAIL = re.compile(
    rf"(?:^|\s+){_WIDGET_LABELS}(?:\s*{_WIDGET_LABELS}(?=\s|$|(?-i:[A-ZĐ])))*\s*$",
    re.IGNORECASE,
)
#: The last words of :data:`_WIDGET_TAIL`'s labels: the regex is tried only after one (it
#: would be tried at every position of every byline).
_WIDGET_LAST_WORDS = tuple(
    "profile email e-mail rss follow facebook twitter linkedin instagram zalo dõi sơ thêm viết"
    " articles by".split()
)
#: A byline naming the newsroom's reporters as a group ("Nhóm phóng viên", "NHÓM PV"): the
#: role word is the name here, not a position after one (which would leave "Nhóm").
_COLLECTIVE = re.compile(r"^nhóm\s+(?:phóng viên|pv)$", re.IGNORECASE)
#: Who took the pictures, after the writer's name: "Minh Anh - Ảnh: Thu Hà".
_PHOTO_TAIL = re.compile(
    r"\s*[-–—,;]?\s*\(?(?:ảnh|hình ảnh|hình|video|clip|đồ họa|đồ hoạ)\s*:.*$", re.IGNORECASE
)
#: A rank or profession written out before the writer's name ("Thiếu tá Nguyễn Văn An",
#: "Đại tá, TS NGUYỄN VĂN HẢI", "Luật sư Trần Minh"): lower-case words that are still part of
#: the byline as displayed (abbreviations such as "TS." or "PGS.TS" need no such list).
_TITLE_HEAD = re.compile(
    r"^(?:(?:thiếu|trung|thượng|đại)\s+(?:úy|uý|tá|tướng)|đại tướng|luật sư|nhà văn|"
    r"nhà thơ|nhà giáo|bác sĩ|dược sĩ|thạc sĩ|tiến sĩ|phó giáo sư|giáo sư|kỹ sư|kiến trúc sư|"
    r"nghệ sĩ nhân dân|nghệ sĩ ưu tú|nghệ sĩ)\s*,?\s+(?=\S)",
    re.IGNORECASE,
)
#: A newsroom's title before the writer's name ("BTV Phương Linh", "PV Minh Anh", "Phóng viên
#: Thu Hà", "Nhà báo Lê Hoa"): the writer's job, not part of the name (a rank or a degree,
#: "Thiếu tá", "Luật sư", is kept as displayed). Abbreviations in capitals only.
_NEWSROOM_HEAD = re.compile(
    r"^(?:BTV|PV|CTV|BTV\.|PV\.|CTV\.|(?i:phóng viên|biên tập viên|cộng tác viên|nhà báo))"
    r"\s*,?\s+(?=\S)"
)
_ABBREVIATED = re.compile(r"\s+(?:và|cùng)\s+\d+\s+tác giả khác\s*$", re.IGNORECASE)
#: The number of the writer's posts, a badge after the name in an author box ("Minh Anh
#: (37)"); three digits at most, or grouped by thousands, so that a year is not taken for one.
_POST_COUNT = re.compile(r"\s*\((?:\d{1,3}|\d{1,3}(?:[.,]\d{3})+)\)$")
_DIGITS = re.compile(r"\d")
_EMAIL = re.compile(r"\s*\(?[\w.+-]+@[\w-]+(?:\.[\w-]+)+\)?\s*")
_DOMAIN = re.compile(r"\w\.(?:vn|com|net|org|info|gov)\b|www\.|@", re.IGNORECASE)
_NAME_WORD = re.compile(r"^[\w.'’()/-]+$")
_SEPARATOR_WORDS = frozenset({"-", "–", "—", "và", "&", ",", "/", "|"})
_MAX_LISTED_NAMES = 5


#: The labels that say a line is a byline ("Tin, ảnh: Minh Anh", "Tác giả: ..."), with the colon.
_COLON_LABEL = re.compile(
    r"^(?:bài|bài viết|bài và ảnh|bài, ảnh|bài & ảnh|bài/ảnh|bài - ảnh|tin|tin, ảnh|tin và ảnh|"
    r"tác giả|người viết|phóng viên|nhóm pv|thực hiện|nhóm thực hiện|tin bài|người đăng|"
    r"đăng bởi)\s*[:：]",
    re.IGNORECASE,
)


def is_labelled(raw: str) -> bool:
    """True for a line a byline label opens ("Tin, ảnh: Minh Anh"): a byline, however set."""
    return bool(_COLON_LABEL.match(clean(raw)))


#: A writer's bio under the name in an author box: it opens with the writer's position
#: ("Phóng viên mảng kinh tế, …", "Biên tập viên ban Thời sự").
_BIO_HEAD = re.compile(
    r"^(?:phóng viên|biên tập viên|cộng tác viên|nhà báo|thư ký tòa soạn|trưởng ban|phó ban"
    r"|(?-i:PV|BTV|CTV)|reporter|editor|correspondent|journalist|staff writer)\b",
    re.IGNORECASE,
)


def is_bio(raw: str) -> bool:
    """True for a line that tells who the writer is by the writer's position ("Phóng viên
    mảng kinh tế", "Biên tập viên ban Thời sự"). (Any sentence under a name is not: a
    testimonial's source, a related box's headline.)"""
    return bool(_BIO_HEAD.match(raw))


def is_abbreviated(raw: str) -> bool:
    """True for header bylines that hide co-authors ("NHẬT XUÂN và 1 tác giả khác")."""
    return bool(_ABBREVIATED.search(raw))


def parse_byline(raw: str | None, *, outlets: Iterable[str] = ()) -> str | None:
    """The person (or persons) named by a byline, as displayed; None if it names no one.

    Removes labels ("Theo", "Tác giả:", "Bài và ảnh:") and a " (tổng hợp)" suffix;
    rejects text that cannot be a name (dates, sentences, outlet names).
    """
    text = clean(raw)
    if "@" in text:
        # An e-mail address closes each author's name ("Thành Luân thanhluan34@gmail.com").
        text = _EMAIL.sub(" - ", text).strip(" -")
    if not text or len(text) > 120:
        return None
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    signed = _signature(text, outlets)
    if signed is not None:
        return signed[0]
    for _ in range(2):
        text = _LABEL.sub("", text).strip(" :-–—,.")
    if not _PHOTO_CREDIT.match(text):
        text = _PHOTO_TAIL.sub("", text)
    text = _SUFFIX.sub("", text)
    if _COLLECTIVE.match(text):
        return text
    if text[text.rfind(" ") + 1 :].lower().endswith(_WIDGET_LAST_WORDS):
        text = _WIDGET_TAIL.sub("", text)
    text = _ROLE_TAIL.sub("", text)
    text = _ABBREVIATED.sub("", text).strip(" :-–—,")
    text = _POST_COUNT.sub("", text)
    if not text or _DIGITS.search(text) or _DOMAIN.search(text):
        return None
    job = _NEWSROOM_HEAD.match(text)
    if job is not None:
        # The name after the title must stand as a byline on its own; the title goes.
        name = text[job.end() :]
        return name if parse_byline(name, outlets=outlets) == name else None
    title = _TITLE_HEAD.match(text)
    if title is not None:
        # The name after the rank must stand as a byline on its own; the rank is kept.
        name = text[title.end() :]
        return text if parse_byline(name, outlets=outlets) == name else None
    words = text.split()
    if len(words) > 10 or len([w for w in words if w not in _SEPARATOR_WORDS]) > 8:
        return None
    if text.endswith((".", "!", "?", ":")) and not re.search(r"\b\w\.$", text):
        return None
    if "," in text and not all(_NAME_WORD.match(w) or w in _SEPARATOR_WORDS for w in words):
        # Writers listed with commas ("Minh Anh, Thu Hà"): each part a name.
        parts = [part.strip() for part in text.split(",")]
        if len(parts) <= _MAX_LISTED_NAMES and all(
            part and parse_byline(part, outlets=outlets) == part for part in parts
        ):
            return ", ".join(parts)
        return None
    if not all(_NAME_WORD.match(w) or w in _SEPARATOR_WORDS for w in words):
        return None
    significant = [w for w in words if w not in _SEPARATOR_WORDS and w[0].isalpha()]
    if not significant or not all(w[0].isupper() for w in significant):
        return None
    if is_outlet(text, outlets):
        return None
    return text


#: Where a line giving the writer with the date or the views is cut: "|", "•", or a dash
#: before a date, a time or a date's label ("Thu Hà - 12/05/2025 15:20", "Tác giả: Thu Hà -
#: Ngày đăng: ...").
_META_SEPARATOR = re.compile(
    r"\s*[|•·]\s*|\s+[-–—]\s+(?=\d|(?:ngày|đăng|cập nhật|lượt|giờ|thứ)\b)"
    # Parts set in elements of their own, their labels run together in the line's text
    # ("Ngày đăng: 12/05/2025 Tác giả: Thu Hà Lượt xem: 1234").
    r"|\s+(?=(?:ngày đăng|ngày|tác giả|người viết|người đăng|đăng bởi|lượt xem|lượt đọc|"
    r"cập nhật|nguồn)\s*[:：])",
    re.IGNORECASE,
)
#: Labels that say the name after them is the writer's, found in a line of the header.
BYLINE_LABEL_HINT = re.compile(
    r"(?:tác giả|người viết|bài viết|bài và ảnh|bài, ảnh|bài|tin, ảnh|thực hiện|người đăng|"
    r"đăng bởi)\s*[:：]"
)
#: The last letters of those labels ("giả", "viết", "ảnh", "bài", "hiện", "đăng", "bởi"), and
#: the longest label's length: a label ends right before the spaces before its colon.
_LABEL_ENDS = frozenset("ảtihng")
_LABEL_REACH = 10
_COLON = re.compile("[:：]")


def label_positions(text: str) -> list[int]:
    """Where :data:`BYLINE_LABEL_HINT` matches in ``text.lower()``: the same positions, found
    from the colons. Lower-casing a whole page region and running the alternation over it
    cost ~0.1 ms a page; a label can only end at a colon (after spaces), so only the few
    characters before a colon that follows one of the labels' last letters are looked at.

    >>> label_positions("Thời sự 12:30. Tác giả : Thu Hà")
    [15]
    """
    if "\u0130" in text:  # "İ" lower-cases to two characters: positions would shift
        return [match.start() for match in BYLINE_LABEL_HINT.finditer(text.lower())]
    found = []
    floor = 0  # no label spans a colon: a match lies after the colon before its own
    for colon in _COLON.finditer(text):
        at = end = colon.start()
        while end > floor and text[end - 1].isspace():  # what the pattern's \s* takes
            end -= 1
        if end > floor and text[end - 1].lower() in _LABEL_ENDS:
            start = max(floor, end - _LABEL_REACH)
            match = BYLINE_LABEL_HINT.search(text[start : at + 1].lower())
            if match is not None:
                found.append(start + match.start())
        floor = at + 1
    return found


def name_in_meta_line(
    raw: str | None, *, outlets: Iterable[str] = (), labelled: bool = False
) -> str | None:
    """The writer a header line names beside the date or the views, as portals and many
    sites set it: "Thu Hà | 12/05/2025 15:20", "Ngày đăng: 12/05/2025 | Tác giả: Thu Hà |
    Lượt xem: 1.234". Every other part of the line holds a number (a date, a time, a count);
    ``labelled``: the name's part must carry a byline label ("Tác giả:").

    >>> name_in_meta_line("Ngày đăng: 12/05/2025 | Tác giả: Thu Hà | Lượt xem: 1.234")
    'Thu Hà'
    >>> name_in_meta_line("Thời sự | 12/05/2025 15:20") is None
    True
    """
    text = clean(raw)
    if not text or len(text) > _META_LINE:
        return None
    parts = [part for part in _META_SEPARATOR.split(text) if part.strip()]
    if len(parts) < 2:
        return None
    named = [
        (index, name)
        for index, part in enumerate(parts)
        if (name := parse_byline(part, outlets=outlets)) is not None
        and (not labelled or is_labelled(part))
    ]
    if len(named) != 1:
        return None
    index, name = named[0]
    others = (part for at, part in enumerate(parts) if at != index)
    return name if all(_DIGITS.search(part) for part in others) else None


_META_LINE = 160


_VIEW_PATTERNS = (
    re.compile(
        r"(?:số\s+)?(?:lượt|lần)\s+(?:xem|đọc|truy\s*cập|view)\s*[:：]?\s*(\d[\d.,]*)\s*([km])?\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?<![\w.,])(\d[\d.,]*)\s*([km])?\s*(?:lượt\s+(?:xem|đọc|view)|views?)\b", re.IGNORECASE
    ),
    re.compile(
        r"(?:^|[\s\-|–(])(?:xem|views?(?:\s*count)?|đã xem|lượt view|hits?)\s*[:：]\s*"
        r"(\d[\d.,]*)\s*([km])?\b",
        re.IGNORECASE,
    ),
)


# Searched in lower-cased text: a case-insensitive search is several times slower on long text.
VIEW_HINT = re.compile(r"(?:lượt|lần)\s*(?:xem|đọc|truy|view)|xem\s*:|views?\b|đã xem|hits?\s*:")


def mentions_views(text: str) -> bool:
    """Cheap test: could ``text`` hold a view count at all?"""
    low = text.lower()
    hinted = any(word in low for word in ("xem", "view", "lượt", "lần", "hit"))
    return hinted and VIEW_HINT.search(low) is not None


def parse_view_count(text: str | None) -> int | None:
    """Read a view count from a label line: "Lượt xem: 136", "7331 lượt xem", "Xem: 92", "1,2K"."""
    if not text:
        return None
    text = clean(text)
    for pattern in _VIEW_PATTERNS:
        match = pattern.search(text)
        if match:
            return _number(match.group(1), match.group(2))
    return None


def count_in_element(text: str) -> int | None:
    """The view count shown by an element a profile names: a labelled count or a bare number."""
    count = parse_view_count(text)
    if count is None and text.replace(".", "").replace(",", "").isdigit():
        count = parse_view_count(f"Lượt xem: {text}")
    return count


def _number(digits: str, suffix: str | None) -> int | None:
    digits = digits.rstrip(".,")
    multiplier = {"k": 1_000, "m": 1_000_000}.get((suffix or "").lower(), 1)
    if multiplier > 1:
        # "1,2K" and "1.2K": the separator is a decimal point here.
        try:
            return round(float(digits.replace(",", ".")) * multiplier)
        except ValueError:
            return None
    # Vietnamese uses "." for thousands; "," appears too. Both group by three.
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", digits) or digits.isdigit():
        value = int(re.sub(r"[.,]", "", digits))
        return value if value < 10**12 else None
    return None


# --- credit lines -----------------------------------------------------------------------

_CREDIT_LABEL = re.compile(
    r"^(?:nguồn(?:\s+tin)?(?:\s+bài)?\s*[:：]|source\s*:|(?:dẫn\s+)?theo\s+|via\s+)\s*",
    re.IGNORECASE,
)
_CREDIT_MAX = 100
_CREDIT_WORDS = 8
_LABELLED_WORDS = 10
_PHOTO_CREDIT = re.compile(
    r"^(?:ảnh|hình|hình ảnh|photo|video|clip|đồ họa|đồ hoạ|infographic|thiết kế)\b", re.IGNORECASE
)


#: A credit line names one outlet, or a few ("Theo Reuters, AFP, AP").
_MAX_LISTED_OUTLETS = 4


def parse_credit(
    raw: str | None, *, outlets: Iterable[str] = (), labelled: bool = False
) -> str | None:
    """The outlet a closing credit line names, as printed; None when it names a person, the
    page's own publication (``outlets``) or is running text.

    "Theo TTXVN" → "TTXVN", "Nguồn: Báo Quảng Nam" → "Báo Quảng Nam", "(Theo VnEconomy)"
    → "VnEconomy", "Theo https://mic.gov.vn/" → "https://mic.gov.vn/", "Báo Quảng Nam" →
    itself; "Theo Hồ Hương" (a person's byline) and "Theo báo cáo, ..." (a sentence) give
    None. ``labelled``: the element is marked as a source (``<p class="source">``), so a
    bare name that is not a person's is an outlet too ("Tài chính Plus").
    """
    text = clean(raw).strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    text = text.rstrip(" .;")
    if not text or len(text) > _CREDIT_MAX or ("@" in text and _EMAIL.search(text)):
        return None  # (an e-mail address: a writer's box, which credits no outlet)
    signed = _signature(text, outlets)
    if signed is not None:
        return signed[1]  # the outlet a writer's signature names, unless it is the page's own
    if _PHOTO_CREDIT.match(text):
        return None  # who took the pictures, not where the text comes from
    match = _CREDIT_LABEL.match(text)
    name = text[match.end() :].strip(" :-–—.") if match else text
    if not name or name.endswith((",", ":")):
        return None
    if "," in name:
        listed = _outlets_listed(name, outlets, labelled=labelled or match is not None)
        return name if listed else None
    if len(name.split()) > (_LABELLED_WORDS if labelled else _CREDIT_WORDS):
        return None
    if is_account(name) or same_outlet(name, outlets):
        return None  # a CMS account, or the page's own publication: no outside source
    if is_outlet(name, outlets):
        return name
    if match is None and not labelled:
        return None
    if match is not None and match.group().lower().startswith("nguồn"):
        return name  # "Nguồn:" always names where the text comes from
    # "Theo X": X is an outlet unless it reads as a person's name ("Theo Hồ Hương").
    if parse_byline(name, outlets=outlets) is None:
        return name if _reads_as_name_of_something(name, labelled) else None
    return name if _foreign_brand(name) else None


def _outlets_listed(name: str, outlets: Iterable[str], *, labelled: bool) -> bool:
    """A credit naming several outlets ("Theo Forbes, Newsweek"): after a label, each part
    an outlet on its own. A sentence ("Theo báo cáo, doanh thu ...") or persons' names
    ("Theo Hồ Hương, Lê Minh") are not."""
    if not labelled:
        return False
    parts = [part.strip() for part in name.split(",")]
    # (Names, capitalised and short, before each is parsed: most commas are in sentences.)
    return (
        len(parts) <= _MAX_LISTED_OUTLETS
        and all(part[:1].isupper() and len(part.split()) <= _CREDIT_WORDS for part in parts)
        and all(parse_credit(part, outlets=outlets, labelled=True) == part for part in parts)
    )


def _reads_as_name_of_something(name: str, labelled: bool) -> bool:
    """A capitalised title of a few words ("Tài chính Plus", "Doanh nghiệp và Tiếp thị"),
    not a sentence ("báo cáo cho thấy ..."); longer in an element marked as a source
    ("Hiệp hội Cà phê - Ca cao Việt Nam")."""
    words = _LABELLED_WORDS if labelled else 6
    return name[0].isupper() and len(name.split()) <= words and not name.endswith((".", "!", "?"))


def _foreign_brand(name: str) -> bool:
    """One Latin word without Vietnamese letters, long or oddly capitalised: "Forbes",
    "VnEconomy", "CNBC" (Vietnamese pen names have two syllables or more)."""
    if " " in name or not name.isascii() or not name.isalpha():
        return False
    return len(name) >= 6 or any(c.isupper() for c in name[1:])


# --- signatures: the writer and the outlet on one line --------------------------------

#: "Theo Minh Anh (Pháp luật TP.HCM)", "Minh Anh (theo Reuters)", "Minh Anh (TTXVN/Vietnam+)"
_PAREN_TAIL = re.compile(r"^(?P<lead>[^()]+?)\s*\((?P<inner>[^()]+)\)$")
#: "Minh Anh/VOV.VN", "Thu Hằng/VOV-Đông Bắc" (a correspondent of the outlet's bureau)
_SLASH_TAIL = re.compile(r"^(?P<lead>[^/()]+?)\s*/\s*(?P<inner>[^/()]+)$")
#: "Minh Anh - Báo Quảng Nam" (only when what follows the last dash is an outlet)
_DASH_TAIL = re.compile(r"^(?P<lead>.+?)\s+[-–—]\s+(?P<inner>[^-–—]+)$")
#: "Minh Anh<br>Báo Quảng Nam": the line break is gone from the text, the outlet's own word
#: ("Báo", "Tạp chí", "TTXVN"; in no person's name) still marks where the name ends.
_WORD_TAIL = re.compile(r"^(?P<lead>.+?)\s+(?P<inner>(?:Báo|Tạp chí|TTXVN)\b.*)$")
#: "Minh Anh<br>Theo Tiền Phong": the credit's own label, run on after the name.
_CREDIT_TAIL = re.compile(r"^(?P<lead>.+?)\s+(?P<inner>(?:[Tt]heo|Nguồn\s*:)\s+.+)$")
_OUTLET_HEAD = re.compile(r"^[^\s\-–/]+")
_SIGNATURE_MARKS = (
    "(",
    "/",
    " - ",
    " – ",
    " — ",
    " Báo ",
    " Tạp chí ",
    " TTXVN",
    " Theo ",
    " theo ",
    " Nguồn",
)


def split_signature(
    raw: str | None, *, outlets: Iterable[str] = ()
) -> tuple[str, str | None] | None:
    """A line that signs the text with the writer's name and the outlet together: (the
    person, the outlet credited, None when it is the page's own); None for anything else.

    >>> split_signature("Theo Minh Anh (Pháp luật TP.HCM)")
    ('Minh Anh', 'Pháp luật TP.HCM')
    >>> split_signature("Minh Anh (theo Reuters)"), split_signature("Thu Hằng/VOV-Đông Bắc")
    (('Minh Anh', 'Reuters'), ('Thu Hằng', 'VOV-Đông Bắc'))
    >>> split_signature("Minh Anh/VOV.VN", outlets=["VOV.VN"]), split_signature("Minh Anh - Thu Hà")
    (('Minh Anh', None), None)
    """
    text = clean(raw).rstrip(" .;")
    if not text or len(text) > _CREDIT_MAX:
        return None
    return _signature(text, outlets)


def _signature(text: str, outlets: Iterable[str]) -> tuple[str, str | None] | None:
    if not any(mark in text for mark in _SIGNATURE_MARKS):
        return None
    for pattern in (_PAREN_TAIL, _SLASH_TAIL, _DASH_TAIL, _WORD_TAIL, _CREDIT_TAIL):
        match = pattern.match(text)
        if match is None:
            continue
        inner = match.group("inner").strip()
        label = _CREDIT_LABEL.match(inner)
        name = inner[label.end() :].strip(" :-–—.") if label else inner
        if not _names_outlet(name, outlets):
            continue
        lead = match.group("lead")
        if not _CREDIT_LABEL.sub("", _LABEL.sub("", lead + " ")).strip(" :-–—"):
            continue  # "Theo Báo Quảng Nam": a label, then the outlet; no one signs
        person = parse_byline(lead, outlets=outlets)
        if person is None:
            continue
        return person, None if same_outlet(name, outlets) else name
    return None


def _names_outlet(name: str, outlets: Iterable[str]) -> bool:
    """``name`` is an outlet, or an outlet's bureau ("VOV-Đông Bắc", "TTXVN tại Paris")."""
    if not name or not name[0].isupper() or len(name.split()) > _CREDIT_WORDS:
        return False
    if is_outlet(name, outlets):
        return True
    head = _OUTLET_HEAD.match(name)
    return head is not None and head.group() != name and is_outlet(head.group(), outlets)
