"""Bylines and view counts: who wrote the article, and how many times it was read.

>>> parse_byline("Theo Hồ Hương")
'Hồ Hương'
>>> parse_view_count("Lượt xem:  1.234")
1234
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from archiver.text import clean, compact_key, fold

# Labels that introduce a byline; the name follows.
_LABEL = re.compile(
    r"^(?:(?:bài|bài viết|bài và ảnh|bài, ảnh|bài & ảnh|bài/ảnh|bài - ảnh|tin|tin, ảnh|tin và ảnh|"
    r"tác giả|người viết|phóng viên|pv|nhóm pv|thực hiện|nhóm thực hiện|biên tập|"
    r"written by|by|author|đăng bởi|người đăng|tin bài)\s*[:：\-–]\s*|(?:theo|by|bởi)\s+)",
    re.IGNORECASE,
)
_SUFFIX = re.compile(r"\s*\((?:tổng hợp|tổng hợp/[^)]*|t/h|th)\)\s*$", re.IGNORECASE)
_ABBREVIATED = re.compile(r"\s+(?:và|cùng)\s+\d+\s+tác giả khác\s*$", re.IGNORECASE)
_DIGITS = re.compile(r"\d")
_DOMAIN = re.compile(r"\w\.(?:vn|com|net|org|info|gov)\b|www\.|@", re.IGNORECASE)
_NAME_WORD = re.compile(r"^[\w.'’()/-]+$")
_SEPARATOR_WORDS = frozenset({"-", "–", "—", "và", "&", ",", "/", "|"})
#: Folded beginnings of names that are an institution or an account, not a person.
_NON_PERSON = tuple(
    fold(w)
    for w in (
        "Báo",
        "Tạp chí",
        "Cổng thông tin",
        "Trang",
        "Ban biên tập",
        "Tòa soạn",
        "Admin",
        "Administrator",
        "Quản trị",
        "Online",
        "Newspaper",
        "News",
        "Media",
        "Group",
    )
)

#: News agencies credited in place of a person ("Theo TTXVN"): never an author, on any site.
_AGENCIES = frozenset(
    compact_key(w)
    for w in (
        "TTXVN",
        "Thông tấn xã Việt Nam",
        "TTXVN/Vietnam+",
        "Vietnam+",
        "VNA",
        "VNS",
        "TTXVN/VNA",
        "Reuters",
        "AFP",
        "AP",
        "Xinhua",
        "Tân Hoa xã",
        "TASS",
        "Sputnik",
        "Bloomberg",
        "Yonhap",
        "Kyodo",
        "CNN",
        "BBC",
        "VOV",
        "VTV",
        "Đài Tiếng nói Việt Nam",
    )
)


def is_abbreviated(raw: str) -> bool:
    """True for header bylines that hide co-authors ("NHẬT XUÂN và 1 tác giả khác")."""
    return bool(_ABBREVIATED.search(raw))


def parse_byline(raw: str | None, *, outlets: Iterable[str] = ()) -> str | None:
    """The person (or persons) named by a byline, as displayed; None if it names no one.

    Removes labels ("Theo", "Tác giả:", "Bài và ảnh:") and a " (tổng hợp)" suffix;
    rejects text that cannot be a name (dates, sentences, outlet names).
    """
    text = clean(raw)
    if not text or len(text) > 120:
        return None
    for _ in range(2):
        text = _LABEL.sub("", text).strip(" :-–—,.")
    text = _SUFFIX.sub("", text)
    text = _ABBREVIATED.sub("", text).strip(" :-–—,")
    if not text or _DIGITS.search(text) or _DOMAIN.search(text):
        return None
    words = text.split()
    if len(words) > 10 or len([w for w in words if w not in _SEPARATOR_WORDS]) > 8:
        return None
    if text.endswith((".", "!", "?", ":")) and not re.search(r"\b\w\.$", text):
        return None
    if not all(_NAME_WORD.match(w) or w in _SEPARATOR_WORDS for w in words):
        return None
    significant = [w for w in words if w not in _SEPARATOR_WORDS and w[0].isalpha()]
    if not significant or not all(w[0].isupper() for w in significant):
        return None
    if is_outlet(text, outlets):
        return None
    return text


def is_outlet(name: str, outlets: Iterable[str]) -> bool:
    """True when ``name`` is the publication or a news agency, not a person ("VnExpress",
    "TUOI TRE ONLINE", "TTXVN")."""
    key = compact_key(name)
    if not key or key in _AGENCIES:
        return True
    for outlet in outlets:
        other = compact_key(outlet)
        if other and (
            key == other or (len(other) >= 5 and other in key) or (len(key) >= 5 and key in other)
        ):
            return True
    return fold(name).startswith(_NON_PERSON)


_VIEW_PATTERNS = (
    re.compile(
        r"(?:số\s+)?lượt\s+(?:xem|đọc|truy\s*cập|view)\s*[:：]?\s*(\d[\d.,]*)\s*([km])?\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?<![\w.,])(\d[\d.,]*)\s*([km])?\s*(?:lượt\s+(?:xem|đọc|view)|views?)\b", re.IGNORECASE
    ),
    re.compile(
        r"(?:^|[\s\-|–(])(?:xem|views?|đã xem|lượt view)\s*[:：]\s*(\d[\d.,]*)\s*([km])?\b",
        re.IGNORECASE,
    ),
)


# Searched in lower-cased text: a case-insensitive search is several times slower on long text.
_VIEW_HINT = re.compile(r"lượt\s*(?:xem|đọc|truy|view)|xem\s*:|views?\b|đã xem")


def mentions_views(text: str) -> bool:
    """Cheap test: could ``text`` hold a view count at all?"""
    low = text.lower()
    return ("xem" in low or "view" in low or "lượt" in low) and _VIEW_HINT.search(low) is not None


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
