"""Loading a page: scripts, styles and other unread elements cut before parsing, nothing lost."""

from __future__ import annotations

from archiver.extract import extract
from archiver.extract.dom import text_of
from archiver.extract.page import cut_unread, load_page


def cut(markup: str):
    return cut_unread(markup.encode())


def test_scripts_styles_and_comments_are_cut_and_json_ld_is_kept():
    result = cut(
        "<html><head><style>p { color: red }</style>"
        '<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
        "<script>var s = '<div>not text</div>';</script></head>"
        "<body><!-- <p>hidden</p> --><p>Đà Nẵng</p></body></html>"
    )
    assert result.data.decode() == "<html><head></head><body><p>Đà Nẵng</p></body></html>"
    assert result.json_ld == [b'{"@type": "NewsArticle"}']
    assert result.styles == [b"p { color: red }"]
    assert result.complete


def test_a_script_ends_at_its_first_closing_tag_in_any_case():
    result = cut("<p>a</p><SCRIPT>x = 1;</script><p>b</p><Script src=x.js></SCRIPT><p>c</p>")
    assert result.data == b"<p>a</p><p>b</p><p>c</p>"


def test_a_script_holding_many_closing_tags_ends_at_its_own_in_any_case():
    # Closing tags of other elements (and of cut ones) in the script's strings: the script
    # ends at the first "</script" whatever comes before it, past the first few looked at.
    strings = "".join(f"'</div></svg></scrip{i}>'" for i in range(20))
    result = cut(f"<p>a</p><Script>x = [{strings}];</sCRIPT ><P>b</P><STYLE>p {{}}</Style><p>c</p>")
    assert result.data == b"<p>a</p><P>b</P><p>c</p>"
    assert result.styles == [b"p {}"]


def test_a_commented_out_embed_does_not_swallow_the_text_after_it():
    result = cut("<!-- <iframe src=old> --><p>Bài viết</p><iframe src=new></iframe><p>Hết</p>")
    assert result.data.decode() == "<p>Bài viết</p><p>Hết</p>"


def test_an_icon_between_two_words_leaves_a_space():
    result = cut("<span>01/03/2026<svg><path d='M0'/></svg>09:51</span>")
    assert result.data == b"<span>01/03/2026 09:51</span>"


def test_an_unclosed_script_is_left_to_the_tree():
    html = b"<p>Truoc</p><script>var a = 1;<p>Sau</p>"
    assert not cut_unread(html).complete
    assert "var a" not in load_page(html).tree.body.text()


def test_a_player_whose_closing_tag_hides_in_its_start_tag_keeps_the_text_after_it():
    # "<video ... data-x='1' </video>": the parser ends the player at its box's closing tag,
    # not at the next "</video>" (a picture's fallback further down); nor does the cut.
    html = (
        "<div><div class='player'><video data-src='x.mp4' playsinline </video></div></div>"
        f"<p>{'Đoạn đầu của bài viết, đủ dài để là một đoạn văn. ' * 3}</p>"
        "<figure><!--[if IE 9]><video style='display: none;'><![endif]--><img src='a.jpg'>"
        "<!--[if IE 9]></video><![endif]--></figure><p>Đoạn sau.</p>"
        "<button class='more'>Xem thêm<div>x</div></button>"
    ).encode()
    assert cut_unread(html).left
    body = load_page(html).tree.body
    assert "Đoạn đầu của bài viết" in body.text()
    assert body.css_first("video") is None and body.css_first("button") is None
    # (Well-formed players, icons and buttons are still cut from the bytes.)
    assert not cut_unread(b"<video src=a></video><p>a</p><button>b</button>").left


def test_custom_elements_named_like_cut_ones_are_kept():
    html = "<button-group><p>Giữ</p></button-group><scripted>x</scripted>"
    assert cut(html).data.decode() == html


