"""Bad input never breaks extraction: no traceback, no hang, a record with nulls and warnings."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver import Article, extract

FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "pages").rglob("*.html"))
SEED = Path(__file__).resolve().parent.parent / "fixtures" / "pages" / "tamky" / "table-layout.html"
URL = "http://tamky.gov.vn/CMSPages/BaiViet/Default.aspx?IDBaiViet=31785"


def assert_well_formed(article: Article) -> None:
    """The invariants every record keeps, whatever the input."""
    record = article.to_dict()
    for name in ("title", "author", "author_raw", "published_raw", "body"):
        value = record[name]
        if value is not None:
            assert value, f"{name} is empty instead of null"
            assert unicodedata.is_normalized("NFC", value)
            assert "\u200b" not in value and "\x00" not in value
    for name in ("published_at", "updated_at"):
        if record[name] is not None:
            assert record[name].endswith("+07:00")
    assert record["view_count"] is None or record["view_count"] >= 0
    assert all(isinstance(w, str) and "\n" not in w for w in record["warnings"])


def test_empty_input_gives_nulls_and_says_why():
    article = extract(b"", URL)
    assert_well_formed(article)
    assert article.title is None and article.body is None
    assert "no article body found" in article.warnings


def test_binary_junk_is_not_an_article():
    junk = bytes((i * 7919) % 256 for i in range(200_000))
    article = extract(junk, URL)
    assert_well_formed(article)
    assert not article.is_article


@pytest.mark.timeout(60)
def test_a_twenty_megabyte_page_is_cut_and_still_read():
    page = SEED.read_bytes()
    filler = b"<p>" + "Tin tức thời sự trong ngày. ".encode() * 40 + b"</p>\n"
    huge = page.replace(b"</body>", filler * (20_000_000 // len(filler)) + b"</body>")
    assert len(huge) > 20_000_000
    article = extract(huge, URL)
    assert_well_formed(article)
    assert article.title is not None
    assert any("only the first" in w for w in article.warnings)


def test_truncated_html_keeps_what_arrived():
    page = SEED.read_bytes()
    cut = page[: page.index("Bên cạnh những kết quả đạt được".encode())]
    article = extract(cut, URL)
    assert_well_formed(article)
    assert article.title.startswith("Tam Kỳ dẫn đầu")
    assert article.paragraphs[0].startswith("Chiều nay 4/7")


@pytest.mark.timeout(60)
def test_deeply_nested_markup_neither_recurses_nor_hangs():
    depth = 50_000
    html = "<html><body>" + "<div>" * depth + "<h1>Tiêu đề bài viết rất sâu</h1>"
    html += "<p>" + "Nội dung bài viết nằm rất sâu trong trang. " * 10 + "</p>" + "</div>" * depth
    article = extract(html.encode(), "https://example.vn/bai-viet-sau-1234567.html")
    assert_well_formed(article)
    assert any("flattened" in w for w in article.warnings)
    assert "Nội dung bài viết nằm rất sâu" in (article.body or "")


@pytest.mark.parametrize("charset", ["utf-8", "windows-1258", "utf-16"])
def test_many_tags_are_counted_alike_in_every_encoding(charset: str):
    # In UTF-8 the tags are counted in the bytes (a "<" is the byte 0x3C and no other).
    from archiver.extract.page import _MANY_TAGS, _many_tags

    for tags in (_MANY_TAGS, _MANY_TAGS + 1):
        markup = "<p>" + "<i>Hà</i>" * ((tags - 1) // 2) + ("<b>" if tags % 2 == 0 else "")
        assert markup.count("<") == tags
        data = markup.encode(charset)
        utf8 = data if charset == "utf-8" else None
        assert _many_tags(markup, utf8) == (tags > _MANY_TAGS)
    # A "<" only as part of another character's bytes never happens in UTF-8.
    assert _many_tags("ễ" * 30_000, "ễ".encode() * 30_000) is False


def test_flattening_keeps_shallow_markup_and_all_text():
    from archiver.extract.page import limit_nesting

    shallow = "<div><p>Một <b>hai</b></p><br><img src=x></div>"
    assert limit_nesting(shallow, max_depth=3) == (shallow, False)
    deep, changed = limit_nesting("<i>" * 5 + "chữ" + "</i>" * 5, max_depth=2)
    assert changed and deep == "<i><i>chữ</i></i>"


def test_wrong_declared_charset_is_caught():
    page = SEED.read_text(encoding="utf-8")
    article = extract(
        page.encode("utf-8"), URL, headers={"Content-Type": "text/html; charset=iso-8859-1"}
    )
    assert_well_formed(article)
    assert (
        article.title
        == "Tam Kỳ dẫn đầu Chỉ số CCHC các huyện, thị xã, thành phố trong 03 năm liên tục"
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=5000))
def test_arbitrary_bytes_give_a_well_formed_record(data: bytes):
    assert_well_formed(extract(data, URL))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    page=st.sampled_from(FIXTURES),
    cuts=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 400)), max_size=6),
    noise=st.binary(max_size=64),
    truncate=st.floats(0.05, 1.0),
)
def test_mutated_fixture_pages_give_well_formed_records(page, cuts, noise, truncate):
    data = bytearray(page.read_bytes())
    for where, length in cuts:  # delete random spans: broken tags, lost closing elements
        start = int(where * len(data))
        del data[start : start + length]
    middle = len(data) // 2
    data[middle:middle] = noise  # random bytes in the middle of the markup
    data = data[: max(1, int(len(data) * truncate))]
    assert_well_formed(extract(bytes(data), URL))
