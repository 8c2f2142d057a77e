"""The article's text once its element is known: the lead once, credits out, data pages."""

from __future__ import annotations

import json

import pytest

from archiver.extract import extract
from archiver.sites import profile_from_dict

URL = "https://tin.example.vn/bai-viet-12345.html"
LEAD = (
    "Chiều nay 4/7, UBND thành phố tổ chức hội nghị sơ kết hai năm thực hiện nghị quyết về "
    "cải cách hành chính, công bố chỉ số cải cách hành chính năm 2017."
)
TEXT = [
    f"Đoạn {n}: thành phố tiếp tục triển khai các giải pháp, tăng cường kiểm tra, giám sát, "
    "bảo đảm tiến độ và chất lượng công trình theo đúng kế hoạch đã đề ra."
    for n in range(1, 4)
]


def page(body: str, sapo: str = "") -> bytes:
    return (
        "<html><head><title>Hội nghị sơ kết cải cách hành chính</title></head><body>"
        "<div class='chitiet'><h1>Hội nghị sơ kết cải cách hành chính</h1>"
        f"<p class='date'>04/07/2018 15:34</p>{sapo}<div class='noidung'>{body}</div></div>"
        "</body></html>"
    ).encode()


def test_a_lead_printed_again_as_the_first_paragraph_appears_once():
    paragraphs = "".join(f"<p>{t}</p>" for t in TEXT)
    for sapo in (f"<div class='sapo'>{LEAD}</div>", f"<div class='sapo'>(TTO) - {LEAD}</div>"):
        article = extract(page(f"<p><strong>{LEAD}</strong></p>{paragraphs}", sapo), URL)
        assert len(article.paragraphs) == 4
        assert article.paragraphs[1:] == TEXT


def test_a_bold_first_paragraph_is_the_lead_once():
    paragraphs = "".join(f"<p>{t}</p>" for t in TEXT)
    article = extract(page(f"<p><b>{LEAD}</b></p>{paragraphs}"), URL)
    assert article.lead == LEAD
    assert article.paragraphs == [LEAD, *TEXT]


def test_a_closing_credit_line_is_the_source_and_leaves_the_text():
    paragraphs = "".join(f"<p>{t}</p>" for t in TEXT)
    for line, source in (
        ("Theo TTXVN", "TTXVN"),
        ("<em>Nguồn: Báo Quảng Nam</em>", "Báo Quảng Nam"),
    ):
        article = extract(page(f"{paragraphs}<p style='text-align:right'>{line}</p>"), URL)
        assert (article.source, article.author) == (source, None)
        assert article.paragraphs == TEXT


def test_a_byline_then_a_credit_gives_both():
    paragraphs = "".join(f"<p>{t}</p>" for t in TEXT)
    body = f"{paragraphs}<p align=right><b>Thùy Dung</b></p><p align=right><i>(Theo VOV)</i></p>"
    article = extract(page(body), URL)
    assert (article.author, article.source) == ("Thùy Dung", "VOV")
    assert article.paragraphs == TEXT


def test_a_table_of_figures_with_no_text_is_no_article():
    rows = "".join(
        f"<tr><td>Quý {q}/2017</td><td>{q * 11_838_267:,}</td><td>{q * 2_412_355:,}</td></tr>"
        for q in range(1, 9)
    )
    html = page(f"<p>Đơn vị: tỷ đồng</p><table>{rows}</table>")
    assert not extract(html, "https://s.example.vn/bao-cao-tai-chinh/VNM.chn").is_article


def test_linked_cells_of_a_data_table_stay_but_a_row_of_links_goes():
    plot = "Một người đàn ông sống lại mãi một ngày, " * 6  # longer than a data row's cell
    table = (
        "<table><tr><td><a href='/phim/ngay-cua-chuot'>Ngày của chuột chũi</a></td>"
        f"<td>1993</td><td>{plot}</td></tr>"
        "<tr><td><a href='/a'>Trang chủ</a></td><td><a href='/b'>Liên hệ</a></td></tr></table>"
    )
    paragraphs = extract(page(f"<p>{TEXT[0]}</p>{table}<p>{TEXT[1]}</p>"), URL).paragraphs
    assert "Ngày của chuột chũi" in paragraphs
    assert "Trang chủ" not in paragraphs and "Liên hệ" not in paragraphs


def _headed(header: str, description: str = LEAD) -> bytes:
    """A page whose ``header`` (the headline and what comes with it) stands above the text."""
    return (
        "<html><head><title>Hội nghị sơ kết</title>"
        f"<meta name='description' content='{description}'></head><body>{header}"
        f"<section class='css-53'><p>{TEXT[0]}</p><p>{TEXT[1]}</p><p>{TEXT[2]}</p></section>"
        "</body></html>"
    ).encode()


def _assert_lead_opens_the_text(html: bytes) -> None:
    article = extract(html, URL)
    assert article.lead == LEAD
    assert article.paragraphs == [LEAD, *TEXT]


def test_a_summary_after_the_headline_saying_what_the_description_says_is_the_lead():
    _assert_lead_opens_the_text(
        _headed(
            "<header><div class='css-1r'><h1>Hội nghị sơ kết cải cách hành chính</h1></div>"
            f"<p class='css-z6'>{LEAD}</p></header>"
        )
    )