def test_a_utf16_page_is_not_cut_byte_by_byte_but_still_read():
    html = "<html><body><script>x</script><h1>Tiêu đề</h1></body></html>".encode("utf-16")
    assert not cut_unread(html).complete
    assert load_page(html).tree.css_first("h1").text() == "Tiêu đề"


def test_a_legacy_font_declared_in_a_cut_style_sheet_is_still_honoured():
    html = (
        "<html><head><style>td.noidung { font-family: '.VnTime' }</style></head><body>"
        "<table><tr><td class='noidung'>Ng\xadêi d©n</td></tr></table></body></html>"
    ).encode("latin-1")
    page = load_page(html, {"content-type": "text/html; charset=iso-8859-1"})
    assert text_of(page.tree.css_first("td")) == "Người dân"


def test_json_ld_of_a_cut_script_still_gives_the_date():
    html = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2024-03-05T08:30:00+07:00"}</script></head><body><h1>Tiêu đề bài</h1>'
        f"<p>{'Nội dung bài viết, đủ dài để là một đoạn văn. ' * 6}</p></body></html>"
    ).encode()
    article = extract(html, "https://example.vn/bai-viet-123.html")
    assert article.published_at == "2024-03-05T08:30:00+07:00"


def test_a_post_kept_in_noscript_for_readers_without_scripts_is_read():
    # A blog engine renders the post by script from a template and keeps it in <noscript>.
    post = "".join(
        f"<p>Paragraph {n} of the post, a sentence long enough to be running text.</p>"
        for n in range(1, 4)
    )
    html = (
        "<html><head><title>Post</title></head><body><div class='post'><h2>Post</h2>"
        f"<div class='post-body'><script type='text/template'>{post}</script>"
        f"<noscript>{post}</noscript></div></div>"
        "<noscript><img src='/pixel.gif'></noscript>"
        "<noscript><p>Please turn JavaScript on.</p></noscript></body></html>"
    )
    result = cut(html)
    assert result.complete
    assert result.data.decode().count("Paragraph 1") == 1  # (the template is cut)
    assert "pixel" not in result.data.decode()
    assert "JavaScript" not in result.data.decode()
    body = extract(html.encode(), "https://blog.example.org/2020/05/post.html").body or ""
    assert body.split("\n\n") == [
        f"Paragraph {n} of the post, a sentence long enough to be running text." for n in (1, 2, 3)
    ]


def test_the_readings_written_over_words_are_not_read_as_text():
    # Ruby: furigana over kanji. A reader sees 子ども with こ above 子, not "子こども".
    html = (
        "<html><body><article><h1>法律</h1>"
        "<p><ruby>子<rt>こ</rt></ruby>どもを<ruby>守<rp>(</rp><rt>まも</rt><rp>)</rp></ruby>る"
        "ための<ruby>法律<RT>ほうりつ</RT></ruby>ができました。</p></article></body></html>"
    )
    page = load_page(html.encode())
    assert text_of(page.tree.css_first("p")) == "子どもを守るための法律ができました。"
    assert cut(html).ruby
    assert not cut("<p>Không có chú âm.</p><script>var rt = '<rt>';</script>").ruby


def test_a_legacy_font_named_only_in_a_cut_style_sheet_is_converted():
    # The style sheets are kept as views of the page's bytes while cutting, and read only
    # for a page that may hold legacy text: the rule naming the font still reaches the
    # conversion, in the page's own encoding (a capitals font: its text is upper-cased, which
    # its characters alone would not tell).
    for encoding in ("utf-8", "windows-1252"):
        html = (
            f'<html><head><meta charset="{encoding}"><style>p.nd {{ color: red }}</style>'
            "<style>.nd { font-family: '.VnTimeH', serif }</style></head>"
            "<body><p class='nd'>Ng\xadêi d©n</p></body></html>"
        ).encode(encoding)
        page = load_page(html)
        assert text_of(page.tree.css_first("p")) == "NGƯỜI DÂN"
        assert any("TCVN3" in warning for warning in page.warnings)
