"""Tests for archiver.extract.encoding: choosing and applying a page's character encoding."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archiver.extract import encoding
from archiver.extract.encoding import SAMPLE_BYTES, Decoded, codec_for_label, decode_html
from archiver.text import clean

FIXTURES = Path(__file__).parent.parent / "fixtures" / "encodings"
SENTENCE = "Người dân Mường hài lòng với chính sách mới của tỉnh."


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>Tin tức</title></head><body><p>{body}</p></body></html>"


def cp1258_bytes(text: str) -> bytes:
    """windows-1258 as Vietnamese editors wrote it: base letter, then a combining tone."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", parts[0] + parts[1:-1])
            out += base.encode("cp1258") + parts[-1].encode("cp1258")
    return bytes(out)


# --- precedence -------------------------------------------------------------------------


def test_bom_wins_over_http_and_meta() -> None:
    data = b"\xef\xbb\xbf" + page(SENTENCE, '<meta charset="windows-1258">').encode()
    decoded = decode_html(data, "text/html; charset=iso-8859-1")
    assert (decoded.encoding, decoded.source) == ("utf-8", "bom")
    assert SENTENCE in decoded.text
    assert not decoded.text.startswith("\ufeff")


def test_utf16_page_with_bom_is_decoded() -> None:
    data = codecs.BOM_UTF16_LE + page(SENTENCE).encode("utf-16-le")
    decoded = decode_html(data)
    assert (decoded.encoding, decoded.source) == ("utf-16-le", "bom")
    assert SENTENCE in decoded.text


def test_http_charset_wins_over_meta() -> None:
    data = page(SENTENCE, '<meta charset="windows-1258">').encode()
    decoded = decode_html(data, 'text/html; charset="UTF-8"')
    assert (decoded.encoding, decoded.source, decoded.warnings) == ("utf-8", "http", ())


def test_meta_charset_is_used_without_http_charset() -> None:
    data = page(SENTENCE, '<meta charset="windows-1258">')
    decoded = decode_html(cp1258_bytes(data), "text/html")
    assert (decoded.encoding, decoded.source) == ("cp1258", "meta")
    assert SENTENCE in decoded.text


def test_meta_http_equiv_content_type_is_read() -> None:
    head = '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=windows-1258">'
    decoded = decode_html(cp1258_bytes(page(SENTENCE, head)))
    assert (decoded.encoding, decoded.source) == ("cp1258", "meta")


def test_xml_declaration_names_the_encoding() -> None:
    data = b'<?xml version="1.0" encoding="windows-1258"?>\n' + cp1258_bytes(page(SENTENCE))
    decoded = decode_html(data)
    assert (decoded.encoding, decoded.source) == ("cp1258", "meta")
    assert SENTENCE in decoded.text


def test_meta_inside_a_comment_is_ignored() -> None:
    head = '<!-- <meta charset="koi8-r"> --><meta charset="windows-1258">'
    assert decode_html(cp1258_bytes(page(SENTENCE, head))).encoding == "cp1258"


def test_meta_after_a_long_inline_script_is_found() -> None:
    head = "<script>" + "var x = 1;\n" * 500 + '</script><meta charset="windows-1258">'
    decoded = decode_html(cp1258_bytes(page(SENTENCE, head)))
    assert (decoded.encoding, decoded.source) == ("cp1258", "meta")


def test_undeclared_utf8_is_detected() -> None:
    decoded = decode_html(page(SENTENCE).encode())
    assert (decoded.encoding, decoded.source, decoded.warnings) == ("utf-8", "detected", ())


def test_undeclared_ascii_defaults_to_utf8() -> None:
    decoded = decode_html(b"<html><body><p>Hello</p></body></html>")
    assert (decoded.encoding, decoded.source) == ("utf-8", "default")


def test_empty_input_gives_empty_text() -> None:
    assert decode_html(b"") == Decoded("", "utf-8", "default", ())