@pytest.mark.parametrize(
    "boxed",
    [
        f"<div class='epigraph-container'><h2 class='epigraph'>{LEAD}</h2></div>",
        f"<div class='x1'><div class='x2'><h3>{LEAD}</h3></div></div>",
    ],
)
def test_a_summary_in_a_box_of_its_own_after_the_headlines_box_is_the_lead(boxed: str):
    # (El País Uruguay: the headline's box, then a box holding the summary alone, which says
    # what the page's description says; the box was taken for a box of blocks and skipped.)
    _assert_lead_opens_the_text(
        _headed(
            "<div class='top-content'><div class='title-container'>"
            f"<h1>Hội nghị sơ kết cải cách hành chính</h1></div>{boxed}</div>"
            "<div class='main-media'><img src='/a.jpg' alt=''></div>"
        )
    )


def test_the_subtitle_in_the_headlines_hgroup_is_the_lead_the_kicker_is_not():
    # (Die Tagespost: a kicker, the headline and its subtitle in one <hgroup>; the subtitle
    # says something else than the page's description, and was lost.)
    _assert_lead_opens_the_text(
        _headed(
            "<header><hgroup><h3>Hà Nội</h3><h1>Hội nghị sơ kết cải cách hành chính</h1>"
            f"<h2>{LEAD}</h2></hgroup></header><aside><p>14/09/2026</p></aside>",
            description="Tin tức thời sự trong ngày.",
        )
    )


#: Audio players set at the top of the text (news sites' text-to-speech players), as their
#: markup is left once the <audio> element is gone, minified.
_PLAYERS = {
    "label and times": "<div class='audio'><span>Nghe bài viết</span><audio src='a.mp3'>"
    "</audio><span>0:00 / 3:45</span></div>",
    "voices": "<div class='tts'><div>Nghe đọc bài</div><ul><li>Giọng nữ miền Bắc</li>"
    "<li>Giọng nam miền Nam</li></ul><audio controls src='a.mp3'></audio></div>",
    "label line": "<p><strong>Nghe tin</strong></p><p><audio controls src='a.mp3'></audio></p>",
    "speeds": "<div><p>Đọc bài viết</p><span>Tốc độ</span><span>1x</span><span>1.25x</span>"
    "<audio src='a.mp3'></audio></div>",
    "times only": "<div class='media-player'><span>00:00</span><span>05:12</span></div>",
}


@pytest.mark.parametrize("player", sorted(_PLAYERS))
def test_an_audio_players_labels_at_the_top_of_the_text_are_no_text(player: str):
    body = f"{_PLAYERS[player]}<p>{TEXT[0]}</p><p>{TEXT[1]}</p><p>{TEXT[2]}</p>"
    assert extract(page(body), URL).paragraphs == TEXT


def test_a_sentence_opening_with_the_players_word_is_text():
    line = "Nghe tin con trai bị bắt, bà đã ngất xỉu ngay tại nhà."
    body = f"<p>{line}</p><p>{TEXT[0]}</p><p>{TEXT[1]}</p>"
    assert extract(page(body), URL).paragraphs == [line, TEXT[0], TEXT[1]]


def test_a_short_line_printed_twice_in_a_row_is_kept_once():
    line = "Lực lượng chức năng phong tỏa hiện trường vụ cháy."
    body = f"<p>{TEXT[0]}</p><div class='player'><p>{line}</p><p>{line}</p></div><p>{TEXT[1]}</p>"
    assert extract(page(body), URL).paragraphs == [TEXT[0], line, TEXT[1]]


def test_linked_points_of_a_list_written_as_text_are_kept():
    points = (
        "<ul><li><a href='https://blog.example/year-in-review'>Here is our year in review!</a>"
        f"</li><li>{TEXT[0]}</li><li>{TEXT[1]}</li></ul>"
    )
    menu = (  # (the indentation between a menu's items is no text)
        "<ul>\n\t\t<li>\n\t\t\t<a href='/a'>Thời sự</a>\n\t\t</li>\n\t\t<li>\n\t\t\t"
        "<a href='/b'>Thế giới</a>\n\t\t</li>\n\t</ul>"
    )
    article = extract(page(f"<p>{TEXT[2]}</p>{points}{menu}"), URL)
    assert article.paragraphs == [TEXT[2], "Here is our year in review!", TEXT[0], TEXT[1]]


def test_a_list_item_whose_sentence_runs_on_into_its_link_is_text():
    # A weekly report's points: a name, a verb, then the linked rest of the sentence, in a
    # list most of whose text is linked. Beside it, a list of other links: a labelled teaser,
    # a headline, a profile's address, a call after a sentence, an icon's letter.
    points = (
        "<ul><li>Minh has <a href='https://bugs.example/1'>a patch to move the cache off the"
        " main thread</a></li><li>Lan <a href='https://bugs.example/2'>made the toolbar load"
        " later in startup</a></li><li><a href='https://bugs.example/3'>Bug 3</a> fixed</li></ul>"
    )
    others = (
        "<ul><li>Video: <a href='/bai-1.html'>cải cách hành chính những việc làm ngay</a></li>"
        "<li><a href='/bai-2.html'>Chỉ số hài lòng của người dân tăng ba năm liền</a></li>"
        "<li>LinkedIn <a href='https://linkedin.com/in/x'>linkedin.com/in/hành-chính/</a></li>"
        "<li>👁 Tin hay. Và <a href='/tin'>những tin mới nhất về hành chính công trong tuần</a>"
        "</li><li>z<a href='/z'>trang chủ hành chính</a></li></ul>"
    )
    body = f"<p>{TEXT[0]}</p>{points}<p>{TEXT[1]}</p>{others}<p>{TEXT[2]}</p>"
    paragraphs = extract(page(body), URL).paragraphs
    assert "Minh has a patch to move the cache off the main thread" in paragraphs
    assert "Lan made the toolbar load later in startup" in paragraphs
    assert paragraphs[-1] == TEXT[2]
    assert not any("hài lòng" in p or "hành chính" in p for p in paragraphs)


