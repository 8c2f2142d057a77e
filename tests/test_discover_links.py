"""Outgoing links of a page and the article/listing/other classification of URLs."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from archiver.discover import links
from archiver.discover.links import (
    Anchors,
    Link,
    _path_query,
    base_url_of,
    classify,
    extract_links,
    link_urls,
    looks_like_article,
    looks_like_listing,
)
from archiver.text import clean

PAGE_URL = "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2931"
PAGE = """<html><head><title>x</title></head><body>
<a href="/CMSPages/BaiViet/Default.aspx?IDBaiViet=2930&amp;utm_source=fb">Tam  Kỳ
   dẫn đầu</a>
<a href="Default.aspx?IDBaiViet=2929">Tin cũ</a>
<a href="http://TAMKY.gov.vn:80/CMSPages/BaiViet/Default.aspx?IDBaiViet=2930">again</a>
<a href="#top">Lên đầu</a>
<a href="javascript:void(0)">JS</a>
<a href="JavaScript:__doPostBack('a','')">JS2</a>
<a href="mailto:ubnd@tamky.gov.vn">Mail</a>
<a href="tel:0235">Phone</a>
<a href="ftp://tamky.gov.vn/file">FTP</a>
<a href="">empty</a>
<a href="https://quangnam.gov.vn/webcenter/portal/ubnd/pages_tin-tuc/chi-tiet?dDocName=PORTAL174180"
   title="Quảng Nam"><img src="x.png" alt="ignored because title wins"></a>