# --- labels -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("UTF-8;", "utf-8"),
        ('"utf-8"', "utf-8"),
        ("utf8mb4", "utf-8"),
        ("utf-8-sig", "utf-8"),
        ("iso-8859-1", "cp1252"),
        ("US-ASCII", "cp1252"),
        ("windows-1258", "cp1258"),
        ("x-cp1258", "cp1258"),
        ("gb2312", "gb18030"),
        ("koi8-r", "koi8-r"),
        ("x-user-defined", None),
        ("none", None),
        ("vn-windows-1258", None),
        ("utf-7", None),
        ("utf-16", None),
        ("base64", None),
        ("undefined", None),
        ("cp037", None),
        ("", None),
        (None, None),
    ],
)
def test_charset_labels_map_like_a_browser(label: str | None, codec: str | None) -> None:
    assert codec_for_label(label) == codec


def test_garbage_http_charset_falls_through_to_meta() -> None:
    data = cp1258_bytes(page(SENTENCE, '<meta charset="windows-1258">'))
    decoded = decode_html(data, "text/html; charset=x-user-defined")
    assert (decoded.encoding, decoded.source) == ("cp1258", "meta")


def test_latin1_label_decodes_as_windows_1252_without_failing() -> None:
    # 0x80 is the euro sign in windows-1252; 0x81 is undefined there and must not raise.
    decoded = decode_html(b"<p>\x80 5 \x81 caf\xe9</p>", "text/html; charset=iso-8859-1")
    assert decoded.encoding == "cp1252"
    assert decoded.text == "<p>€ 5 \x81 café</p>"


# --- wrong declarations -----------------------------------------------------------------


def test_utf8_bytes_declared_latin1_are_read_as_utf8() -> None:
    data = (FIXTURES / "wrong-charset-utf8-declared-latin1.html").read_bytes()
    decoded = decode_html(data)
    assert (decoded.encoding, decoded.source) == ("utf-8", "detected")
    assert "iso-8859-1" in decoded.warnings[0]
    assert "Quảng Ninh đón hơn 200 nghìn lượt khách trong dịp lễ" in decoded.text


def test_utf8_bytes_served_as_latin1_over_http_are_read_as_utf8() -> None:
    decoded = decode_html(page(SENTENCE).encode(), "text/html; charset=ISO-8859-1")
    assert (decoded.encoding, decoded.source) == ("utf-8", "detected")
    assert SENTENCE in decoded.text


def test_cp1258_bytes_declared_utf8_are_detected_not_replaced() -> None:
    data = cp1258_bytes(page(SENTENCE * 3, '<meta charset="utf-8">'))
    decoded = decode_html(data)
    assert (decoded.encoding, decoded.source) == ("cp1258", "detected")
    assert SENTENCE in decoded.text
    assert "\ufffd" not in decoded.text
    assert any("not valid UTF-8" in warning for warning in decoded.warnings)


def test_cp1258_bytes_served_as_latin1_are_detected() -> None:
    decoded = decode_html(cp1258_bytes(page(SENTENCE * 3)), "text/html; charset=iso-8859-1")
    assert (decoded.encoding, decoded.source) == ("cp1258", "detected")
    assert SENTENCE in decoded.text


def test_tcvn3_bytes_declared_windows_1258_are_read_as_windows_1252() -> None:
    data = (FIXTURES / "tcvn3-portal.html").read_bytes().replace(b"iso-8859-1", b"windows-1258")
    decoded = decode_html(data)
    assert (decoded.encoding, decoded.source) == ("cp1252", "detected")
    assert "Ng\xadêi d©n" in decoded.text  # intact for the legacy converter


def test_undeclared_legacy_font_pages_are_read_as_windows_1252() -> None:
    for name, needle in (("tcvn3-portal.html", "Ng\xadêi d©n"), ("vni-portal.html", "Ñoàng Nai")):
        data = (FIXTURES / name).read_bytes()
        start, end = data.index(b"<meta http-equiv"), data.index(b"<title>")
        decoded = decode_html(data[:start] + data[end:])
        assert (decoded.encoding, decoded.source) == ("cp1252", "detected"), name
        assert needle in decoded.text