@pytest.mark.parametrize(
    "notice",
    [
        "Copyright 2008 Associated Press. All rights reserved. This material may not be "
        "published, broadcast, rewritten, or redistributed.",
        "Brought to you by NZPA © NZPA 2008",
        "The-CNN-Wire ™ & © 2013 Cable News Network, Inc. All rights reserved.",
    ],
)
def test_a_rights_notice_closing_the_text_is_not_text(notice: str):
    paragraphs = "".join(f"<p>{t}</p>" for t in TEXT)
    assert extract(page(f"{paragraphs}<p>{notice}</p>"), URL).paragraphs == TEXT


def test_a_copyright_sign_inside_a_closing_paragraph_is_text():
    closing = (
        "Phóng viên thường trú viết tại chỗ trong suốt ba ngày diễn ra sự kiện, còn bức "
        "ảnh chụp quảng trường do hãng tin cung cấp. (c)AFP"
    )
    paragraphs = "".join(f"<p>{t}</p>" for t in [*TEXT, closing])
    assert extract(page(paragraphs), URL).paragraphs == [*TEXT, closing]


@pytest.mark.parametrize(
    "label",
    [
        "Read more...",
        "Scroll down to read more:",
        "Add your comment Comments (0)",
        "Quảng cáo",
        # A picture's credit on a line of its own, in other languages.
        "Foto: Ingo Beispiel",
        "Titelbild: Agentur Beispiel/Bildarchiv",
        "Crédits photos : Agence Exemple",
        # The title of a box of other articles, in other languages.
        "Das könnte dich auch interessieren",
        "Veja também:",
        "À lire aussi",
        # What introduces a player, in Vietnamese.
        "Mời quý độc giả xem video:",
        "Mời bạn đọc theo dõi clip",
        # A line of topic tags.
        "#bão số 3 #mưa lũ",
        # A comment section's empty state, a text-size switch.
        "Comments (No comments posted.)",
        "No trackbacks yet",
        "Keine Kommentare",
        "Font Scale:A A A",
        "Textgröße: A- A A+",
        # A player's "Loading..." in other languages, an "Undo" button.
        "正在加载...",
        "Wird geladen …",
        "Cargando...",
        "Undo",
    ],
)
def test_the_labels_of_widgets_between_paragraphs_are_not_text(label: str):
    paragraphs = f"<p>{TEXT[0]}</p><p>{label}</p><p>{TEXT[1]}</p><p>{TEXT[2]}</p>"
    assert extract(page(paragraphs), URL).paragraphs == TEXT


@pytest.mark.parametrize(
    "line",
    [
        "Submitted on Mon, 2019-01-21 13:49",
        "更新时间 2012年12月10日, 格林尼治标准时间10:41",
        "Published Thursday, January 10, 2008",
        "Oct 15, 2015 · 18 min read",
    ],
)
def test_a_date_line_left_at_the_start_or_end_of_the_text_is_not_text(line: str):
    paragraphs = "".join(f"<p>{t}</p>" for t in TEXT)
    for body in (f"<p>{line}</p>{paragraphs}", f"{paragraphs}<p>{line}</p>"):
        assert extract(page(body), URL).paragraphs == TEXT


@pytest.mark.parametrize(
    "dated",
    ["Công trình sẽ khánh thành vào ngày 30/4/2026, đúng dịp lễ lớn.", "Hà Nội, ngày 12/3/2025"],
)
def test_a_short_paragraph_that_gives_a_date_in_a_sentence_is_text(dated: str):
    paragraphs = "".join(f"<p>{t}</p>" for t in [*TEXT, dated])
    assert extract(page(paragraphs), URL).paragraphs == [*TEXT, dated]


LINKS = (
    "<ul><li><a href='/bai-1.html'>Cải cách hành chính: những việc làm ngay trong năm</a></li>"
    "<li><a href='/bai-2.html'>Chỉ số hài lòng của người dân tăng ba năm liền</a></li></ul>"
)


def test_links_after_a_sentence_or_a_label_ending_with_a_colon_are_a_box_not_text():
    for intro in ("Xem thêm:", "Mời quý độc giả xem thêm các bài viết của chúng tôi dưới đây:"):
        labelled = f"<p>{TEXT[0]}</p><p>{TEXT[1]}</p>{intro}<br>{LINKS}<p>{TEXT[2]}</p>"
        assert "Chỉ số hài lòng" not in extract(page(labelled), URL).body


def test_linked_sub_points_of_a_point_ending_with_a_colon_are_text():
    points = f"<ul><li>{TEXT[1]}</li><li>Đang thực hiện:{LINKS}</li></ul>"
    article = extract(page(f"<p>{TEXT[0]}</p>{points}<p>{TEXT[2]}</p>"), URL)
    assert "Cải cách hành chính: những việc làm ngay trong năm" in article.paragraphs


def _table_page(cell: str) -> bytes:
    # An old table layout with no title in its head: the headline is a plain box above.
    return (
        "<html><body><table><tr><td><div class='sh'>Thành phố khởi công cầu mới</div></td></tr>"
        f"<tr><td>{cell}</td></tr></table></body></html>"
    ).encode()


def test_a_bold_sentence_opening_the_text_is_its_lead_not_the_headline():
    paragraphs = "".join(f"<p>{t}" for t in TEXT)
    article = extract(_table_page(f"<b>{LEAD}</b>{paragraphs}"), URL)
    assert article.title != LEAD
    assert article.paragraphs == [LEAD, *TEXT]


