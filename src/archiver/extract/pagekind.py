"""Pages that are not articles by what they are for: a site's home, its "about", "contact" and
site-map pages, its search. The archive keeps articles; these stay as fetches.

Told by the URL's last path segment (``/gioi-thieu``, ``/CMSPages/LienHe.aspx``,
``/so-do-site``) or, when the page shows no publication date, by its heading ("Giới thiệu
chung", "Liên hệ", "Sơ đồ cổng thông tin"). Listings and tables of data are told apart by
their content (:mod:`archiver.extract.content`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from archiver.text import fold

#: Folded, with separators removed: "gioi-thieu", "GioiThieu.aspx", "gioi_thieu" all match.
_FURNITURE_SEGMENTS = frozenset(
    {
        "gioithieu",
        "gioithieuchung",
        "lienhe",
        "lienhegopy",
        "gopy",
        "sodosite",
        "sodocong",
        "sodotrang",
        "sodowebsite",
        "sitemap",
        "timkiem",
        "ketquatimkiem",
        "dangnhap",
        "dangky",
        "about",
        "aboutus",
        "contact",
        "contactus",
        "search",
        "login",
    }
)
#: Headings of such pages (folded), matched at the start of a short heading.
_FURNITURE_TITLES = (
    "gioi thieu",
    "lien he",
    "so do site",
    "so do cong",
    "so do trang",
    "so do website",
    "ban do site",
    "tim kiem",
    "ket qua tim kiem",
    "dang nhap",
    "thong tin lien he",
    "about us",
    "contact us",
    "site map",
    "sitemap",
)
_MAX_TITLE_WORDS = 8
_EXTENSION = re.compile(r"\.(?:aspx?|php|html?|jsp|do|cfm)$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[-_.\s]+")


def is_site_home(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.path in ("", "/") and not parts.query


@lru_cache(maxsize=1024)
def furniture_url(url: str) -> bool:
    """The URL names an about, contact, site-map, search or login page. (Cached: a crawl asks
    it of a seed's, listing's or other page before extracting it, and the extraction again.)"""
    path = urlsplit(url).path.rstrip("/")
    segment = _EXTENSION.sub("", unquote(path.rsplit("/", 1)[-1]))
    return _SEPARATORS.sub("", fold(segment)) in _FURNITURE_SEGMENTS


def furniture_title(title: str | None) -> bool:
    """A short heading that names such a page ("Giới thiệu chung", "Liên hệ - Góp ý")."""
    if not title or len(title.split()) > _MAX_TITLE_WORDS:
        return False
    return fold(title).startswith(_FURNITURE_TITLES)
