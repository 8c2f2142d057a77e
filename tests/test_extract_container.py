"""Finding the article's element without a profile: split text gathered, teasers left out."""

from __future__ import annotations

import pytest

from archiver.extract import extract

URL = "https://tin.example.vn/bai-viet-12345.html"


def para(n: int) -> str:
    return (
        f"Đoạn {n}: thành phố tiếp tục triển khai các giải pháp, tăng cường kiểm tra, giám sát, "
        "bảo đảm tiến độ và chất lượng công trình theo đúng kế hoạch đã đề ra."
    )


def html(article: str, extra: str = "") -> bytes:
    return (
        "<html><head><title>Khởi công cầu mới qua sông Hàn</title></head><body>"
        "<div class='menu'><a href='/'>Trang chủ</a> <a href='/xa-hoi'>Xã hội</a></div>"
        f"<main><h1>Khởi công cầu mới qua sông Hàn</h1>{article}</main>{extra}</body></html>"
    ).encode()


def test_text_split_by_an_advert_between_paragraphs_is_gathered():
    article = (
        f"<div class='content'><p>{para(1)}</p><p>{para(2)}</p></div>"
        "<div class='ad-slot'><a href='https://ads.example/'>Quảng cáo</a></div>"
        f"<div class='content'><p>{para(3)}</p><p>{para(4)}</p></div>"
    )
    assert extract(html(article), URL).paragraphs == [para(n) for n in range(1, 5)]


def test_paragraphs_written_as_divs_are_one_text():
    article = "".join(f"<div>{para(n)}</div>" for n in range(1, 5))
    assert extract(html(article), URL).paragraphs == [para(n) for n in range(1, 5)]


def test_boxes_of_one_kind_numbered_by_the_cms_are_one_text():
    article = "".join(
        f"<div class='story-body story-body-{n}'><p>{para(2 * n)}</p><p>{para(2 * n + 1)}</p></div>"
        f"<aside class='story-aside'><a href='/x{n}'>Xem thêm bài viết số {n} về cầu</a></aside>"
        for n in range(1, 3)
    )
    assert extract(html(article), URL).paragraphs == [para(n) for n in range(2, 6)]


def test_teasers_beside_a_short_article_are_neither_its_text_nor_a_listing():
    teasers = "".join(
        f"<article class='item'><h3><a href='/tin-{n}.html'>Tin khác số {n} trong chuyên mục xã hội"
        f"</a></h3><p>Tóm tắt tin số {n}, một đoạn ngắn giới thiệu nội dung bài viết khác.</p>"
        "</article>"
        for n in range(12)
    )
    article = f"<p class='date'>12/03/2025 08:00</p><p>{para(1)}</p><p>{para(2)}</p>{teasers}"
    result = extract(html(article), URL)
    assert result.is_article
    assert result.published_at == "2025-03-12T08:00:00+07:00"
    assert result.paragraphs == [para(1), para(2)]


def test_a_page_of_teasers_is_a_listing():
    teasers = "".join(
        f"<div class='item'><a href='/tin-{n}.html'>Tin số {n}: thành phố khởi công cầu mới</a>"
        f"<div class='sapo'>{para(n)}</div></div>"
        for n in range(8)
    )
    result = extract(html(teasers), "https://tin.example.vn/xa-hoi/trang-2")
    assert not result.is_article
    assert result.body is None and result.published_at is None


def slides(count: int) -> str:
    return (
        "<ul class='legends'>"
        + "".join(
            f"<li><h2><span class='counter'>{n}/{count}</span> Ảnh số {n}</h2>"
            f"<p>{para(100 + n)} Mô tả ảnh số {n}, chụp tại công trường.</p></li>"
            for n in range(1, count + 1)
        )
        + "</ul>"
    )


def test_a_gallery_of_numbered_slides_inside_the_article_is_not_its_text():
    article = (
        f"<div class='text'><p>{para(1)}</p><p>{para(2)}</p><p>{para(3)}</p>"
        f"<div class='gallery'>{slides(20)}</div><p>{para(4)}</p></div>"
    )
    assert extract(html(article), URL).paragraphs == [para(n) for n in range(1, 5)]


def test_a_page_of_numbered_slides_alone_keeps_them_as_its_text():
    result = extract(html(f"<p>{para(1)}</p>{slides(5)}"), URL)
    assert len(result.paragraphs) >= 10