def test_a_bold_lead_right_before_the_body_element_is_the_lead():
    paragraphs = "".join(f"<p>{t}</p>" for t in TEXT)
    html = (
        "<html><head><title>Hội nghị sơ kết cải cách hành chính</title></head><body>"
        "<h1>Hội nghị sơ kết cải cách hành chính</h1><p class='date'>04/07/2018 15:34</p>"
        f"<span><strong>{LEAD}</strong> <div class='feed'>{paragraphs}</div></span></body></html>"
    ).encode()
    article = extract(html, URL)
    assert article.lead == LEAD
    assert article.paragraphs == [LEAD, *TEXT]


@pytest.mark.parametrize(
    "box",
    [
        # the lead picture and its caption
        "<div class='lead-asset'><figure><img src='/a.jpg'><figcaption>Toàn cảnh hội nghị sơ "
        "kết hai năm cải cách hành chính tại thành phố.</figcaption></figure></div>",
        # a list of links to other articles
        "<ul class='summary-list'><li><a href='/a'>Giá vàng miếng tăng thêm 1,2 triệu đồng mỗi "
        "lượng</a></li><li><a href='/b'>Ngân hàng giảm lãi suất cho vay mua nhà</a></li></ul>",
        # the lead picture's caption, in a line whose class names a picture's description
        "<div class='field-image'><picture><img src='/a.jpg'></picture><p class='image-"
        "description'>Toàn cảnh hội nghị sơ kết hai năm cải cách hành chính (ảnh tư liệu)</p>"
        "</div>",
    ],
    ids=["picture", "links", "caption line"],
)
def test_a_box_named_like_a_lead_that_holds_no_sapo_is_no_lead(box: str):
    paragraphs = "".join(f"<p>{t}</p>" for t in TEXT)
    article = extract(page(paragraphs, box), URL)
    assert article.lead is None
    assert article.paragraphs == TEXT


OTHER = "Giá vàng miếng tăng thêm 1,2 triệu đồng mỗi lượng trong phiên sáng nay, cao nhất tháng."


@pytest.mark.parametrize(
    ("before", "inside", "after"),
    [
        # the site's description, above the headline
        (f"<div class='site-description'>{OTHER}</div>", "", ""),
        # another article's summary, below the text
        ("", "", f"<div class='box'><h3>Tin khác</h3><p class='summary'>{OTHER}</p></div>"),
        # a card's summary, inside its link
        ("", f"<a href='/gia-vang.html'><div class='summary-item'>{OTHER}</div></a>", ""),
    ],
    ids=["site description", "teaser below", "card in a link"],
)
def test_a_summary_outside_the_stretch_from_headline_to_text_is_no_lead(before, inside, after):
    paragraphs = "".join(f"<p>{t}</p>" for t in TEXT)
    html = (
        f"<html><head><title>Hội nghị sơ kết cải cách hành chính</title></head><body>{before}"
        "<div class='chitiet'><h1>Hội nghị sơ kết cải cách hành chính</h1>"
        f"<p class='date'>04/07/2018 15:34</p><div class='noidung'>{paragraphs}{inside}</div>"
        f"</div>{after}</body></html>"
    ).encode()
    assert extract(html, URL).lead is None


def test_the_heading_of_a_box_of_links_goes_with_it():
    paragraphs = "".join(f"<p>{t}</p>" for t in TEXT)
    box = f"<h3>Xem nhanh các chuyên đề</h3>{LINKS}"
    subheading = "<h3>Kết quả sau hai năm</h3>"
    article = extract(page(f"{paragraphs}{box}{subheading}<p>{TEXT[0]} Thêm.</p>"), URL)
    assert "Xem nhanh các chuyên đề" not in article.paragraphs
    assert "Kết quả sau hai năm" in article.paragraphs


def _declared_page(body: str, ld: dict) -> bytes:
    script = f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
    return (
        f"<html><head><title>Mưa lớn ở Quảng Nam</title>{script}</head><body>"
        f"<div class='main'><h1>Mưa lớn ở Quảng Nam</h1>{body}</div></body></html>"
    ).encode()


_NEWS = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Mưa lớn"}
_TEASERS = "".join(
    f'<div class="item"><h3><a href="/tin-{i}.html">Tiêu đề bài viết liên quan số {i} về thời '
    f"sự hôm nay</a></h3><p>Tóm tắt ngắn của bài viết liên quan số {i}, kể lại sự việc...</p>"
    "</div>"
    for i in range(8)
)
_SHORT = "<p>Mưa lớn kéo dài từ đêm qua làm ngập nhiều tuyến đường ở Tam Kỳ.</p>"


def test_a_page_its_json_ld_calls_one_article_is_no_listing_whatever_teasers_follow():
    undeclared = extract(_declared_page(_SHORT + _TEASERS, {"@type": "WebPage"}), URL)
    assert not undeclared.is_article  # the same text without the claim reads as a listing
    article = extract(_declared_page(_SHORT + _TEASERS, _NEWS), URL)
    assert article.is_article
    assert article.body == "Mưa lớn kéo dài từ đêm qua làm ngập nhiều tuyến đường ở Tam Kỳ."


def test_the_json_ld_article_body_stands_in_for_a_body_the_page_does_not_show():
    declared = {**_NEWS, "articleBody": "\n".join(TEXT) + "\n" + LEAD}
    article = extract(_declared_page("<div id='app'></div>", declared), URL)
    assert article.body == "\n\n".join([*TEXT, LEAD])
    assert any("articleBody" in w for w in article.warnings)
    marked_up = {**_NEWS, "articleBody": "".join(f"<p>{p}</p>" for p in TEXT) + f"<p>{LEAD}</p>"}
    assert extract(_declared_page("", marked_up), URL).body == article.body


