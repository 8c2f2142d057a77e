"""Names of publications and agencies: what a byline or a credit line may name instead of a person.

Compared with accents: "Bảo Anh" is a person, "Báo An Giang" an outlet, although both
fold to "bao an…". Only a name typed without any diacritic ("TUOI TRE ONLINE", the
metadata of some sites) is compared folded.

>>> is_outlet("Bảo Trâm")
False
>>> is_outlet("Báo Quảng Nam"), is_outlet("TTXVN"), is_outlet("Tuoi Tre Online")
(True, True, True)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from archiver.text import clean, compact_key

#: News agencies credited in place of a person ("Theo TTXVN"): never an author, on any site.
AGENCIES: tuple[str, ...] = (
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
    # The radio's channels and the television's, signed after a correspondent's name
    # ("Thu Hà/VOV1").
    "VOV1",
    "VOV2",
    "VOV3",
    "VOV4",
    "VOV5",
    "VOV6",
    "VOVTV",
    "VOV Giao thông",
    "VTV",
    "VTV1",
    "VTV4",
    "VTV24",
    "Đài Tiếng nói Việt Nam",
)

#: Publications credited at the end of republished articles ("Theo VnEconomy", "Nguồn: Zing").
KNOWN_OUTLETS: tuple[str, ...] = (
    "VnExpress",
    "Tuổi Trẻ",
    "Thanh Niên",
    "Dân trí",
    "VietNamNet",
    "Vietnamnet",
    "Zing",
    "Zing News",
    "Znews",
    "VnEconomy",
    "CafeF",
    "CafeBiz",
    "Lao Động",
    "Người Lao Động",
    "NLĐ",
    "Nhân Dân",
    "Quân đội nhân dân",
    "QĐND",
    "Công an nhân dân",
    "CAND",
    "VTC",
    "VTC News",
    "Tiền Phong",
    "Pháp luật TP.HCM",
    "PLO",
    "Sài Gòn Giải Phóng",
    "SGGP",
    "Hà Nội Mới",
    "Kinh tế & Đô thị",
    "Kinh tế và Đô thị",
    "VnMedia",
    "Infonet",
    "Soha",
    "Kenh14",
    "Kênh 14",
    "GenK",
    "24h",
    "Báo Mới",
    "Đời sống & Pháp luật",
    "Giáo dục & Thời đại",
    "Giáo dục Việt Nam",
    "Thể thao & Văn hóa",
    "Thể thao và Văn hóa",
    "Bóng đá",
    "Thethao247",
    "Webthethao",
    "Doanh nghiệp & Tiếp thị",
    "Doanh nghiệp và Tiếp thị",
    "Tài chính Plus",
    "Nhịp sống kinh tế",
    "Thời báo Kinh tế Sài Gòn",
    "The Saigon Times",
    "Đầu tư",
    "Đầu tư Chứng khoán",
    "Baodautu",
    "Chinhphu.vn",
    "Cổng TTĐT Chính phủ",
    "Vietstock",
    "VietnamFinance",
    "ICTnews",
    "VnReview",
    "Tinh tế",
    "Kiến thức",
    "Gia đình & Xã hội",
    "Phụ nữ Việt Nam",
    "Phụ nữ TP.HCM",
    "Sức khỏe & Đời sống",
    "Công Thương",
    "Nông nghiệp Việt Nam",
    "Đại đoàn kết",
    "Người Đô Thị",
    "Forbes",
    "The Guardian",
    "New York Times",
    "The New York Times",
    "Washington Post",
    "Wall Street Journal",
    "Financial Times",
    "The Economist",
    "Nikkei",
    "Nikkei Asia",
    "SCMP",
    "South China Morning Post",
    "Al Jazeera",
    "RT",
    "NHK",
    "Guardian",
    "Business Insider",
    "Insider",
    "CNBC",
    "Fox News",
    "NBC",
    "ABC",
    "CBS",
    "Daily Mail",
    "Mirror",
    "The Sun",
    "Sky Sports",
    "ESPN",
    "Goal",
    "Marca",
    "AS",
    "Global Times",
    "Thời báo Hoàn Cầu",
    # Vietnamese outlets credited in a writer's signature ("Minh Anh (Dân Việt)"), whose
    # names are no persons' and need no "Báo" before them to be read as publications.
    "Dân Việt",
    "VietnamPlus",
    "Vietnam Plus",
    "Tri thức trẻ",
    "Tri thức và Cuộc sống",
    "An ninh Thủ đô",
    "Thời báo Tài chính",
    "Lao động và Xã hội",
    "Lao động & Xã hội",
    "Đại biểu Nhân dân",
    "Tiếp thị và Gia đình",
    "Tiếp thị & Gia đình",
    "Pháp luật Việt Nam",
    "Bảo vệ pháp luật",
    "Nhà báo và Công luận",
    "Nhà báo & Công luận",
    "Dân tộc và Miền núi",
    "Nhịp sống thị trường",
    "Người Quan sát",
    "Thanh Niên Online",
    "Tuổi Trẻ Online",
    "Doanh nhân Sài Gòn",
    "Văn hóa và Đời sống",
    "Khoa học và Đời sống",
    "Khoa học & Đời sống",
    "Vietnamdaily",
)

#: Beginnings (lower case, accented) of names that are an institution or an account.
_INSTITUTION_STARTS = (
    "báo ",
    "tạp chí ",
    "tạp chí",
    "cổng thông tin",
    # A province's or district's media centre (which replaced many local papers in 2025):
    # "Thu Hà - Trung tâm Truyền thông tỉnh", "(Trung tâm VH-TT&TT huyện)".
    "trung tâm truyền thông",
    "trung tâm văn hóa",
    "trung tâm văn hoá",
    "trung tâm vh",
    "trung tâm thông tin",
    "cổng ttđt",
    "cổng tt",
    "trang thông tin",
    "trang tin ",
    "trang ttđt",
    "ban biên tập",
    "tòa soạn",
    "toà soạn",
    "đài phát thanh",
    "đài truyền hình",
    "đài ",
    "thông tấn",
    "nhà xuất bản",
    "online",
    "newspaper",
    "news ",
    "media",
    "group",
)
#: Beginnings of CMS account names shown in place of a byline ("admin admin").
_ACCOUNT_STARTS = ("admin", "administrator", "quản trị", "biên tập viên", "editor", "user")
_URL = re.compile(r"^(?:https?://|www\.)|\w\.(?:vn|com|net|org|info|gov)\b", re.IGNORECASE)
_NON_WORD = re.compile(r"[\W_]+")


def _accented_key(text: str) -> str:
    """Lower case, NFC, punctuation and spaces removed; the diacritics stay."""
    return _NON_WORD.sub("", unicodedata.normalize("NFC", text).lower())


def _has_diacritics(text: str) -> bool:
    return any(ord(c) > 127 for c in text)


@lru_cache(maxsize=4096)
def _keys(name: str) -> tuple[str, bool]:
    """The key ``name`` compares by, and whether it is folded (an unaccented spelling)."""
    if _has_diacritics(name):
        return _accented_key(name), False
    return compact_key(name), True


def _compare_keys(outlet: str, folded: bool) -> str:
    return compact_key(outlet) if folded else _accented_key(outlet)


_AGENCY_ACCENTED = frozenset(_accented_key(a) for a in AGENCIES)
_AGENCY_FOLDED = frozenset(compact_key(a) for a in AGENCIES)
_KNOWN_ACCENTED = frozenset(_accented_key(o) for o in KNOWN_OUTLETS) | _AGENCY_ACCENTED
_KNOWN_FOLDED = frozenset(compact_key(o) for o in KNOWN_OUTLETS) | _AGENCY_FOLDED


def is_agency(name: str) -> bool:
    """A news agency ("TTXVN", "Reuters", "Thông tấn xã Việt Nam")."""
    key, folded = _keys(clean(name))
    return key in (_AGENCY_FOLDED if folded else _AGENCY_ACCENTED)


def is_known_outlet(name: str) -> bool:
    """A publication or agency of the built-in lists (the whole name, any case)."""
    key, folded = _keys(clean(name))
    return key in (_KNOWN_FOLDED if folded else _KNOWN_ACCENTED)


def looks_like_institution(name: str) -> bool:
    """Named like a publication: "Báo …", "Tạp chí …", "Cổng thông tin …", "Đài …", a web
    address."""
    text = clean(name).lower()
    return text.startswith(_INSTITUTION_STARTS) or bool(_URL.search(text))


def is_account(name: str) -> bool:
    """A CMS account shown where a byline would be ("admin admin", "Quản trị viên")."""
    return clean(name).lower().startswith(_ACCOUNT_STARTS)


#: The words around a publication's name that say what it is, not which: "Báo Thanh Niên"
#: (its metadata) and "Thanh Niên Online" (its date line) are one outlet.
_KIND_HEAD = re.compile(
    r"^(?:báo điện tử|báo|tạp chí điện tử|tạp chí|trang thông tin điện tử|trang tin điện tử|"
    r"cổng thông tin điện tử)\s+",
    re.IGNORECASE,
)
_KIND_TAIL = re.compile(r"\s+(?:điện tử|online)$", re.IGNORECASE)


def _bare(name: str) -> str:
    """``name`` without the words that say it is a publication ("Báo …", "… Online")."""
    return _KIND_TAIL.sub("", _KIND_HEAD.sub("", name)) or name


def same_outlet(name: str, outlets: Iterable[str]) -> bool:
    """``name`` is one of ``outlets`` (the page's own names), or contains or is part of one,
    compared as written and without the words that say it is a publication."""
    key, folded = _keys(clean(name))
    if not key:
        return False
    bare_key = _name_keys(name, folded)[1]
    for outlet in outlets:
        if not outlet:
            continue
        other, other_bare = _name_keys(outlet, folded)
        if _overlap(key, other) or _overlap(bare_key, other_bare):
            return True
    return False


@lru_cache(maxsize=4096)
def _name_keys(name: str, folded: bool) -> tuple[str, str]:
    """The keys ``name`` compares by, as written and bare (a page asks for its own outlets'
    keys for every byline and credit line it reads)."""
    text = clean(name)
    return _compare_keys(text, folded), _compare_keys(_bare(text), folded)


def _overlap(key: str, other: str) -> bool:
    return bool(other) and (
        key == other or (len(other) >= 5 and other in key) or (len(key) >= 5 and key in other)
    )


def is_outlet(name: str, outlets: Iterable[str] = ()) -> bool:
    """True when ``name`` is a publication or a news agency, not a person ("VnExpress",
    "TUOI TRE ONLINE", "TTXVN", "Báo Quảng Nam"); ``outlets`` are the page's own names."""
    text = clean(name)
    if not text:
        return True
    return (
        is_known_outlet(text)
        or looks_like_institution(text)
        or is_account(text)
        or same_outlet(text, outlets)
    )
