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