def test_a_shown_body_is_kept_over_the_json_ld_one():
    shown = "".join(f"<p>{p}</p>" for p in TEXT)
    declared = {**_NEWS, "articleBody": "\n".join(TEXT) + "\nA line the page does not show."}
    article = extract(_declared_page(shown, declared), URL)
    assert article.body == "\n\n".join(TEXT)


def test_a_post_written_as_lines_counts_each_lines_links_apart():
    # A blog post typed as lines in one element: the links of one line do not make the
    # lines around it look like blocks of links.
    linked = (
        'Read <a href="/a">the first study of the training of sprinters</a> and '
        '<a href="/b">the second study of their genes and families</a>.'
    )
    lines = [TEXT[0], linked, "<b>2) A heading of the post</b>", TEXT[1], TEXT[2]]
    article = extract(page("<div>" + "<br><br>".join(lines) + "</div>"), URL)
    body = (article.body or "").split("\n\n")
    assert TEXT[1] in body and TEXT[2] in body
    assert "2) A heading of the post" in body


def test_the_json_ld_article_body_wins_over_other_text_the_page_shows():
    # The element read holds another text as long as the article (a box about the site):
    # the article the JSON-LD gives shares few of its words.
    other = [
        f"Mục {n}: giới thiệu về tòa soạn, ban biên tập, quy định đăng tải và liên hệ quảng cáo "
        "cùng các thông tin về giấy phép hoạt động báo chí điện tử của cơ quan chủ quản."
        for n in range(1, 5)
    ]
    declared = {**_NEWS, "articleBody": "\n".join(TEXT)}
    shown = "".join(f"<p>{p}</p>" for p in other)
    assert extract(_declared_page(shown, declared), URL).body == "\n\n".join(TEXT)


@pytest.mark.parametrize(
    "note",
    [
        "（责任编辑：张三）",
        "【纠错】 【责任编辑:李四 】",
        "［有料会員限定］ この記事は会員限定です。電子版に登録すると続きをお読みいただけます。",
        "This article is for subscribers only. Already a subscriber? Sign in.",
        "To view the full story, please subscribe to The Example Times.",
        # A blog post's line of labels:
        "Related Topics: Foreign Policy, Health Care",
        "Posted in: NFL Network | comments |",
        "By The Editors | 12:20 AM ET, 11/01/2011 Tags: FAQ",
        "Kategorie: News, Vereinsleben",
        "Etiquetas: política, economía",
        # The page's calls to the reader: share, follow, subscribe, get the app.
        "Diesen Artikel teilen",
        "War der Artikel nützlich?",
        "Síguenos en Telegram para recibir todas nuestras actualizaciones.",
        "Get the latest news straight to your phone with the Example News app.",
        "Sign up for our newsletter and get the best stories every week.",
        "If you enjoyed reading this post, would you consider supporting our work?",
        "Abonnez-vous pour ne rien manquer.",
    ],
)
def test_the_editors_credit_a_paywall_notice_labels_or_calls_closing_the_text_are_not_text(
    note: str,
):
    body = "".join(f"<p>{p}</p>" for p in TEXT) + f"<p>{note}</p>"
    assert extract(page(body), URL).body == "\n\n".join(TEXT)


def test_a_closing_sentence_pointing_to_a_wiki_category_is_text():
    line = "Die Protokolle sind unter Kategorie:Protokolle Stammtisch zu finden."
    body = "".join(f"<p>{p}</p>" for p in TEXT) + f"<p>{line}</p>"
    assert extract(page(body), URL).body == "\n\n".join([*TEXT, line])


def test_a_paragraph_merely_mentioning_subscribers_is_text():
    line = "Báo cho biết số người đăng ký (subscribers only grew by 5%) tăng nhẹ trong quý."
    body = "".join(f"<p>{p}</p>" for p in TEXT) + f"<p>{line}</p>"
    assert extract(page(body), URL).body == "\n\n".join([*TEXT, line])


def test_a_paragraph_of_the_text_about_an_app_or_a_newsletter_inside_it_stays():
    # Only the closing lines are the page's calls; inside the text they are its sentences.
    line = "Get the latest figures from the city's new app, the mayor said on Monday."
    body = f"<p>{TEXT[0]}</p><p>{line}</p>" + "".join(f"<p>{p}</p>" for p in TEXT[1:])
    assert extract(page(body), URL).body == "\n\n".join([TEXT[0], line, *TEXT[1:]])


def test_a_page_whose_json_ld_describes_several_articles_may_be_a_listing():
    listed = {"@context": "https://schema.org", "@graph": [_NEWS, {**_NEWS, "headline": "Khác"}]}
    assert not extract(_declared_page(_SHORT + _TEASERS, listed), URL).is_article


def test_one_article_described_twice_is_still_one_article():
    twice = {"@context": "https://schema.org", "@graph": [_NEWS, _NEWS]}
    assert extract(_declared_page(_SHORT + _TEASERS, twice), URL).is_article


def test_a_subheading_named_like_page_chrome_heads_the_next_section_of_the_text():
    # CMSs name their subheadings "subheader" or "section-header": words that name page
    # chrome when they stand for the site's header. A box's title named so still goes.
    first, second = TEXT[0], f"{TEXT[1]} Thêm."
    box = (
        "<div class='box'><h3 class='box-header'>Đọc nhiều</h3><ul>"
        "<li><a href='/a.html'>Tin đọc nhiều thứ nhất trong ngày hôm nay</a></li>"
        "<li><a href='/b.html'>Tin đọc nhiều thứ hai trong ngày hôm nay</a></li></ul></div>"
    )
    for name in ("subheader", "section-header"):
        body = f"<p>{first}</p><h2 class='{name}'>Kết quả sau hai năm</h2><p>{second}</p>{box}"
        article = extract(page(body), URL)
        assert article.paragraphs == [first, "Kết quả sau hai năm", second]


