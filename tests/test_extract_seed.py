"""The seed article (a 2018 Tam Kỳ portal page) comes out exactly, whatever its markup."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.extract import extract

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "pages" / "tamky"
URL = "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=31785"
MARKUPS = ["table-layout", "div-layout", "fonts-no-classes"]


@pytest.mark.parametrize("markup", MARKUPS)
def test_seed_portal_article_gives_all_five_fields(markup: str):
    article = extract((SEED / f"{markup}.html").read_bytes(), URL)
    assert article.title == (
        "Tam Kỳ dẫn đầu Chỉ số CCHC các huyện, thị xã, thành phố trong 03 năm liên tục"
    )
    assert article.published_at == "2018-07-04T15:34:00+07:00"
    assert article.author == "Thùy Dung"
    assert article.view_count == 136
    paragraphs = article.paragraphs
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("Chiều nay 4/7, UBND thành phố Tam Kỳ tổ chức hội nghị sơ kết")
    assert paragraphs[-1].endswith("đẩy mạnh cải cách chế độ công vụ, công chức;…")


@pytest.mark.parametrize("markup", MARKUPS)
def test_seed_portal_body_has_nothing_from_the_boxes_after_it(markup: str):
    article = extract((SEED / f"{markup}.html").read_bytes(), URL)
    for foreign in ("Tin đã đưa", "Xem theo ngày", "tuyển sinh", "Lượt xem", "Thùy Dung", "Ảnh"):
        assert foreign not in article.body


@pytest.mark.parametrize("markup", MARKUPS)
def test_header_date_of_today_never_becomes_the_publication_date(markup: str):
    html = (SEED / f"{markup}.html").read_bytes()
    # Without the article's own date line, only the header's "today" remains on the page.
    html = html.replace("Thứ 4, ngày 04/07/2018 | 03:34 PM (GMT +7)".encode(), b"")
    assert extract(html, URL).published_at is None
