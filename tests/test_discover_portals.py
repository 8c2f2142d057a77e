"""Portal discovery: the "Tin đã đưa" box of earlier articles and date-archive URLs."""

from __future__ import annotations

from datetime import date

import pytest

from archiver.discover.links import Link
from archiver.discover.portals import date_archive_urls, earlier_articles_box

ARTICLE_URL = "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2931"

# Built from the description in site-notes (no real HTML of this CMS exists).
TABLE_PORTAL = """<html><body><table><tr><td>
<div class="content"><h1>Tam Kỳ dẫn đầu Chỉ số CCHC</h1>
<p>Thứ 4, ngày 04/07/2018 | 03:34 PM (GMT +7)</p>
<p>Chiều nay 4/7, UBND thành phố <a href="/gioi-thieu.html">Tam Kỳ</a> tổ chức hội nghị.</p>
<p><b>Thùy Dung</b></p><p>Lượt xem:  136</p></div>
<table class="tindadua"><tr><td class="title"><b>TIN ĐÃ ĐƯA:</b></td></tr>
<tr><td>- <a href="Default.aspx?IDBaiViet=2930">Hội nghị sơ kết 6 tháng</a> (03/07/2018)</td></tr>
<tr><td>- <a href="Default.aspx?IDBaiViet=2929">Tam Kỳ ra quân</a> (02/07/2018)</td></tr>
<tr><td>- <a href="javascript:void(0)">In bài</a></td></tr></table>
<div><span>Xem theo ngày :</span><input name="ngay"><a href="/XemTheoNgay.aspx">Xem</a></div>
</td></tr></table><div class="footer"><a href="/lien-he.html">Liên hệ</a></div></body></html>"""


def test_box_after_a_bold_title_in_a_table_layout() -> None:
    assert earlier_articles_box(TABLE_PORTAL, ARTICLE_URL) == [
        Link(
            "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2930",
            "Hội nghị sơ kết 6 tháng",
        ),
        Link("http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=2929", "Tam Kỳ ra quân"),
    ]


def test_heading_and_list_as_siblings() -> None:
    page = """<div class="main"><div class="body"><p><a href="/x.html">trong bài</a></p></div>
    <h3 class="title">Các tin đã đưa</h3>
    <ul><li><a href="/tin-tuc/bai-mot-hai-ba-bon-nam.html">Một</a></li>
        <li><a href="/tin-tuc/bai-sau-bay-tam-chin-muoi.html">Hai</a></li></ul>
    <h3>Tin liên quan</h3><ul><li><a href="/lien-quan.html">LQ</a></li></ul></div>"""
    links = earlier_articles_box(page, "http://hoian.gov.vn/tin-tuc/bai.html")
    assert [link.text for link in links] == ["Một", "Hai"]


@pytest.mark.parametrize("title", ["Tin khác", "TIN CÙNG CHUYÊN MỤC", "Tin da dua", "Tin đã đưa :"])
def test_other_titles_and_spellings(title: str) -> None:
    page = f'<div><span>{title}</span><div><a href="/a-1.html">A</a></div></div>'
    assert earlier_articles_box(page, "http://a.vn/") == [Link("http://a.vn/a-1.html", "A")]


def test_the_title_itself_as_a_link_is_not_part_of_the_box() -> None:
    page = (
        '<div><h2><a href="/tin-da-dua.aspx">Tin đã đưa</a></h2>'
        '<p><a href="/a-1.html">A</a></p></div>'
    )
    assert earlier_articles_box(page, "http://a.vn/") == [Link("http://a.vn/a-1.html", "A")]


def test_custom_labels() -> None:
    page = '<div><b>Bài cùng tác giả</b><a href="/b.html">B</a></div>'
    assert earlier_articles_box(page, "http://a.vn/") == []
    assert earlier_articles_box(page, "http://a.vn/", labels=["Bài cùng tác giả"]) == [
        Link("http://a.vn/b.html", "B")
    ]