def test_a_subheading_linking_to_its_own_section_is_text_a_linked_headline_is_not():
    # Blogs and documentation link each section heading to itself (a permalink) or back to
    # the table of contents: a link within the page. A heading linking to another page is
    # a teaser's headline.
    first, second = TEXT[0], f"{TEXT[1]} Thêm."
    for anchor in ("#ket-qua", "#muc-luc"):
        body = (
            f"<p>{first}</p><h3 id='ket-qua'><a href='{anchor}'>Kết quả sau hai năm</a></h3>"
            f"<p>{second}</p><h3><a href='/bai-khac.html'>Một bài khác về cải cách hành chính"
            "</a></h3>"
        )
        article = extract(page(body), URL)
        assert article.paragraphs == [first, "Kết quả sau hai năm", second]


EN_TEXT = [
    f"Paragraph {n} of the story tells how the council voted on the budget, which funds "
    "schools, roads and the harbour for the next three years."
    for n in range(1, 4)
]


def _english_story(inside: str) -> bytes:
    return (
        "<html><head><title>Council passes budget</title></head><body><article>"
        "<h1>Council passes budget</h1><p class='date'>March 1, 2020 10:00</p>"
        f"<div class='body'>{inside}</div></article></body></html>"
    ).encode()


def _english_page(line: str) -> bytes:
    return _english_story(f"<p>{EN_TEXT[0]}</p><p>{EN_TEXT[1]}</p>{line}<p>{EN_TEXT[2]}</p>")


def test_a_linked_line_between_paragraphs_of_the_text_is_a_line_of_it():
    # Newspapers set "Read more: ..." or "[Related: ...]" between two paragraphs: the
    # article goes on after it, and readers see the line as part of it.
    for line, text in (
        (
            "<p>Read more: <a href='/a'>Why the harbour plan stalled</a></p>",
            "Read more: Why the harbour plan stalled",
        ),
        (
            "<p><i><a href='/b'>[Related: Council delays the vote again]</a></i></p>",
            "[Related: Council delays the vote again]",
        ),
    ):
        article = extract(_english_page(line), "https://paper.example.com/2020/03/01/budget")
        assert article.paragraphs == [EN_TEXT[0], EN_TEXT[1], text, EN_TEXT[2]]


def test_a_line_of_several_links_or_a_teasers_headline_between_paragraphs_is_not_text():
    menu = "<p><a href='/a'>Schools</a> <a href='/b'>Roads</a> <a href='/c'>Harbour</a></p>"
    teaser = (
        "<p>Đọc thêm: <a href='/d'>Hội đồng thành phố hoãn biểu quyết ngân sách lần thứ ba "
        "trong năm nay, vì sao?</a></p>"
    )
    # A bare linked headline, bold as Dân trí sets its teasers, is a teaser too.
    bare = "<p><a href='/e'><strong>Council delays the vote on the harbour again</strong></a></p>"
    labelled_bold = "<p><a href='/f'><strong>Mayor: the harbour plan will wait</strong></a></p>"
    for line in (menu, teaser, bare, labelled_bold):
        article = extract(_english_page(line), "https://paper.example.com/2020/03/01/budget")
        assert article.paragraphs == EN_TEXT


def test_inside_a_body_its_profile_names_only_the_profiles_removals_are_noise():
    """Class names that look like page chrome ("HeaderRow") are not guessed at inside the
    body a profile names, whichever other step looked at the page's chrome: the header
    row of a table there is text."""
    profile = profile_from_dict(
        {
            "name": "table-test",
            "hosts": ["tin.example.vn"],
            "selectors": {"title": ["h1"], "body": ["div.content"], "remove": ["div.box"]},
        }
    )
    table = (
        "<table><tr class='reTableHeaderRow'><td>Giờ/Ngày</td><td>Trận</td><td>Đội</td></tr>"
        "<tr><td>19:00 27/3</td><td>Việt Nam</td><td>Jordan</td></tr></table>"
    )
    page = (
        "<html><body><div class='menu'><a href='/a'>Trang chủ</a> <a href='/b'>Thời sự</a>"
        "</div><h1>Lịch thi đấu vòng loại</h1><span class='date'>12/03/2018 10:00</span>"
        f"<div class='content'><p>{TEXT[0]}</p>{table}<div class='box'>Quảng cáo</div>"
        f"<p>{TEXT[1]}</p></div></body></html>"
    )
    article = extract(page.encode(), URL, profile=profile)
    assert article.paragraphs == [
        TEXT[0],
        "Giờ/Ngày Trận Đội",
        "19:00 27/3 Việt Nam Jordan",
        TEXT[1],
    ]


@pytest.mark.parametrize(
    "named", ["div class='texto-bajada'", "p class='entradilla'", "div class='story dek'"]
)
def test_a_summary_named_as_other_newsrooms_name_it_is_the_lead(named: str):
    # Spanish "bajada"/"entradilla", the American "dek": the summary under the headline.
    summary = (
        "El presidente llegó esta mañana a la ciudad, donde inauguró el nuevo hospital regional."
    )
    tag = named.split()[0]
    html = (
        "<html><head><title>Hospital</title></head><body><article><h1>Hospital</h1>"
        f"<{named}>{summary}</{tag}><div class='cuerpo'>"
        + "".join(f"<p>{p}</p>" for p in TEXT)
        + "</div></article></body></html>"
    ).encode()
    result = extract(html, URL)
    assert result.lead == summary
    assert result.body == "\n\n".join([summary, *TEXT])


CARD_SUMMARY = (
    "Tóm tắt của bài khác: thành phố khởi công tuyến đường ven biển dài mười hai cây số, "
    "dự kiến hoàn thành sau hai năm thi công."
)