def test_stray_windows_1252_bytes_in_a_utf8_page_are_kept() -> None:
    data = page(SENTENCE).encode() + b"<footer>\xa9 2007 S\xe1 \x93Tin\x94</footer>"
    decoded = decode_html(data, "text/html; charset=utf-8")
    assert decoded.encoding == "utf-8"
    assert SENTENCE in decoded.text
    assert "© 2007 Sá “Tin”" in decoded.text
    assert "not valid UTF-8" in decoded.warnings[0]


def test_english_utf8_page_with_a_stray_windows_1252_quote_stays_utf8() -> None:
    # An English page has few characters beyond ASCII (its curly quotes) and one apostrophe
    # pasted in windows-1252: still UTF-8, not a Central European code page.
    text = "RIM noticed a new \u201cChoose your own adventure\u201d video, caf\u00e9 style."
    data = page(text).encode() + b"<p>It\x92s nice to see.</p>"
    decoded = decode_html(data, "text/html; charset=utf-8")
    assert decoded.encoding == "utf-8"
    assert text in decoded.text
    assert "It\u2019s nice" in decoded.text


POLISH = "Sejm zagłosował za. Unijne fundusze są coraz bliżej, ściśle mówiąc już wkrótce."


@pytest.mark.parametrize("label", ["windows-1250", "iso-8859-2"])
def test_central_european_declaration_is_not_taken_for_legacy_vietnamese(label: str) -> None:
    # ą and ś in windows-1250 (ś, ą, ź in iso-8859-2) are bytes TCVN3 uses for Vietnamese
    # letters: a page declaring its Central European code page means it.
    html = f'<html><head><meta charset="{label}"><title>Fundusze</title></head><p>{POLISH * 4}'
    data = html.encode(label)
    decoded = decode_html(data)
    assert decoded.source == "meta"
    assert POLISH in decoded.text


def test_tcvn3_fragment_in_a_utf8_template_survives_for_conversion() -> None:
    data = page(SENTENCE).encode() + b"<p><font face='.VnTime'>Ng\xad\xeai d\xa9n</font></p>"
    decoded = decode_html(data)
    assert decoded.encoding == "utf-8"
    assert SENTENCE in decoded.text and "Ng\xadêi d©n" in decoded.text


def test_declared_multibyte_charset_with_bad_bytes_is_replaced_with_warning() -> None:
    data = "<p>東京</p>".encode("shift_jis") + b"\x81"
    decoded = decode_html(data, "text/html; charset=shift_jis")
    assert (decoded.encoding, decoded.source) == ("cp932", "http")
    assert "東京" in decoded.text
    assert "U+FFFD" in decoded.warnings[0]


# --- normalisation ----------------------------------------------------------------------


def test_cp1258_fixture_decodes_to_nfc() -> None:
    decoded = decode_html((FIXTURES / "cp1258-portal.html").read_bytes())
    assert decoded.encoding == "cp1258"
    assert unicodedata.is_normalized("NFC", decoded.text)
    assert "Hà Tĩnh triển khai công tác phòng chống lụt bão năm 2007" in decoded.text
    assert "Phó Chủ tịch Ủy ban nhân dân tỉnh" in decoded.text


def test_nfd_page_decodes_as_is_and_cleans_to_nfc() -> None:
    decoded = decode_html((FIXTURES / "nfd-text.html").read_bytes())
    assert decoded.encoding == "utf-8"
    assert not unicodedata.is_normalized("NFC", decoded.text)
    expected = "Bộ Giáo dục và Đào tạo được giao bảo đảm học sinh sớm trở lại trường học."
    assert expected in clean(decoded.text)


# --- cost -------------------------------------------------------------------------------