def test_boxes_of_one_kind_each_wrapped_in_spans_are_one_text():
    steps = "".join(
        f"<span><span><div class='mod step'><div class='content'><p>{para(n)}</p></div></div>"
        "</span></span>"
        for n in range(2, 5)
    )
    article = (
        f"<article><div class='mod step'><div class='content'><p>{para(1)}</p><p>{para(9)}</p>"
        f"</div></div>{steps}</article>"
    )
    assert extract(html(article), URL).paragraphs == [para(n) for n in (1, 9, 2, 3, 4)]


def test_a_section_whose_id_is_its_headings_anchor_is_text_not_a_share_bar():
    article = (
        f"<div class='section' id='khoi-cong-cau-moi'><p>{para(1)}</p><p>{para(2)}</p>"
        "<div class='section' id='example-1-amend-a-shared-changeset'>"
        f"<h2>Example 1: Amend a shared changeset</h2><p>{para(3)}</p><p>{para(4)}</p></div>"
        "<div class='share-tools' id='share-this-article-now'><h3>Share this article now</h3>"
        "<a href='https://facebook.example/'>Facebook</a></div></div>"
    )
    paragraphs = extract(html(article), URL).paragraphs
    assert paragraphs == [para(1), para(2), "Example 1: Amend a shared changeset", para(3), para(4)]


def test_cards_wrapped_in_links_after_the_text_are_not_text():
    cards = "".join(
        f"<a class='card' href='/blog/bai-{n}'><div class='kind'>Góc nhìn</div>"
        f"<h4>Bài viết khác số {n} về các công trình giao thông</h4></a>"
        for n in range(3)
    )
    article = f"<div class='post'><p>{para(1)}</p><p>{para(2)}</p><p>{para(3)}</p>{cards}</div>"
    assert extract(html(article), URL).paragraphs == [para(1), para(2), para(3)]


def _english(n: int) -> str:
    return (
        f"Paragraph {n}: the council said the new bridge would open next spring, after a "
        "year of delays caused by floods, rising costs and a shortage of steel."
    )


def test_a_short_post_closed_by_a_linked_heading_is_an_article_not_a_teaser():
    teasers = "".join(
        f"<div class='col'><h3><a href='/p{n}.html'>Another story number {n} from the blog</a>"
        "</h3></div>"
        for n in range(12)
    )
    post = (
        f"<div class='post-content'><p>{_english(1)} {_english(2)} {_english(3)}</p>"
        "<p>Let us know what you think!</p>"
        "<h3><a href='https://video.example/v/1'>Desktop video link</a></h3></div>"
    )
    result = extract(html(post, teasers), "https://blog.example/2012/10/bridge.html")
    assert result.is_article
    assert result.paragraphs[0] == f"{_english(1)} {_english(2)} {_english(3)}"


def test_blog_posts_in_a_box_named_widget_are_the_text_not_chrome():
    blogroll = "".join(
        f"<li><a href='https://other{n}.example/'>Blog {n}</a> a long description of what "
        f"blog number {n} writes about, week after week, for its many readers.</li>"
        for n in range(40)
    )
    page = (
        "<html><head><title>A blog</title></head><body>"
        "<div id='Blog1' class='widget Blog'><h3 class='post-title'>A curious night</h3>"
        "<div class='post-body entry-content'>"
        + "<br><br>".join(_english(n) for n in range(1, 6))
        + f"</div></div><aside><ul>{blogroll}</ul></aside></body></html>"
    ).encode()
    result = extract(page, "https://blog.example/2012/08/a-curious-night.html")
    assert result.paragraphs == [_english(n) for n in range(1, 6)]


def test_a_post_typed_as_lines_in_one_block_outweighs_a_short_description():
    description = (
        "<p class='description'>Notes on health, records, standards, privacy, policy, networks, "
        "budgets, people, hospitals, clinics, doctors, nurses, laws, rules, payers, vendors, "
        "devices, clouds, data, exchanges, and whatever else, by a CIO.</p>"
    )
    post = " ".join(_english(n).replace(",", "") for n in range(1, 7))
    page = (
        "<html><head><title>Life as a CIO</title></head><body>"
        f"<div class='blurb'>{description}</div>"
        f"<div class='post'><h3>The October meeting</h3><div class='post-text'>{post}</div></div>"
        "</body></html>"
    ).encode()
    result = extract(page, "https://blog.example/2012/10/the-october-meeting.html")
    assert result.body is not None and "Paragraph 6" in result.body