def test_long_paragraph_mentioning_the_words_is_not_a_title() -> None:
    page = (
        "<div><p>Theo tin đã đưa hôm qua, thành phố tổ chức hội nghị sơ kết công tác.</p>"
        '<a href="/x.html">x</a></div>'
    )
    assert earlier_articles_box(page, "http://a.vn/") == []


def test_dates_walk_backwards_with_padded_tokens() -> None:
    urls = list(
        date_archive_urls(
            "/CMSPages/BaiViet/XemTheoNgay.aspx?Ngay={dd}/{mm}/{yyyy}",
            date(2018, 7, 2),
            date(2018, 6, 30),
            base="http://tamky.gov.vn/",
        )
    )
    assert urls == [
        "http://tamky.gov.vn/CMSPages/BaiViet/XemTheoNgay.aspx?Ngay=02/07/2018",
        "http://tamky.gov.vn/CMSPages/BaiViet/XemTheoNgay.aspx?Ngay=01/07/2018",
        "http://tamky.gov.vn/CMSPages/BaiViet/XemTheoNgay.aspx?Ngay=30/06/2018",
    ]


def test_unpadded_tokens_and_either_order_of_bounds() -> None:
    urls = list(
        date_archive_urls(
            "https://portal.vn/tin-tuc/ngay-{yyyy}-{m}-{d}", date(2024, 1, 1), date(2024, 1, 2)
        )
    )
    assert urls == [
        "https://portal.vn/tin-tuc/ngay-2024-1-2",
        "https://portal.vn/tin-tuc/ngay-2024-1-1",
    ]


def test_two_digit_year() -> None:
    assert list(
        date_archive_urls("http://a.vn/{d}-{m}-{yy}.html", date(2009, 3, 5), date(2009, 3, 5))
    ) == ["http://a.vn/5-3-09.html"]


def test_backfill_of_years_is_lazy() -> None:
    urls = date_archive_urls("http://a.vn/{yyyy}/{mm}/{dd}", date(2024, 12, 31), date(1995, 1, 1))
    assert next(urls) == "http://a.vn/2024/12/31"
    assert next(urls) == "http://a.vn/2024/12/30"


@pytest.mark.parametrize("template", ["/ngay-{dd}-{mm}", "/{yyyy}/{dd}", "/archive"])
def test_template_without_year_month_and_day_is_refused(template: str) -> None:
    with pytest.raises(ValueError, match="year, a month and a day"):
        date_archive_urls(template, date(2024, 1, 1), date(2024, 1, 1))


def test_a_title_among_other_texts_comments_and_blank_nodes_is_found() -> None:
    # The title is looked for in the texts of all nodes joined at once: nodes around it
    # (blank ones, comments, a label split by a tag, spaces lexbor keeps) must not hide it.
    page = (
        "<div>\n <b>Trang chủ</b>\n<p>Tin <i>khác</i></p><!-- tin khác -->"
        "<b>&nbsp;Tin  khác&nbsp;</b>\t<span>&nbsp;</span>"
        '<div><a href="/a-1.html">A</a></div></div>'
    )
    assert earlier_articles_box(page, "http://a.vn/") == [Link("http://a.vn/a-1.html", "A")]


def test_a_page_without_a_titled_box_gives_nothing() -> None:
    page = "<div><h3>Tin tức</h3>" + '<p><a href="/a-1.html">Tin khác hẳn hôm qua</a></p>' * 30
    assert earlier_articles_box(page + "</div>", "http://a.vn/") == []


@pytest.mark.parametrize(("pad", "found"), [(80, True), (81, False)])
def test_a_box_title_is_a_text_of_at_most_80_characters_padding_included(pad: int, found: bool):
    title = "Tin đã đưa".center(pad)
    teasers = "".join(  # many texts, repeated and long, before the box
        f'<div><a href="/b-{n}.html">Xem thêm</a><p>{"Một đoạn tóm tắt dài " * 6}</p></div>'
        for n in range(30)
    )
    page = f'<body>{teasers}<div><span>{title}</span><div><a href="/a-1.html">A</a></div></div>'
    links = earlier_articles_box(page, "http://a.vn/")
    assert links == ([Link("http://a.vn/a-1.html", "A")] if found else [])
