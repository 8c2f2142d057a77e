"""Tests for archiver.extract.vnfonts: converting TCVN3 and VNI font-encoded text to Unicode."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from archiver.extract import vnfonts
from archiver.extract.encoding import decode_html
from archiver.extract.vnfonts import (
    convert_legacy_text,
    font_encoding,
    guess_legacy,
    is_vietnamese_syllable,
    may_contain_legacy,
    to_unicode,
)
from archiver.text import clean

FIXTURES = Path(__file__).parent.parent / "fixtures" / "encodings"


def converted(html: str, *, with_html: bool = True) -> tuple[LexborHTMLParser, str | None]:
    tree = LexborHTMLParser(html)
    return tree, convert_legacy_text(tree, html if with_html else None)


def body_text(tree: LexborHTMLParser) -> str:
    return clean(tree.body.text())


def fixture(name: str) -> tuple[LexborHTMLParser, str | None]:
    decoded = decode_html((FIXTURES / name).read_bytes())
    return converted(decoded.text)


# --- single strings ---------------------------------------------------------------------


def test_tcvn3_soft_hyphen_is_the_letter_u_horn() -> None:
    assert to_unicode("Ng\xadêi d©n", "tcvn3") == "Người dân"
    assert to_unicode("M\xadêng", "tcvn3") == "Mường"
    assert to_unicode("Thñ t\xadíng", "tcvn3") == "Thủ tướng"


def test_vni_text_converts() -> None:
    assert to_unicode("Vieät Nam", "vni") == "Việt Nam"
    assert to_unicode("Xin chaøo caùc baïn", "vni") == "Xin chào các bạn"
    assert to_unicode("UÛy ban nhaân daân", "vni") == "Ủy ban nhân dân"


_TCVN3_ALPHABET = st.sampled_from("aenoutTN \xadµ¸¶·¹¨©ª«¬®ÆÇÊËÌÐÖ×ÝÞßãáâäåèéêíîïóôõøùúý“ư")
_VNI_ALPHABET = st.sampled_from("aeiouyAEOUntNT ñÑøùïûõäáàâåêéèëôöòæóÔÖØÙÏÛÕÄÁÀÂÅÊÉÈË")


@given(st.lists(_TCVN3_ALPHABET, max_size=60).map("".join))
def test_tcvn3_conversion_matches_viparse(text: str) -> None:
    from viparse.normalize.tables import convert
    from viparse.normalize.tcvn3 import TCVN3

    assert to_unicode(text, "tcvn3") == convert(text, TCVN3)


@given(st.lists(_VNI_ALPHABET, max_size=60).map("".join))
def test_vni_conversion_matches_viparse(text: str) -> None:
    from viparse.normalize.tables import convert
    from viparse.normalize.vni import VNI

    assert to_unicode(text, "vni") == convert(text, VNI)


@pytest.mark.parametrize(
    ("family", "expected"),
    [
        (".VnTime", ("tcvn3", False)),
        (".vntime", ("tcvn3", False)),
        ("'.VnArial'", ("tcvn3", False)),
        (".VnTimeH", ("tcvn3", True)),
        (".VnArial NarrowH", ("tcvn3", True)),
        ("VNI-Times", ("vni", False)),
        ("VNI-Helve", ("vni", False)),
        ("Times New Roman", (None, False)),
        ("Arial", (None, False)),
    ],
)
def test_font_names_map_to_legacy_encodings(family: str, expected: tuple) -> None:
    assert font_encoding(family) == expected


@pytest.mark.parametrize(
    "word", ["người", "Mường", "tướng", "khuya", "giữa", "quốc", "nghiêng", "xoong", "ăn", "ĐỒNG"]
)
def test_vietnamese_syllables_are_recognised(word: str) -> None:
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize("word", ["Mỹller", "Samsungđ", "â", "đ", "bằt", "hỡp", "Espađa", "strâ"])
def test_non_syllables_are_rejected(word: str) -> None:
    assert not is_vietnamese_syllable(word)


def test_content_guess_recognises_legacy_strings() -> None:
    assert guess_legacy("Ng\xadêi d©n M\xadêng vui mõng") == "tcvn3"
    assert guess_legacy("Ngöôøi daân Vieät Nam") == "vni"


@pytest.mark.parametrize(
    "text",
    [
        "© 2007 Hoa Binh Portal",
        "Samsung® Galaxy",
        "Herr Müller aus Köln",
        "España y Peña",
        "Cà phê có vị đắng",  # Unicode Vietnamese
        "Cà phê cá kho",  # Unicode, only Latin-1 letters
    ],
)
def test_content_guess_leaves_other_text_alone(text: str) -> None:
    assert guess_legacy(text) is None


def as_windows_1252(text: str) -> str:
    """UTF-8 bytes misread as windows-1252, as a browser would (undefined bytes kept)."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode())