@pytest.mark.parametrize(
    "box",
    [
        "<div class='contact-cta-container'><p>{}</p></div>",
        "<div class='cta'><p>{}</p></div>",
        "<div class='promo-box'><p>{}</p></div>",
        "<div class='donate-box'><p>{}</p></div>",
        "<div class='form-signup'><p>{}</p></div>",
    ],
)
def test_a_call_to_action_inside_the_article_is_not_its_text(box: str):
    call = (
        "Bạn thích bài viết này? Hãy đăng ký nhận bản tin mỗi sáng và ủng hộ tòa soạn ngay hôm nay."
    )
    text = f"<p>{para(1)}</p><p>{para(2)}</p>{box.format(call)}<p>{para(3)}</p>"
    article = f"<div class='content'>{text}</div>"
    assert extract(html(article), URL).paragraphs == [para(n) for n in range(1, 4)]


def test_paragraphs_led_by_a_linked_headline_on_its_own_line_are_teasers():
    column = "".join(
        f"<p><a href='/tin-{n}.html'>Tin số {n}: thành phố khởi công cầu mới qua sông</a><br>"
        f"{para(10 + n)}</p>"
        for n in range(6)
    )
    article = "".join(f"<p>{para(n)}</p>" for n in range(1, 5))
    page = html(
        f"<div class='main'><div class='text'>{article}</div>"
        f"<div class='column'>{column}</div></div>"
    )
    assert extract(page, URL).paragraphs == [para(n) for n in range(1, 5)]


def test_a_quote_introduced_by_a_linked_line_ending_with_a_colon_is_text():
    # A reblog or a quote: "<a>Reblogged from X: Title:</a><br>the quoted text"; a
    # teaser's headline ends with no colon.
    quote = (
        "<p><a href='https://other.example/2013/12/08/post/'>Reblogged from Other Blog: The "
        f"truth:</a><br>{para(9)}</p>"
    )
    article = f"<p>{para(1)}</p>{quote}<p>{para(2)}</p><p>{para(3)}</p>"
    paragraphs = extract(html(article), URL).paragraphs
    assert para(9) in " ".join(paragraphs)
    assert paragraphs[-2:] == [para(2), para(3)]


def test_a_paragraph_opening_with_a_link_in_its_sentence_is_text():
    linked = (
        "<p><a href='/ubnd.html'>UBND thành phố Đà Nẵng</a> vừa công bố kế hoạch xây dựng cầu "
        "mới qua sông Hàn, dự kiến khởi công trong quý tới, với tổng vốn hơn hai nghìn tỷ.</p>"
    )
    article = f"{linked}<p>{para(1)}</p><p>{para(2)}</p>"
    assert extract(html(article), URL).paragraphs[0].startswith("UBND thành phố Đà Nẵng vừa")


def test_a_header_opening_the_articles_text_is_its_first_paragraph_not_chrome():
    # Some CMSs set the opening summary in a <header> that is the first element of the
    # article's text; a <header> further down (a chart's title) is not taken for it.
    opening = (
        "Cầu mới qua sông Hàn dài 1,2 km, nối hai quận trung tâm, dự kiến hoàn thành sau ba "
        "năm thi công, với tổng vốn đầu tư gần 3.500 tỷ đồng."
    )
    chart = "<div class='chart'><header>Biểu đồ: vốn đầu tư theo từng năm, tỷ đồng</header></div>"
    text = "".join(f"<p>{para(n)}</p>" for n in range(1, 5))
    article = f"<div itemprop='articleBody'><header>{opening}</header>{text}{chart}</div>"
    result = extract(html(article), URL)
    assert result.paragraphs == [opening, *(para(n) for n in range(1, 5))]


def test_a_row_of_named_boxes_each_wrapped_in_an_unnamed_div_is_one_text():
    # Each section: <div><div class="section"><h2/><div class="section-text"><div><p>...
    # beside an empty <div class="clear">; the row is of the unnamed wrappers. (The second
    # section is the longest: the others are no alternatives to it.)
    texts = [para(1), " ".join([para(2)] * 3), para(3), para(4)]
    article = "".join(
        f"<div><div class='section section_wrapper mb-8'><h2 class='section_title'>Phần {n}</h2>"
        f"<div class='section-text'><div><p>{text}</p></div></div></div>"
        "<div class='clear-both'></div></div>"
        for n, text in enumerate(texts, 1)
    )
    result = extract(html(f"<div>{article}</div>"), URL)
    assert [p for p in result.paragraphs if p.startswith("Đoạn")] == texts


