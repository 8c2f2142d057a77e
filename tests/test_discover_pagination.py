"""Pagination: next-page links by rel, label, class and number; postback pagers reported."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from archiver.discover import pagination
from archiver.discover.pagination import PostBack, current_page_number, next_page_links

LISTING = "https://dantri.com.vn/xa-hoi/trang-2.htm"


def test_rel_next_comes_first() -> None:
    page = (
        '<head><link rel="next" href="/xa-hoi/trang-3.htm"></head>'
        '<a href="/xa-hoi/trang-3.htm?x=1">Trang sau</a>'
    )
    pager = next_page_links(page, LISTING)
    assert pager.next == (
        "https://dantri.com.vn/xa-hoi/trang-3.htm",
        "https://dantri.com.vn/xa-hoi/trang-3.htm?x=1",
    )


@pytest.mark.parametrize(
    "label",
    [
        "Trang sau",
        "TRANG TIẾP",
        "Trang tiếp theo",
        "Tiếp",
        "Tiếp »",
        "»",
        "›",
        "Sau ›",
        "Next",
        "&gt;&gt;",
    ],
)
def test_next_labels(label: str) -> None:
    page = f'<a href="/xa-hoi/trang-1.htm">Trước</a><a href="/xa-hoi/trang-9.htm">{label}</a>'
    assert next_page_links(page, LISTING).next == ("https://dantri.com.vn/xa-hoi/trang-9.htm",)


def test_read_more_inside_an_article_teaser_is_not_a_next_page() -> None:
    page = '<a href="/bai-viet-a-b-c-123456.htm">Đọc tiếp</a><a href="/x.htm">« Trang trước</a>'
    assert next_page_links(page, LISTING).next == ()


def test_icon_link_with_aria_label_or_next_class() -> None:
    page = (
        '<a class="btn-page page-next" href="/xa-hoi/trang-3.htm"><i class="icon"></i></a>'
        '<a aria-label="Trang sau" href="/xa-hoi/trang-3.htm?a=1"><svg></svg></a>'
    )
    assert next_page_links(page, LISTING).next == (
        "https://dantri.com.vn/xa-hoi/trang-3.htm",
        "https://dantri.com.vn/xa-hoi/trang-3.htm?a=1",
    )


def test_a_class_says_next_in_any_case_on_the_link_or_its_parent_among_many_headlines() -> None:
    # Only links whose class (or parent's) holds "next" have their classes read: the
    # check must find them in any case, and under a long label too; "nextgen" is not one.
    headlines = "".join(
        f'<li><a href="/tin-{n}-moi-nhat-hom-nay-123{n}.htm">Tin số {n} về giá vàng hôm nay '
        "tăng mạnh</a></li>"
        for n in range(40)
    )
    page = (
        f'<ul class="news">{headlines}</ul>'
        '<div class="NextGen"><a href="/quang-cao.htm">Xem quảng cáo</a></div>'
        '<a class="Paging-NEXT" href="/xa-hoi/trang-3.htm"><i></i></a>'
        '<span class="nav_Next"><a href="/xa-hoi/trang-3.htm?b=1">Đi tới các tin cũ hơn nữa</a>'
        "</span>"
    )
    assert next_page_links(page, LISTING).next == (
        "https://dantri.com.vn/xa-hoi/trang-3.htm",
        "https://dantri.com.vn/xa-hoi/trang-3.htm?b=1",
    )


def test_numbered_pages_give_the_one_after_the_current() -> None:
    page = (
        '<div class="pagination"><a href="/xa-hoi/trang-1.htm">1</a><span>2</span>'
        '<a href="/xa-hoi/trang-3.htm">3</a><a href="/xa-hoi/trang-4.htm">4</a>'
        '<a href="/binh-luan-5.htm">5</a></div>'
    )
    pager = next_page_links(page, LISTING)
    assert pager.next == ("https://dantri.com.vn/xa-hoi/trang-3.htm",)
    assert pager.pages == (
        "https://dantri.com.vn/xa-hoi/trang-1.htm",
        "https://dantri.com.vn/xa-hoi/trang-3.htm",
        "https://dantri.com.vn/xa-hoi/trang-4.htm",
    )


def test_numbers_without_a_page_in_their_url_are_ignored() -> None:
    page = '<a href="/comments">12</a><a href="/xa-hoi/bai-a-b-c-123456.htm">3</a>'
    assert next_page_links(page, LISTING).pages == ()


def test_query_string_pager_on_a_portal() -> None:
    url = "http://tamky.gov.vn/CMSPages/BaiViet/ChuyenMuc.aspx?IDChuyenMuc=5&page=1"
    page = (
        '<a href="ChuyenMuc.aspx?IDChuyenMuc=5&amp;page=2">2</a>'
        '<a href="ChuyenMuc.aspx?IDChuyenMuc=5&amp;page=3">3</a>'
    )
    assert next_page_links(page, url).next == (
        "http://tamky.gov.vn/CMSPages/BaiViet/ChuyenMuc.aspx?IDChuyenMuc=5&page=2",
    )


def test_load_more_comes_after_real_next_links() -> None:
    page = '<a href="/xa-hoi/more?after=123">Xem thêm</a><a href="/xa-hoi/trang-3.htm">Sau</a>'
    assert next_page_links(page, LISTING).next == (
        "https://dantri.com.vn/xa-hoi/trang-3.htm",
        "https://dantri.com.vn/xa-hoi/more?after=123",
    )


def test_link_to_the_page_itself_is_not_next() -> None:
    page = '<a href="/xa-hoi/trang-2.htm">Tiếp</a>'
    assert next_page_links(page, LISTING).next == ()


def test_aspnet_postback_pager_is_reported_not_followed() -> None:
    page = (
        "<a href=\"javascript:__doPostBack('ctl00$Main$grid','Page$2')\">2</a>"
        "<a href=\"javascript:__doPostBack('ctl00$Main$lnkNext','')\">Trang sau</a>"
        "<a href=\"javascript:__doPostBack('ctl00$Header$lnkLang','')\">English</a>"
    )
    pager = next_page_links(page, "http://tamky.gov.vn/CMSPages/BaiViet/ChuyenMuc.aspx")
    assert pager.next == ()
    assert pager.postback_only
    assert pager.postbacks == (
        PostBack("ctl00$Main$grid", "Page$2", "2"),
        PostBack("ctl00$Main$lnkNext", "", "trang sau"),
    )


def test_page_without_pager() -> None:
    pager = next_page_links("<p>Không có gì</p>", LISTING)
    assert pager.next == pager.pages == pager.postbacks == ()
    assert not pager.postback_only


@pytest.mark.parametrize(
    ("url", "number"),
    [
        ("https://dantri.com.vn/xa-hoi/trang-7.htm", 7),
        ("https://vnexpress.net/the-thao/p12", 12),
        ("http://a.vn/list.aspx?cat=3&page=4", 4),
        ("https://blog.vn/category/tin/page/5/", 5),
        ("https://dantri.com.vn/xa-hoi.htm", 1),
    ],
)
def test_current_page_number(url: str, number: int) -> None:
    assert current_page_number(url) == number


def test_numbered_links_sharing_a_url_shape_count_as_pages() -> None:
    page = '<a href="/tin-tuc/2.html">2</a><a href="/tin-tuc/3.html">3</a><a href="/x/9.html">9</a>'
    pager = next_page_links(page, "http://portal.vn/tin-tuc/1.html")
    assert pager.pages == ("http://portal.vn/tin-tuc/2.html", "http://portal.vn/tin-tuc/3.html")


@pytest.mark.parametrize("classed", [True, False])
def test_a_long_labelled_link_is_next_only_when_its_class_says_so(classed: bool) -> None:
    cls = ' class="xem-next"' if classed else ""
    teasers = "".join(
        f'<a href="/tin/bai-{n}.htm">Bài viết số {n} về những tin tức trong ngày</a>'
        for n in range(20)
    )
    page = (
        f"<body>{teasers}<a{cls} href=' /tin/trang-2.htm '>Xem các tin tiếp theo của mục</a>"
        '<a href="#top">Lên đầu trang</a><a href="">trang sau</a></body>'
    )
    pager = next_page_links(page, "http://a.vn/tin/")
    assert pager.next == (("http://a.vn/tin/trang-2.htm",) if classed else ())


def _long_by_every_word(text: str) -> bool:
    """What ``_long`` answered before it split off only the first pieces: more than
    ``_MAX_LABEL_WORDS`` of all the whitespace-separated pieces hold a word character."""
    words = [piece for piece in text.split() if piece.strip(pagination._NOT_WORDS)]
    return len(words) > pagination._MAX_LABEL_WORDS


@given(st.text(alphabet=" \t\n\u00a0\u200b»›>→.:…|-aZ3đ", max_size=24))
@example("Trang tiếp theo »")
@example("» » » a b c d")
@example("a b c d  ")
@example("a b c - d")
@example("a\u00a0b\u200b c d e")
def test_a_label_is_long_by_its_first_words_as_by_all_of_them(text: str) -> None:
    assert pagination._long(text) == _long_by_every_word(text)