<a href="/images/anh.jpg"><img src="/images/anh.jpg" alt="Ảnh  hội nghị"></a>
<a href="?IDBaiViet=2931">self</a>
<map><area href="/ban-do.html" alt="Bản đồ"></map>
</body></html>"""


def test_links_are_normalised_deduplicated_and_filtered() -> None:
    links = extract_links(PAGE.encode(), PAGE_URL)
    assert links == [
        Link("http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2930", "Tam Kỳ dẫn đầu"),
        Link("http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2929", "Tin cũ"),
        Link(
            "https://quangnam.gov.vn/webcenter/portal/ubnd/pages_tin-tuc/chi-tiet"
            "?dDocName=PORTAL174180",
            "Quảng Nam",
        ),
        Link("http://tamky.gov.vn/images/anh.jpg", "Ảnh hội nghị"),
        Link("http://tamky.gov.vn/ban-do.html", ""),
    ]


def test_tree_and_bytes_give_the_same_links() -> None:
    assert extract_links(LexborHTMLParser(PAGE), PAGE_URL) == extract_links(PAGE, PAGE_URL)


def test_base_href_changes_how_relative_links_resolve() -> None:
    page = '<head><base href="https://vnexpress.net/the-thao/"></head><a href="bong-da.html">x</a>'
    tree = LexborHTMLParser(page)
    assert base_url_of(tree, "https://vnexpress.net/a/b.html") == "https://vnexpress.net/the-thao/"
    assert extract_links(tree, "https://vnexpress.net/a/b.html")[0].url == (
        "https://vnexpress.net/the-thao/bong-da.html"
    )


def test_relative_base_href_resolves_against_the_page() -> None:
    tree = LexborHTMLParser('<base href="/tin/"><a href="a.html">a</a>')
    assert extract_links(tree, "http://a.vn/x/y.html")[0].url == "http://a.vn/tin/a.html"


def test_later_anchor_text_fills_an_empty_first_one() -> None:
    page = '<a href="/a-b-c-12345.html"><img src="x"></a><a href="/a-b-c-12345.html">Tiêu đề</a>'
    assert extract_links(page, "http://a.vn/") == [Link("http://a.vn/a-b-c-12345.html", "Tiêu đề")]


@pytest.mark.parametrize(
    "page",
    [
        PAGE,
        # A URL first linked without text keeps its first place when a later link names it.
        '<a href="/b-1.html"><img src="x"></a><a href="/c-2.html">C</a><a href="/b-1.html">B</a>'
        '<a href="/C-2.html">c</a><a href="//a.vn/b-1.html#x">b</a>',
    ],
)
def test_link_urls_are_the_urls_of_extract_links_in_order(page: str) -> None:
    tree = LexborHTMLParser(page)
    assert link_urls(tree, PAGE_URL) == [link.url for link in extract_links(tree, PAGE_URL)]


def test_anchor_text_is_cleaned_like_archiver_text_clean() -> None:
    raw = "Thu\u0309 tu\u031b\u1edbng\u00a0 \u200bho\u0300a"
    page = f'<a href="/x">{raw}</a><a href="/y">Quảng\tNam</a>'
    texts = [link.text for link in extract_links(page, "http://a.vn/")]
    assert texts == [clean(raw), "Quảng Nam"]


@pytest.mark.parametrize(
    "url",
    [
        "https://dantri.com.vn/bat-dong-san/can-ho-chung-cu-di-nguoc-lan-song-20221224095943188.htm",
        "https://vnexpress.net/ha-noi-ret-dam-nhat-tu-dau-mua-4220047.html",
        "https://thanhnien.vn/gia-vang-hom-nay-tang-manh-185230104.htm",
        "https://kenh14.vn/sao-viet-don-giang-sinh-215221224.chn",
        "https://znews.vn/doi-tuyen-viet-nam-thang-dam-post1234567.html",
        "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2931",
        "https://quangnam.gov.vn/webcenter/portal/ubnd/pages_tin-tuc/chi-tiet?dDocName=PORTAL174180",
        "http://hoian.gov.vn/tin-tuc/hoi-an-don-nhan-bang-cong-nhan-di-tich.html",
        "http://portal.vn/index.php?option=com_content&view=article&id=12&Itemid=5",
    ],
)
def test_article_shapes(url: str) -> None:
    assert looks_like_article(url)
    assert classify(url) == "article"


@pytest.mark.parametrize(
    "url",
    [
        "https://dantri.com.vn/",
        "https://dantri.com.vn/xa-hoi.htm",
        "https://dantri.com.vn/xa-hoi/trang-2.htm",
        "https://vnexpress.net/kinh-doanh/bat-dong-san",
        "https://vnexpress.net/the-thao/p2",
        "https://vnexpress.net/thoi-su/",
        "http://tamky.gov.vn/CMSPages/BaiViet/ChuyenMuc.aspx?IDChuyenMuc=5",
        "http://tamky.gov.vn/CMSPages/BaiViet/XemTheoNgay.aspx?Ngay=04/07/2018",
        "http://portal.vn/tin-tuc?page=3",
        "http://portal.vn/tin-tuc/ngay-2018-07-04",
        "https://blog.vn/category/tin/page/2/",
    ],
)
def test_listing_shapes(url: str) -> None:
    assert looks_like_listing(url)
    assert classify(url) == "listing"


@pytest.mark.parametrize(
    "url",
    [
        "https://dantri.com.vn/static/css/site.min.css?v=3",
        "https://vnexpress.net/tac-gia/nguyen-van-a/bai-viet/anh/x/y.jpg",
        "http://tamky.gov.vn/uploads/2018/van-ban-so-123.pdf",
    ],
)
def test_other_shapes(url: str) -> None:
    assert classify(url) == "other"


def test_profile_patterns_take_precedence_over_heuristics() -> None:
    url = "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2931"
    assert classify(url, article_patterns=[r"/tin/\d+$"], listing_patterns=["IDBaiViet"]) == (
        "listing"
    )
    assert classify(url, article_patterns=[re.compile(r"idbaiviet=\d+", re.I)]) == "article"


def test_a_kind_without_patterns_falls_back_on_heuristics() -> None:
    assert classify("https://dantri.com.vn/xa-hoi/trang-3.htm", article_patterns=["IDBaiViet"]) == (
        "listing"
    )
    assert classify("https://vnexpress.net/a-b-c-4220047.html", listing_patterns=["/p\\d+$"]) == (
        "article"
    )


def test_saved_dantri_page_gives_distinct_absolute_links() -> None:
    # A saved real page, studied in place (skipped when ../shared is absent).
    from pathlib import Path

    page = Path("/work/shared/realpages/dantri.com.vn").glob("*20221224095943188.html")
    path = next(iter(page), None)
    if path is None:
        pytest.skip("shared real pages not available")
    links = extract_links(path.read_bytes(), "https://dantri.com.vn/bat-dong-san/x.htm")
    assert len(links) > 50
    assert all(link.url.startswith(("http://", "https://")) for link in links)
    assert len({link.url for link in links}) == len(links)


def test_links_pager_and_feeds_resolve_against_the_base_href_the_anchors_keep() -> None:
    from archiver.discover import Anchors, find_feed_links, next_page_links

    page = (
        '<head><base href=" /tin/ "></head><body><a href="bai-1.html">Một</a>'
        '<a href="trang-2.html">2</a><a href="trang-3.html">3</a>'
        '<a href="rss/tin.rss">RSS</a></body>'
    )
    tree = LexborHTMLParser(page)
    anchors = Anchors(tree)
    assert anchors.base_href == "/tin/"
    url = "http://a.vn/x/trang-1.html"
    assert link_urls(tree, url, anchors=anchors)[0] == "http://a.vn/tin/bai-1.html"
    assert next_page_links(tree, url, anchors=anchors).next == ("http://a.vn/tin/trang-2.html",)
    assert [f.url for f in find_feed_links(tree, url, anchors=anchors)] == [
        "http://a.vn/tin/rss/tin.rss"
    ]
    assert Anchors(LexborHTMLParser('<a href="a.html">a</a>')).base_href == ""


_url_text = st.text(alphabet="abcXYZ019-_./:?=&#%[]@ \té", max_size=30)


@given(
    st.sampled_from(["http://", "https://", "HTTP://", " http://", "ftp://", "", "//"]), _url_text
)
def test_path_and_query_are_those_urlsplit_reads(prefix: str, rest: str) -> None:
    url = prefix + rest
    try:
        parts = urlsplit(url)
    except ValueError:
        return  # (brackets round no IPv6 address: the slow path raises as urlsplit does)
    assert _path_query(url) == (parts.path, parts.query)


def test_a_normalised_link_is_split_without_urlsplit(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(url: str) -> None:
        raise AssertionError(f"urlsplit({url!r})")

    monkeypatch.setattr(links, "urlsplit", refuse)
    assert classify("http://h.vn:8080/thoi-su/a-b-c-d-e-123.html") == "article"
    assert classify("https://h.vn/thoi-su?page=2") == "listing"
    assert classify("https://h.vn") == "listing"


# Pieces of the URL shapes the heuristics look for, in both cases, and the non-ASCII
# letters and digits a case-blind [a-z] or \d also takes (the Kelvin sign, long s, Turkish i).
_shape_piece = st.sampled_from(
    [
        "/",
        "-",
        ".",
        "trang",
        "PAGE",
        "p",
        "ngay",
        "Date",
        "archive",
        "luu-tru",
        "Category",
        "tag",
        "tags",
        "tim-kiem",
        "Search",
        "xemtheongay",
        "ChuyenMuc",
        "chuyen-muc",
        "danh-muc",
        "2",
        "2024",
        "123456",
        "htm",
        "html",
        "aspx",
        "shtml",
        "a",
        "Bc",
        "post",
        "\u212a",
        "\u017f",
        "\u0130",
        "\u0131",
        "\u0663",
        "é",
        "\n",
        "_",
    ]
)
_shape = st.lists(_shape_piece, max_size=14).map("".join)


@given(_shape)
@example("/\u017fearch")  # long s: "/search" to a case-blind pattern
@example("a-b-c-\u212a12345.htm")  # Kelvin sign: "k" to a case-blind [a-z]
@example("a-b-c-d-\u0130")
def test_the_cheap_shape_tests_agree_with_the_patterns(text: str) -> None:
    assert links._listing_path(text) == bool(links._LISTING_PATH.search(text))
    assert links._article_id_slug(text) == bool(links._ARTICLE_ID_SLUG.fullmatch(text))
    assert links._long_slug(text) == bool(links._LONG_SLUG.fullmatch(text))


_attr_value = st.sampled_from(
    [
        None,
        "",
        "next",
        "NEXT prev",
        "btn next-page",
        "Next",
        "nex t",
        "nofollow",
        "ne\u212at",
        "\uff4eext",
        "alternate",
    ]
)
_element = st.tuples(
    st.sampled_from(["a", "link", "area", "span"]), st.booleans(), _attr_value, _attr_value
)


def _markup(tag: str, href: bool, rel: str | None, cls: str | None) -> str:
    attrs = "".join(
        f' {name}="{value}"' if value else f" {name}" if value == "" else ""
        for name, value in (("href", "/p" if href else None), ("rel", rel), ("class", cls))
    )
    return f"<{tag}{attrs}>x</{tag}>" if tag != "link" else f"<{tag}{attrs}>"


@given(st.lists(st.tuples(_attr_value, st.lists(_element, max_size=3)), max_size=6))
def test_marked_elements_are_those_the_pager_and_feed_selectors_find(
    boxes: list[tuple[str | None, list[tuple[str, bool, str | None, str | None]]]],
) -> None:
    html = "".join(
        f'<div class="{cls}">' + "".join(_markup(*e) for e in elements) + "</div>"
        if cls is not None
        else "".join(_markup(*e) for e in elements)
        for cls, elements in boxes
    )
    tree = LexborHTMLParser(f"<html><head><link href=/feed rel=alternate></head><body>{html}")
    anchors = Anchors(tree)
    ids = [node.mem_id for node in anchors.head_links()]
    assert ids == [node.mem_id for node in tree.css("link[href]")]
    classed = tree.css('a[href][class*="next" i], [class*="next" i] > a[href]')
    assert anchors.next_classed() == {node.mem_id for node in classed}
    rel = [n.mem_id for n in anchors.marked() if n.attrs.get("rel")]
    assert rel == [
        n.mem_id for n in tree.css("link[rel][href], a[rel][href]") if n.attrs.get("rel")
    ]