def test_a_paragraph_named_by_where_it_floats_is_text_not_chrome():
    # "left"/"right" say where a box sits beside a picture, not that it is a side column.
    article = (
        f"<div class='content'><p>{para(1)}</p>"
        f"<div class='paragraph left'><p>{para(2)}</p></div>"
        f"<p class='right'>{para(3)}</p><p>{para(4)}</p>"
        "<div class='left'><a href='/a'>Tin khác</a> <a href='/b'>Tin nữa</a></div></div>"
    )
    assert extract(html(article), URL).paragraphs == [para(n) for n in range(1, 5)]


def test_the_next_articles_loaded_below_the_page_s_own_are_not_its_text():
    # Infinite scroll: the page's article, then the next ones (longer) in <article>s of
    # their own; the headline says which is the page's.
    def story(n: int, title: str, paragraphs: int) -> str:
        text = "".join(f"<p>{para(10 * n + k)}</p>" for k in range(paragraphs))
        return f"<div class='scroll'><article class='entry'><h1>{title}</h1>{text}</article></div>"

    page = (
        "<html><head><title>Khởi công cầu mới qua sông Hàn</title>"
        "<meta property='og:title' content='Khởi công cầu mới qua sông Hàn'></head><body><main>"
        + story(1, "Khởi công cầu mới qua sông Hàn", 4)
        + story(2, "Thành phố mở thêm tuyến xe buýt", 9)
        + story(3, "Giá vàng tăng mạnh", 6)
        + "</main></body></html>"
    ).encode()
    result = extract(page, URL)
    assert result.title == "Khởi công cầu mới qua sông Hàn"
    assert result.paragraphs == [para(10 + k) for k in range(4)]


def test_sections_of_a_page_builder_with_empty_grid_rows_are_one_text():
    # Each section of the text: a full-width box holding a grid, an empty row of the grid
    # (a spacer) and a row with the column of text; a box of figures between two sections.
    # The empty row is no continuation of the text: the row of sections is.
    def section(*numbers: int) -> str:
        text = "".join(f"<p>{para(n)}</p>" for n in numbers)
        return (
            "<div class='section-wide text-block'><div class='container topic'>"
            "<div class='row'><div class='col-12'></div></div>"
            f"<div class='row'><div class='col-8 offset-1'>{text}</div></div></div></div>"
        )

    figures = (
        "<div class='section-wide table-block'><table><tr><th>Chiều dài</th><td>1.200 m</td></tr>"
        "</table></div>"
    )
    article = section(1) + figures + section(2, 3, 4, 5) + figures + section(6, 7)
    paragraphs = extract(html(article), URL).paragraphs
    assert [p for p in paragraphs if p.startswith("Đoạn")] == [para(n) for n in range(1, 8)]


def test_an_intro_block_beside_the_block_of_paragraphs_is_the_text_s_start():
    # A CMS renders the body field (the intro) and a field of paragraph items as two blocks
    # of one kind; the paragraphs, gathered from their items (one longer than the others),
    # are not all the text.
    def item(*numbers: int) -> str:
        text = "".join(f"<p>{para(n)}</p>" for n in numbers)
        return f"<div class='field__item'><div class='field field--text'>{text}</div></div>"

    items = item(3) + item(4, 5, 6, 7, 8) + item(9)
    article = (
        "<div class='region-main'>"
        "<div class='block block-ctools block-entity-body'><div class='field field--body'>"
        f"<p>{para(1)}</p><p>{para(2)}</p></div></div>"
        "<div class='block block-ctools block-entity-paragraphs'>"
        f"<div class='field field--paragraphs field__items'>{items}</div></div>"
        "<div class='block block-share'><a href='https://facebook.example/'>Facebook</a> "
        "<a href='https://x.example/'>X</a></div></div>"
    )
    assert extract(html(article), URL).paragraphs == [para(n) for n in range(1, 10)]


