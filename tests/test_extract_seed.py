"""The seed article (a 2018 Tam Kỳ portal page) comes out exactly, whatever its markup."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.extract import extract

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "pages" / "tamky"
#: What a reader saw on the page (outside the repository; the test skips without it).
SEED_TEXT = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "seed" / "000_cc2e52331e242849.txt"
)
URL = "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=31785"
MARKUPS = ["table-layout", "div-layout", "fonts-no-classes"]
LEAD_START = "Chiều nay 4/7, UBND thành phố Tam Kỳ tổ chức hội nghị sơ kết 02 năm"


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
    assert paragraphs[0].startswith(LEAD_START)
    assert paragraphs[-1].endswith("đẩy mạnh cải cách chế độ công vụ, công chức;…")


@pytest.mark.parametrize("markup", MARKUPS)
def test_seed_lead_appears_once_and_the_caption_only_among_captions(markup: str):
    article = extract((SEED / f"{markup}.html").read_bytes(), URL)
    assert sum(p.startswith(LEAD_START) for p in article.paragraphs) == 1
    if markup != "fonts-no-classes":  # (the only markup without a sapo element)
        assert article.lead is not None and article.lead.startswith(LEAD_START)
    assert article.captions == ("Toàn cảnh hội nghị.",)
    assert "Toàn cảnh hội nghị" not in (article.body or "")
    assert article.source is None


@pytest.mark.parametrize("markup", MARKUPS)
def test_seed_portal_body_has_nothing_from_the_boxes_after_it(markup: str):
    article = extract((SEED / f"{markup}.html").read_bytes(), URL)
    for foreign in ("Tin đã đưa", "Xem theo ngày", "tuyển sinh", "Lượt xem", "Thùy Dung", "Ảnh"):
        assert foreign not in article.body


@pytest.mark.skipif(not SEED_TEXT.exists(), reason="the seed text (../shared/seed) is absent")
@pytest.mark.parametrize("markup", MARKUPS)
def test_seed_renditions_give_the_text_a_reader_saw(markup: str):
    article = extract((SEED / f"{markup}.html").read_bytes(), URL)
    seen = [p.strip() for p in SEED_TEXT.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    title, date_line, *text = seen[0].split("\n") + seen[1:]
    assert (title, date_line) == (article.title, article.published_raw)
    caption = text.index("Toàn cảnh hội nghị.")
    byline = text.index("Thùy Dung")
    assert article.paragraphs == text[:caption] + text[caption + 1 : byline]
    assert " ".join(text[byline + 1].split()) == f"Lượt xem: {article.view_count}"


@pytest.mark.parametrize("markup", MARKUPS)
def test_header_date_of_today_never_becomes_the_publication_date(markup: str):
    html = (SEED / f"{markup}.html").read_bytes()
    # Without the article's own date line, only the header's "today" remains on the page.
    html = html.replace("Thứ 4, ngày 04/07/2018 | 03:34 PM (GMT +7)".encode(), b"")
    assert extract(html, URL).published_at is None
