"""The headline: the title as the page shows it, also when the page sets it as a picture."""

from __future__ import annotations

from archiver.extract import extract

URL = "https://bao.example.vn/the-gioi/the-tran-giang-co-20221223.htm"
TITLE = "Thế trận giằng co trên chiến trường sau mười tháng giao tranh"
TEXT = "".join(
    f"<p>Đoạn {n}: các bên tiếp tục củng cố phòng tuyến, tập trung lực lượng và khí tài cho "
    "những tháng mùa đông, khi mặt đất đóng băng và các cuộc tấn công cơ giới trở lại.</p>"
    for n in range(1, 6)
)


def magazine(cover: str) -> bytes:
    """A long read: the site's logo, a cover with the headline, a body that opens on a display
    title restating it in capitals."""
    return (
        f"<html><head><title>{TITLE}</title><meta property='og:title' content='{TITLE}'>"
        "</head><body><header><h1 class='logo'><img alt='Báo Mẫu' src=logo.png></h1></header>"
        f"<div class='cover'>{cover}</div><article class='magazine'><div class='magazine__body'>"
        "<h4>THẾ TRẬN GIẰNG CO SAU MƯỜI THÁNG XUNG ĐỘT</h4>"
        f"{TEXT}</div></article></body></html>"
    ).encode()


def test_a_headline_set_as_a_picture_is_read_from_its_alt_text():
    article = extract(magazine(f"<h1><img alt='{TITLE}' src=cover.jpg></h1>"), URL)
    assert article.title == TITLE


def test_the_site_logo_set_as_a_picture_in_an_h1_is_no_headline():
    article = extract(magazine(f"<h2 class='cover__title'>{TITLE}</h2>"), URL)
    assert article.title == TITLE


SUMMARY = "Các bên tiếp tục củng cố phòng tuyến trước mùa đông, khi mặt đất đóng băng trở lại."


def _short_headline_page(title: str, h1: str) -> bytes:
    # The headline and its summary in the page's header, the text in a column of its own.
    return (
        f"<html><head><title>{title}</title><meta property='og:title' content='{title}'>"
        "</head><body><article><header><div class='col'>"
        f"<h1 class='main'>{h1}</h1><p class='lead'>{SUMMARY}</p></div></header>"
        f"<div class='col'><div class='content'>{TEXT}</div></div></article></body></html>"
    ).encode()


def test_a_headline_of_two_words_the_metadata_give_as_it_is_is_the_headline():
    # Too short to compare with the metadata as longer titles are, but the same words: the
    # headline, and the summary right below it is the lead.
    article = extract(_short_headline_page("Thế trận", "Thế trận"), URL)
    assert article.lead == SUMMARY
    assert article.paragraphs[0] == SUMMARY
    # An h1 of two other words (the site's name, a section) proves nothing.
    assert extract(_short_headline_page("Thế trận", "Báo Mẫu"), URL).lead is None