def test_double_encoded_utf8_is_not_taken_for_legacy_text() -> None:
    # Read as VNI this would pass the syllable check ("cÆ¡ quan nhÃ  nÆ°á»›c").
    mojibake = as_windows_1252("cơ quan nhà nước")
    assert vnfonts._is_double_utf8(mojibake)
    assert guess_legacy(mojibake) is None
    assert guess_legacy(as_windows_1252("Người lao động Mường")) is None
    assert not vnfonts._is_double_utf8("Ng\xadêi d©n")


def _double_utf8_by_the_dict(text: str) -> bool:
    """``vnfonts._is_double_utf8`` as first written: every character through the dict."""
    try:
        repaired = text.translate(vnfonts._CP1252_BYTES).encode("latin-1").decode("utf-8")
    except UnicodeError:
        return False
    return vnfonts._UNICODE_VIETNAMESE.search(repaired) is not None


# UTF-8 of Vietnamese read back as windows-1252 ("á»‡" is "ệ"), as Latin-1 ("á»\x87", a C1
# control where windows-1252 has a character) or both ("Ä\x90" is "Đ": windows-1252 has no
# character for 0x90); and what no UTF-8 repairs (a lone control, "™", a Unicode letter).
_MOJIBAKE_PIECES = ["Viá»‡t", "á»\x87", "Ä\x90", "Ã\xa0", "t ", "\x99", "™", "ư", "€"]


@example("Viá»‡t á»\x87")
@example("Ä\x90Ã\xa0")
@given(st.lists(st.sampled_from(_MOJIBAKE_PIECES), max_size=8).map("".join))
def test_double_encoded_utf8_is_found_whatever_its_decoding_left(text: str) -> None:
    # The encoding in C must say what the dict says, on every path it takes.
    assert vnfonts._is_double_utf8(text) == _double_utf8_by_the_dict(text)


@given(st.text(alphabet=st.sampled_from("aáư\xad¸µøöÄÅÖ»‡\x99 "), max_size=12))
def test_legacy_evidence_is_found_as_a_set_of_characters_would(text: str) -> None:
    for encoding in vnfonts.LEGACY_ENCODINGS:
        found = vnfonts._evidence_pattern(encoding).search(text) is not None
        assert found == (not frozenset(text).isdisjoint(vnfonts._evidence(encoding)))


def test_a_single_word_needs_a_legacy_font_elsewhere_on_the_page() -> None:
    assert guess_legacy("ViÖt Nam") is None
    assert guess_legacy("ViÖt Nam", min_words=1) == "tcvn3"


# --- pages ------------------------------------------------------------------------------


def test_tcvn3_portal_converts_body_title_and_description() -> None:
    tree, encoding = fixture("tcvn3-portal.html")
    assert encoding == "tcvn3"
    text = body_text(tree)
    for sentence in (
        "Chiều ngày 11/3, Thủ tướng Chính phủ đã về thăm và làm việc tại huyện Tân Lạc, "
        "nơi có đông đồng bào dân tộc Mường sinh sống.",
        "Tại buổi làm việc, Thủ tướng biểu dương những cố gắng của Đảng bộ và nhân dân trong "
        "huyện, đồng thời nhấn mạnh việc giữ gìn bản sắc văn hóa của người Mường.",
        "Người dân xã Phong Phú bày tỏ phấn khởi khi được đón Thủ tướng về thăm và hứa sẽ "
        "tiếp tục thi đua lao động sản xuất.",
        "Thứ 2, ngày 12/03/2007 | 09:15 AM (GMT +7)",
        "Trần Thị Mai",
    ):
        assert sentence in text
    assert clean(tree.css_first("title").text()) == "Thủ tướng thăm đồng bào Mường ở Hòa Bình"
    description = tree.css_first('meta[name="description"]').attributes["content"]
    assert description == (
        "Thủ tướng Chính phủ về thăm huyện Tân Lạc, nơi có đông đồng bào Mường sinh sống."
    )


