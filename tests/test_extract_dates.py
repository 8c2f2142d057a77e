"""The publication time of pages no profile describes: the date line by the headline wins."""

from __future__ import annotations

import pytest

from archiver.extract import extract

URL = "https://tin.example.vn/bai-viet-12345.html"
TEXT = "".join(
    f"<p>Đoạn {n}: thành phố tiếp tục triển khai các giải pháp, tăng cường kiểm tra, giám sát, "
    "bảo đảm tiến độ và chất lượng công trình theo đúng kế hoạch đã đề ra.</p>"
    for n in range(1, 9)
)
# The CMS stamped its server's zone on the machine-readable time: an hour off.
META = "<meta property='article:published_time' content='2019-02-18T17:34:20+08:00'>"


def page(article: str) -> bytes:
    return (
        f"<html><head><title>Khu tưởng niệm</title>{META}</head><body>"
        "<header class='site'><a href='/'>Trang chủ</a> <span class='date'>Thứ ba, 19/2/2019"
        f"</span></header>{article}</body></html>"
    ).encode()


def test_the_date_in_the_header_of_the_section_holding_the_headline_is_the_articles():
    article = (
        "<section class='sidebar_1'><header class='clearfix'><span class='time left'>"
        "Thứ hai, 18/2/2019, 17:34 (GMT+7)</span></header><h1>Khu tưởng niệm phi công</h1>"
        f"<article class='content'>{TEXT}</article></section>"
    )
    assert extract(page(article), URL).published_at == "2019-02-18T17:34:00+07:00"


def test_a_date_line_in_a_box_that_also_holds_links_to_other_articles_is_the_articles():
    related = (
        "<ul class='list'><li><a href='/tin-1.html'>Phục hồi điều tra vi phạm quy định về đấu "
        "thầu tại trung tâm</a></li></ul>"
    )
    article = (
        "<div class='detail'><h1>Khu tưởng niệm phi công</h1><div class='main'>"
        f"<div class='info'><div class='detail-time'>18/02/2019 17:34 GMT+7</div></div>"
        f"<div class='content'>{TEXT}</div>{related}</div></div>"
    )
    assert extract(page(article), URL).published_at == "2019-02-18T17:34:00+07:00"


def test_the_date_of_a_post_quoted_in_the_text_is_neither_the_articles_nor_cut_from_it():
    # An embedded post (a tweet) signs off with its author and date inside a <blockquote>:
    # that date is the quoted post's. The article's comes from its metadata.
    quote = (
        "<blockquote class='embedded-post'><p>Trò chơi cho lập trình viên: nghĩ một danh từ, "
        "tìm thư viện mang tên đó</p>— Nguyễn An (@nguyenan) <a href='https://x.example/1'>"
        "22/8/2013</a></blockquote>"
    )
    article = f"<div class='detail'><h1>Khu tưởng niệm phi công</h1><div class='main'>{TEXT}"
    article += f"{quote}{TEXT}</div></div>"
    found = extract(page(article), URL)
    assert found.published_at == "2019-02-18T16:34:20+07:00"
    assert "Trò chơi cho lập trình viên" in (found.body or "")


def bare_line_page(before: str) -> bytes:
    return (
        "<html><head><title>Khánh thành cầu mới</title></head><body><table><tr><td>"
        f"<p>{before}</p><h1>Khánh thành cầu mới</h1><div>Thứ Tư, 4 tháng 7 năm 2018 09:30</div>"
        f"<div>{TEXT}</div></td></tr></table></body></html>"
    ).encode()


@pytest.mark.parametrize("before", ["Tin trong nước", "Tin từ İstanbul"])
def test_a_bare_date_line_in_words_beside_the_headline_is_the_publication_time(before):
    # (A letter that lower-cases to two, "İ", shifts positions in the lower-cased text: the
    # line is found all the same.)
    article = extract(bare_line_page(before), URL)
    assert article.published_at == "2018-07-04T09:30:00+07:00"


def _dated_page(line: str, head: str = "") -> bytes:
    return (
        f"<html><head><title>Hội nghị sơ kết</title>{head}</head><body>"
        "<div class='top'><span>Thứ Ba, 15/09/2026</span></div>"
        f"<div class='detail'><h1>Hội nghị sơ kết</h1>{line}<div class='content'>{TEXT}</div>"
        "</div></body></html>"
    ).encode()


@pytest.mark.parametrize(
    "line",
    [
        "<div class='meta'>Cập nhật: 14/09/2026 10:30 | Đăng: 14/09/2026 08:15</div>",
        "<div class='meta'>Đăng: 14/09/2026 08:15 | Cập nhật: 14/09/2026 10:30</div>",
        "<p>Cập nhật lúc 10:30 14/09/2026 - Đăng lúc 08:15 14/09/2026</p>",
    ],
)
def test_a_line_giving_the_update_and_the_publication_gives_the_publication(line: str):
    assert extract(_dated_page(line), URL).published_at == "2026-09-14T08:15:00+07:00"


@pytest.mark.parametrize(
    "line",
    [
        "<time datetime='2026-09-14T08:15:00+07:00'>14/09/2026</time>",
        "<div class='date'><time datetime='2026-09-14T01:15:00Z'>Thứ Hai, 14/09/2026</time></div>",
    ],
)
def test_the_time_a_date_lines_datetime_gives_completes_the_day_it_shows(line: str):
    assert extract(_dated_page(line), URL).published_at == "2026-09-14T08:15:00+07:00"


def test_a_relative_time_shown_gives_way_to_the_metadatas_time():
    head = "<meta property='article:published_time' content='2026-09-14T08:15:00+07:00'>"
    article = extract(_dated_page("<div class='time'>2 giờ trước</div>", head), URL)
    assert article.published_at == "2026-09-14T08:15:00+07:00"


#: Relative date lines, each keeping the moment it counts from in an attribute.
_KEPT_MOMENTS = {
    "title": "<span class='time' title='14/09/2026 08:15'>2 giờ trước</span>",
    "data-time": "<span class='time' data-time='2026-09-14T08:15:00+07:00'>2 giờ trước</span>",
    "data-datetime": "<div class='date' data-datetime='2026-09-14T01:15:00Z'>Hôm nay</div>",
    # Unix times, in seconds and in milliseconds (2026-09-14T01:15:00Z).
    "data-time epoch": "<span class='time' data-time='1789348500'>2 giờ trước</span>",
    "data-published epoch": "<span class='time' data-published='1789348500000'>Hôm nay</span>",
}


@pytest.mark.parametrize("attribute", sorted(_KEPT_MOMENTS))
def test_a_relative_time_shown_takes_the_time_its_element_keeps(attribute: str):
    # No metadata: "2 giờ trước" counts from when the page was shown, not from when it is
    # read; the element keeps that moment in an attribute.
    published = extract(_dated_page(_KEPT_MOMENTS[attribute]), URL).published_at
    assert published == "2026-09-14T08:15:00+07:00"