@pytest.mark.parametrize(
    "card",
    [
        # a picture and a headline line linking to the same page, then a summary
        "<div class='box'><a href='/bai-khac-1.html'><img src='a.jpg' alt=''></a>"
        "<div class='t'><a href='/bai-khac-1.html'>Khởi công tuyến đường ven biển</a></div>"
        f"<div class='d'>{CARD_SUMMARY}</div></div>",
        # the same as a list item, the headline in a span
        "<ul><li><a href='/bai-khac-1.html'><picture><img src='a.jpg' alt=''></picture></a>"
        "<span><a href='/bai-khac-1.html'>Khởi công tuyến đường ven biển</a></span>"
        f"<p>{CARD_SUMMARY}</p></li></ul>",
    ],
)
def test_a_card_of_another_article_between_paragraphs_is_not_text(card: str):
    body = f"<p>{TEXT[0]}</p><p>{TEXT[1]}</p>{card}<p>{TEXT[2]}</p>"
    article = extract(page(body), URL)
    assert article.paragraphs == TEXT


def test_a_paragraph_linking_its_picture_and_words_to_one_page_is_text():
    said = (
        "Ảnh chụp vệ tinh do cơ quan khí tượng công bố sáng nay cho thấy vùng mây dày đặc "
        "phủ kín vùng biển phía đông, xem thêm tại <a href='/ban-do.html'>bản đồ mây</a> "
        "của trung tâm dự báo."
    )
    body = (
        f"<p>{TEXT[0]}</p><div><a href='/ban-do.html'><img src='b.jpg' alt=''></a>"
        f"<p>{said}</p></div><p>{TEXT[1]}</p><p>{TEXT[2]}</p>"
    )
    article = extract(page(body), URL)
    assert len(article.paragraphs) == 4
    assert article.paragraphs[1].startswith("Ảnh chụp vệ tinh")


def test_one_tag_heading_a_section_is_text():
    paragraphs = f"<p>{TEXT[0]}</p><p>#CookForJulia Breakfast</p><p>{TEXT[1]}</p><p>{TEXT[2]}</p>"
    assert extract(page(paragraphs), URL).paragraphs == [
        TEXT[0],
        "#CookForJulia Breakfast",
        *TEXT[1:],
    ]


@pytest.mark.parametrize("line", ["<strong>Tin, ảnh:</strong> Minh Anh", "Tác giả: Minh Anh"])
def test_a_closing_line_a_byline_label_opens_is_the_byline_however_set(line: str):
    paragraphs = "".join(f"<p>{t}</p>" for t in TEXT) + f"<p>{line}</p>"
    article = extract(page(paragraphs), URL)
    assert article.author == "Minh Anh"
    assert article.paragraphs == TEXT


@pytest.mark.parametrize(
    "subheading",
    ["Tag der Abstimmung im Unterhaus", "Tag Heuer shows its new watch in Geneva"],
)
def test_a_subheading_opening_with_tag_is_text_a_line_of_tags_ends_it(subheading: str):
    # "Tag" is a day in German and the first word of a brand: a line opening with it ends
    # the text only as a label of tags (alone, with a colon, or before links only).
    url = "https://paper.example.com/2020/03/01/budget"
    line = f"<h3>{subheading}</h3>"
    article = extract(_english_page(line), url)
    assert article.paragraphs == [EN_TEXT[0], EN_TEXT[1], subheading, EN_TEXT[2]]
    for tags in (
        "<p>Tags: budget, council</p>",
        "<p>Tags</p>",
        "<div>Tags <a href='/t/budget'>budget</a> <a href='/t/council'>council</a></div>",
    ):
        assert extract(_english_page(tags), url).paragraphs == EN_TEXT[:2]


def test_a_drop_cap_set_apart_from_its_paragraph_opens_it():
    # Newsrooms set the first letter apart, as an element of its own before the paragraph
    # (``<span class="dropcap">P</span><p>aragraph...``): it is the paragraph's first letter.
    url = "https://paper.example.com/2020/03/01/budget"
    for cap in ("<span class='dropcap'>P</span>", "<div class='drop-cap'>P</div>"):
        inside = f"<div class='first'>{cap}<p>{EN_TEXT[0][1:]}</p></div>" + "".join(
            f"<p>{p}</p>" for p in EN_TEXT[1:]
        )
        assert extract(_english_story(inside), url).paragraphs == EN_TEXT


def test_a_box_named_summary_after_the_text_is_no_lead():
    # An author's box closing the article, named "summary" (McClatchy's), is no lead: a
    # lead comes before the text. The same box before the text is one.
    url = "https://paper.example.com/2020/03/01/budget"
    bio = "Jane Roe covers business and trends in the region. She studied at Example University."
    box = f"<div class='author'><div class='summary'><span>{bio}</span></div></div>"
    text = "".join(f"<p>{p}</p>" for p in EN_TEXT)
    video = (
        "<div class='video'><p>Watch: the council's vote on the budget, with the mayor's "
        "statement and the opposition's reply (two minutes).</p></div>"
    )
    for inside, lead in (
        (f"{text}{box}", None),
        (f"{box}{text}", bio),
        (f"{video}{box}{text}", bio),  # (a box's line before it is no paragraph of the text)
    ):
        article = extract(_english_story(inside), url)
        assert article.lead == lead
        assert article.paragraphs[0] == (lead or EN_TEXT[0])


def _paragraphs_opening_with(line: str) -> list[str]:
    """The paragraphs read from the English story with ``line`` as its first paragraph."""
    body = f"<p>{line}</p>" + "".join(f"<p>{p}</p>" for p in EN_TEXT)
    return extract(_english_story(body), "https://paper.example.com/2020/03/01/budget").paragraphs