def test_vntimeh_heading_is_upper_cased() -> None:
    tree, _ = fixture("tcvn3-portal.html")
    heading = clean(tree.css_first('font[face=".VnTimeH"]').text())
    assert heading == "THỦ TƯỚNG THĂM ĐỒNG BÀO DÂN TỘC MƯỜNG Ở HÒA BÌNH"


def test_copyright_sign_in_a_unicode_font_is_kept() -> None:
    tree, _ = fixture("tcvn3-portal.html")
    assert "© 2007 Hoa Binh Portal. All rights reserved." in body_text(tree)


def test_vni_portal_converts() -> None:
    tree, encoding = fixture("vni-portal.html")
    assert encoding == "vni"
    text = body_text(tree)
    for sentence in (
        "Đồng Nai khánh thành cầu Hóa An mới",
        "Sáng 12/3, Ủy ban nhân dân tỉnh Đồng Nai đã tổ chức lễ khánh thành cầu Hóa An mới "
        "bắc qua sông Đồng Nai.",
        "Công trình có tổng vốn đầu tư gần 300 tỷ đồng, giúp giảm ùn tắc giao thông cho người "
        "dân thành phố Biên Hòa.",
        "Phát biểu tại buổi lễ, Chủ tịch tỉnh cảm ơn các đơn vị thi công đã vượt qua nhiều khó "
        "khăn để hoàn thành công trình đúng tiến độ.",
        "Lê Hoàng Nam",
    ):
        assert sentence in text
    assert clean(tree.css_first("title").text()) == "Đồng Nai khánh thành cầu Hóa An mới"


def test_mixed_page_converts_only_the_legacy_part() -> None:
    tree, encoding = fixture("mixed-tcvn3-unicode.html")
    assert encoding == "tcvn3"
    menu = [clean(node.text()) for node in tree.css(".menu a")]
    assert menu == ["Trang chủ", "Giới thiệu", "Tin tức", "Văn bản", "Liên hệ"]
    text = body_text(tree)
    for sentence in (
        "Hội nghị tổng kết công tác năm 2006",
        "LỄ HỘI ĐỀN HÙNG NĂM 2007 SẼ CÓ NHIỀU HOẠT ĐỘNG MỚI",
        "Năm nay, lễ hội Đền Hùng được tổ chức trong 10 ngày với nhiều hoạt động văn hóa dân "
        "gian đặc sắc.",
        "Ban tổ chức cho biết sẽ có khoảng ba triệu lượt người về dự lễ, trong đó có nhiều "
        "đoàn đồng bào Mường từ các tỉnh lân cận.",
        "Các lực lượng chức năng đã được huy động để bảo đảm an ninh trật tự và vệ sinh môi "
        "trường.",
        "Phạm Quang Huy",
        "© 2007 Cổng thông tin điện tử tỉnh Phú Thọ",
    ):
        assert sentence in text
    assert clean(tree.css_first("title").text()).startswith("Lễ hội Đền Hùng năm 2007")


def test_plain_unicode_page_is_untouched() -> None:
    html = (
        "<html><head><title>Cà phê Buôn Ma Thuột</title>"
        "<meta name='description' content='Cà phê có vị đắng'></head><body>"
        "<p>Cà phê cá kho, món ăn của người dân Đắk Lắk.</p><p>© 2024 Báo Đắk Lắk · Tin tức</p>"
        "<p>Herr Müller aus Köln trinkt Kaffee\xad.</p></body></html>"
    )
    tree = LexborHTMLParser(html)
    before = tree.html
    assert convert_legacy_text(tree, html) is None
    assert convert_legacy_text(tree) is None
    assert tree.html == before