def test_declared_utf8_that_decodes_runs_no_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(sample: bytes) -> None:
        raise AssertionError("detection ran")

    monkeypatch.setattr(encoding, "_charset_normalizer_guess", fail)
    monkeypatch.setattr(encoding, "_vietnamese_single_byte", fail)
    data = page(SENTENCE * 1500).encode()
    assert decode_html(data, "text/html; charset=utf-8").source == "http"
    assert decode_html(data).source == "detected"


def test_detection_on_a_20_mb_page_reads_a_bounded_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def guess(sample: bytes) -> str:
        seen.append(len(sample))
        return "cp1251"

    monkeypatch.setattr(encoding, "_charset_normalizer_guess", guess)
    paragraph = "<p>Президент посетил провинцию и встретился с жителями.</p>\n".encode("cp1251")
    data = b"<html><body>" + paragraph * (20_000_000 // len(paragraph))
    decoded = decode_html(data)
    assert seen and max(seen) <= SAMPLE_BYTES
    assert (decoded.encoding, decoded.source) == ("cp1251", "detected")
    assert decoded.text.count("Президент") == 20_000_000 // len(paragraph)


def test_sample_is_spread_over_the_page() -> None:
    data = b"a" * 100_000 + b"b" * 100_000 + b"c" * 100_000
    sample = encoding._sample(data)
    assert len(sample) <= SAMPLE_BYTES
    assert {b"a"[0], b"b"[0], b"c"[0]} <= set(sample)


def test_charset_normalizer_is_the_fallback_detector() -> None:
    text = "<p>" + "Президент посетил провинцию и встретился с жителями. " * 20 + "</p>"
    decoded = decode_html(text.encode("cp1251"))
    assert decoded.source == "detected"
    assert "Президент посетил провинцию" in decoded.text


# --- never raises -----------------------------------------------------------------------

_LABELS = st.sampled_from(
    [
        None,
        "text/html",
        "text/html; charset=utf-8",
        "text/html; charset=iso-8859-1",
        "text/html; charset=windows-1258",
        "text/html; charset=shift_jis",
        "charset=",
        "text/html; charset=utf8mb4",
        "text/html; charset=none;",
        "text/html; charset=\x00\xff",
    ]
)


@given(st.binary(max_size=2000), _LABELS)
def test_any_bytes_decode_without_raising(data: bytes, content_type: str | None) -> None:
    decoded = decode_html(data, content_type)
    assert isinstance(decoded.text, str)
    assert decoded.source in {"bom", "http", "meta", "detected", "default"}


@given(st.text(max_size=500).filter(lambda text: not text.startswith("\ufeff")))
def test_utf8_text_round_trips(text: str) -> None:
    assert decode_html(text.encode("utf-8"), "text/html; charset=utf-8").text == text
    assert decode_html(text.encode("utf-8")).text == text


# --- the bytes handed to the parser as they are ------------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (page(SENTENCE).encode(), "text/html; charset=utf-8"),  # declared, valid
        (page(SENTENCE).encode(), "text/html; charset=windows-1258"),  # declared wrongly
        (page(SENTENCE).encode(), None),  # detected
        (page("Hanoi").encode(), "text/html; charset=windows-1252"),  # ASCII
    ],
)
def test_text_decoded_without_a_change_is_marked_exact(data: bytes, content_type: str | None):
    decoded = decode_html(data, content_type)
    assert decoded.exact
    assert decoded.text.encode("utf-8") == data


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"\xef\xbb\xbf" + page(SENTENCE).encode(), None),  # the byte-order mark is dropped
        (cp1258_bytes(page(SENTENCE)), "text/html; charset=windows-1258"),
        (
            page(SENTENCE).encode()[:-40] + b"\xff\xfe" + b"</p></body></html>",
            "text/html; charset=utf-8",
        ),
    ],
)
def test_text_changed_by_decoding_is_not_marked_exact(data: bytes, content_type: str | None):
    decoded = decode_html(data, content_type)
    assert decoded.text.encode("utf-8", "surrogatepass") != data
    assert not decoded.exact