@pytest.mark.parametrize(
    "line",
    ["By Jane Roe", "By Jane Roe, Reuters", "Von Max Muster und Erika Muster, dpa",
     "By Tom Pyman for MailOnline", "Par Jean Dupont"],
)  # fmt: skip
def test_a_byline_line_above_the_text_is_not_text(line: str):
    # Newsrooms print the byline as the text's first line, in an element named like any
    # paragraph: a line of names (and the writer's outlet), not a sentence.
    assert _paragraphs_opening_with(line) == EN_TEXT


def test_a_first_sentence_opening_with_by_is_text():
    for line in ("By March the council had voted twice.", "By the numbers: Schools and Roads"):
        assert _paragraphs_opening_with(line) == [line, *EN_TEXT]


@pytest.mark.parametrize(
    "line", ["20. Mai 2019", "Sonntag, 06. Februar 2022 - 15:00 Uhr", "5 de mayo de 2020"]
)
def test_a_date_line_with_the_month_named_in_another_language_is_not_text(line: str):
    assert _paragraphs_opening_with(line) == EN_TEXT
    sentence = "Am 21. Mai 2022 trifft sich der Rat wieder im Rathaus."
    assert _paragraphs_opening_with(sentence) == [sentence, *EN_TEXT]


@pytest.mark.parametrize(
    "heading", ["About the author", "Über die Autorin:", "À propos de l'auteur"]
)
def test_the_authors_box_closing_the_text_is_not_text(heading: str):
    url = "https://paper.example.com/2020/03/01/budget"
    bio = "Jane Roe has covered the council for ten years and lives by the harbour."
    body = "".join(f"<p>{p}</p>" for p in EN_TEXT) + f"<h3>{heading}</h3><p>{bio}</p>"
    assert extract(_english_story(body), url).paragraphs == EN_TEXT


@pytest.mark.parametrize(
    "opening",
    [
        "The following are comments from the readers. They do not represent our views.",
        "Comments are moderated and may take a day to appear.",
        "Please keep your comments civil and on topic.",
        "Kommentare werden vor der Veröffentlichung moderiert.",
        "We welcome a lively debate: so that we need not review comments before they appear, "
        "please read our community guidelines.",
    ],
)
def test_the_rules_of_the_comment_section_after_the_text_are_not_text(opening: str):
    rules = (
        f"<div class='story-detail'><p><i>{opening}</i></p>"
        "<p>Comment entries are limited to 100 words.</p>"
        "<p>Do not post: insults, threats or another person's real name.</p></div>"
    )
    body = "".join(f"<p>{p}</p>" for p in TEXT) + rules
    assert extract(page(body), URL).body == "\n\n".join(TEXT)


def test_a_paragraph_of_the_text_reporting_a_comment_policy_is_text():
    line = "Comments are moderated by volunteers, the forum said, after complaints last year."
    after = " ".join(TEXT)  # (a paragraph of the text goes on after it)
    body = f"<p>{TEXT[0]}</p><p>{TEXT[1]}</p><p>{line}</p><p>{after}</p>"
    assert extract(page(body), URL).body == "\n\n".join([TEXT[0], TEXT[1], line, after])


def test_closing_paragraphs_about_comments_a_civilian_wrote_are_text():
    story = [
        "As the veteran tried to stop the comments from taking over her pages, civilians and "
        "soldiers alike wrote to say they did not find the picture disrespectful.",
        "She said she plans to give part of the profits to charity.",
    ]
    body = "".join(f"<p>{p}</p>" for p in [*TEXT, *story])
    assert extract(page(body), URL).body == "\n\n".join([*TEXT, *story])


def test_the_header_row_of_a_data_table_named_like_a_page_header_is_text():
    # A table editor names its header row and cells "...HeaderRow...", "...HeaderCol...": the
    # row of the table's column labels, not the page's header (vietnamnet 2017, no profile).
    header = "".join(
        f"<td class='reTableHeaderCol'><strong>{label}</strong></td>"
        for label in ("Giờ", "Đội nhà", "Tỷ số", "Đội khách")
    )
    rows = "".join(
        f"<tr class='reTableRow'><td>19:00 - {day}/3</td><td>Việt Nam</td><td>{score}</td>"
        f"<td>{team}</td></tr>"
        for day, score, team in (("21", "2-0", "Lào"), ("24", "1-1", "Iran"), ("28", "0-1", "Oman"))
    )
    table = f"<table><tbody><tr class='reTableHeaderRow'>{header}</tr>{rows}</tbody></table>"
    article = extract(page(f"<p>{TEXT[0]}</p><p>{TEXT[1]}</p>{table}<p>{TEXT[2]}</p>"), URL)
    assert "Giờ Đội nhà Tỷ số Đội khách" in article.paragraphs
    assert "19:00 - 21/3 Việt Nam 2-0 Lào" in article.paragraphs


def test_a_table_head_named_like_a_page_header_holds_the_column_labels():
    rows = "".join(
        f"<tr><td>Quý {n}/2025</td><td>{n * 12},5</td><td>{n * 3},1 %</td></tr>" for n in (1, 2, 3)
    )
    table = (
        "<table><thead class='table-header'><tr><th>Kỳ</th><th>Doanh thu (tỷ đồng)</th>"
        f"<th>Tăng trưởng</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    article = extract(page(f"<p>{TEXT[0]}</p><p>{TEXT[1]}</p>{table}<p>{TEXT[2]}</p>"), URL)
    assert "Kỳ Doanh thu (tỷ đồng) Tăng trưởng" in article.paragraphs