def test_unicode_text_inside_a_legacy_font_is_left_alone() -> None:
    html = '<p><font face=".VnTime">Người dân phấn khởi</font></p>'
    tree, encoding = converted(html + "<p>\xad</p>")
    assert encoding is None
    assert "Người dân phấn khởi" in body_text(tree)


def test_css_class_rule_marks_a_legacy_font() -> None:
    html = (
        "<style>/* old */ td.noidung, .x { font: bold 12pt/14pt '.VnTime', serif }</style>"
        "<table><tr><td class='noidung'>Ng\xadêi d©n</td><td>Ng\xadêi d©n</td></tr></table>"
    )
    tree, encoding = converted(html)
    assert encoding == "tcvn3"
    cells = [clean(td.text()) for td in tree.css("td")]
    # The second cell has no font; since the page uses TCVN3 elsewhere, its characters suffice.
    assert cells == ["Người dân", "Người dân"]


def test_unicode_font_nested_in_a_legacy_font_wins() -> None:
    html = (
        '<font face=".VnTime"><p>Ng\xadêi d©n</p>'
        '<p><span style="font-family: Arial">© 2007 Portal</span></p></font>'
    )
    tree, _ = converted(html)
    assert [clean(p.text()) for p in tree.css("p")] == ["Người dân", "© 2007 Portal"]


def test_legacy_text_without_any_font_is_found_by_its_characters() -> None:
    html = "<div><p>Ng\xadêi d©n M\xadêng vui mõng ®ãn TÕt</p><p>Samsung®</p></div>"
    tree, encoding = converted(html)
    assert encoding == "tcvn3"
    assert [clean(p.text()) for p in tree.css("p")] == [
        "Người dân Mường vui mừng đón Tết",
        "Samsung®",
    ]


def test_script_and_style_text_is_not_converted() -> None:
    html = '<script>var s = "Ng\xadêi d©n";</script><p><font face=".VnTime">Ng\xadêi d©n</font></p>'
    tree, _ = converted(html)
    assert tree.css_first("script").text() == 'var s = "Ng\xadêi d©n";'


def test_both_encodings_convert_and_the_more_frequent_is_reported() -> None:
    html = (
        '<p><font face="VNI-Times">Vieät Nam</font></p>'
        '<p><font face=".VnTime">Ng\xadêi d©n</font></p>'
        '<p><font face=".VnTime">M\xadêng</font></p>'
    )
    tree, encoding = converted(html)
    assert encoding == "tcvn3"
    assert [clean(p.text()) for p in tree.css("p")] == ["Việt Nam", "Người dân", "Mường"]


def test_tree_text_is_checked_when_no_html_is_given() -> None:
    tree, encoding = converted(
        '<p><font face=".VnTime">Ng&shy;&ecirc;i</font></p>', with_html=False
    )
    assert encoding == "tcvn3"
    assert body_text(tree) == "Người"


# --- cost -------------------------------------------------------------------------------


def test_precheck_passes_over_ordinary_text() -> None:
    assert not may_contain_legacy("<p>Người dân Đắk Lắk, cà phê © 2024 · « tin » ®</p>")
    assert may_contain_legacy("<p>Ng\xadêi</p>")
    assert may_contain_legacy("<p>ngöôøi</p>")


def test_ordinary_page_never_builds_the_font_map(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(tree: LexborHTMLParser) -> None:
        raise AssertionError("deep check ran")

    monkeypatch.setattr(vnfonts, "_FontMap", fail)
    html = "<html><body>" + "<p>Người dân Đắk Lắk uống cà phê.</p>" * 500 + "</body></html>"
    assert converted(html)[1] is None


def test_viparse_is_imported_only_for_legacy_pages() -> None:
    script = (
        "import sys\n"
        "from selectolax.lexbor import LexborHTMLParser\n"
        "from archiver.extract.vnfonts import convert_legacy_text\n"
        "html = '<p>Người dân</p>'\n"
        "convert_legacy_text(LexborHTMLParser(html), html)\n"
        "print('viparse' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