def test_the_text_column_of_a_grid_is_not_widened_to_the_side_column_beside_it():
    # The text's paragraphs, split over two boxes, are gathered in their column; the side
    # column's class differs from it only by its number ("col_620", "col_300"): a grid,
    # not a row of boxes of the text.
    text = "".join(f"<p>{para(n)}</p>" for n in range(1, 5))
    share = "<div class='share'><a href='https://facebook.example/'>Facebook</a></div>"
    news = (
        f"<div class='news'><div class='info'>12/03/2025 08:00 | Nguồn: TTXVN</div>"
        f"<div class='article'>{text}</div><div class='article-end'><p>{para(5)}</p></div>"
        f"{share}</div>"
    )
    side = (
        "Đăng ký nhận bản tin mỗi sáng, với tin tức, phân tích và bình luận mới nhất, gửi tới bạn."
    )
    article = (
        f"<div class='page'><div class='col_620'><div class='content-box'>{news}</div></div>"
        f"<div class='col_300'><div class='side-box'><p>{side}</p></div></div></div>"
    )
    assert extract(html(article), URL).paragraphs == [para(n) for n in range(1, 6)]


def test_a_headline_box_with_no_paragraph_does_not_make_a_row_with_the_text_s_box():
    # The headline in a section of its own, the text in the next one, in a grid column
    # (after its date line) beside a sticky column of buttons: the two sections are of one
    # kind, but the headline's holds no paragraph, so no row, and no sticky column.
    header = (
        "<section class='section news-single'><div class='row'><div class='small-12 columns'>"
        "<div><a class='tag' href='/xa-hoi'>Xã hội</a></div>"
        "<h1 class='hl'>Cảng biển đạt sản lượng kỷ lục trong năm 2021</h1></div></div></section>"
    )
    text = "".join(f"<p>{para(n)}</p>" for n in (2, 3))
    column = (
        "<div class='small-12 large-8 columns'><div class='hl hl--pre'>04. 02. 2022</div>"
        f"<div class='content-text'><div class='text-bold'><p>{para(1)}</p></div>{text}</div>"
        "<div class='article-bottom'><a href='/xa-hoi'>Xã hội</a></div></div>"
    )
    sticky = (
        "<div class='small-12 large-4 columns sticky'><div class='box'><div class='intro'>"
        "<div>Bài viết</div><div>Ban biên tập Tin Example</div></div>"
        "<div class='icons'>Liên hệ Chia sẻ In</div></div></div>"
    )
    article = (
        f"<section class='section frame-list'>{header}<section class='section'>"
        f"<div class='row'>{column}{sticky}</div></section></section>"
    )
    page = (
        "<html><head><title>Cảng biển đạt sản lượng kỷ lục trong năm 2021</title></head><body>"
        f"<div class='menu'><a href='/'>Trang chủ</a></div><main>{article}</main></body></html>"
    )
    assert extract(page.encode(), URL).paragraphs == [para(n) for n in range(1, 4)]


def test_a_summary_set_in_italics_and_links_inside_a_div_outweighs_a_footer_line():
    # A news-aggregator story: its whole text one <div>, the submitter's quote in <i>
    # between links; the text set straight in the <div> is a few words only.
    quote = f"{_english(1)} {_english(2)} {_english(3)}"
    story = (
        "<article class='story'><header><h2><a href='/story/1'>Council opens the new bridge</a>"
        "</h2></header><div class='body'><div class='p'><a href='https://reader.example/'>"
        f"A reader</a> writes <i>\"{quote}\"</i> <a href='https://news.example/more'>The "
        "council's statement</a> has more.</div></div></article>"
    )
    footer = (
        "<footer><p>Trademarks property of their respective owners. Comments owned by the "
        "poster. Copyright 1997-2012, Example Media.</p></footer>"
    )
    result = extract(html(story, footer), "https://news.example/story/12/07/24/bridge")
    assert result.body is not None and quote in result.body
    assert "Trademarks" not in result.body


def test_two_sections_of_one_kind_whose_paragraphs_sit_deep_in_each_are_one_text():
    # Each section wraps its paragraphs three boxes deep: the sections themselves score
    # nothing, but the second holds paragraphs of the text, so the two are a row.
    def section(number: int, *numbers: int) -> str:
        text = "".join(f"<p>{para(n)}</p>" for n in numbers)
        return (
            f"<section class='co co-textmedia' id='c{number}'><div class='co__container'>"
            f"<div class='co__main'><div class='rte'>{text}</div></div></div></section>"
        )

    article = f"<div class='document'>{section(1, 1, 2, 3)}{section(2, 4, 5)}</div>"
    assert extract(html(article), URL).paragraphs == [para(n) for n in range(1, 6)]
