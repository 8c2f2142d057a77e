"""Captions: found however a page marks them, kept out of the text, the text of a photo story."""

from __future__ import annotations

from archiver.extract import extract

URL = "https://tin.example.vn/bai-viet-12345.html"
PARAGRAPHS = "".join(
    f"<p>Đoạn văn thứ {n} của bài viết, đủ dài để là một đoạn văn thật sự, có dấu phẩy, "
    "có chủ ngữ và vị ngữ như mọi đoạn văn khác trong bài.</p>"
    for n in range(1, 6)
)


def page(body: str, before: str = "") -> bytes:
    return (
        "<html><head><title>Tiêu đề bài viết thử nghiệm</title></head><body>"
        f"<h1>Tiêu đề bài viết thử nghiệm</h1>{before}<div class='noidung'>{body}</div>"
        "</body></html>"
    ).encode()


def test_figcaption_and_caption_classes_are_captions_not_text():
    html = page(
        f"{PARAGRAPHS[:300]}<figure><img src=a.jpg><figcaption>Toàn cảnh hội nghị. Ảnh: T.D"
        f"</figcaption></figure><div class='image-desc'>Ảnh chụp từ trên cao</div>{PARAGRAPHS}"
    )
    article = extract(html, URL)
    assert article.captions == ("Toàn cảnh hội nghị. Ảnh: T.D", "Ảnh chụp từ trên cao")
    assert "Toàn cảnh" not in article.body and "trên cao" not in article.body


def test_captions_classed_in_vietnamese_or_as_the_pictures_note_are_captions_not_text():
    html = page(
        f"{PARAGRAPHS[:300]}<div class='img'><img src=a.jpg><div class='chu-thich'>Toàn cảnh hội"
        " nghị</div></div><div class='anh'><img src=b.jpg><p class='chu_thich_anh'>Đại biểu "
        "phát biểu</p></div><div class='image'><img src=c.jpg><p class='note-image'>Các đại biểu"
        f" chụp ảnh lưu niệm</p></div>{PARAGRAPHS}"
    )
    article = extract(html, URL)
    assert article.captions == (
        "Toàn cảnh hội nghị",
        "Đại biểu phát biểu",
        "Các đại biểu chụp ảnh lưu niệm",
    )
    assert "hội nghị" not in article.body and "lưu niệm" not in article.body


def test_a_small_table_with_a_picture_and_a_line_is_a_caption():
    html = page(
        "<table align=center><tr><td><img src=a.jpg></td></tr><tr><td>Lễ khởi công cầu mới</td>"
        f"</tr></table>{PARAGRAPHS}"
    )
    assert extract(html, URL).captions == ("Lễ khởi công cầu mới",)


def test_an_italic_or_centred_line_after_a_picture_is_a_caption():
    html = page(
        f"<p style='text-align:center'><img src=a.jpg></p><p><em>Quang cảnh hội thảo</em></p>"
        f"{PARAGRAPHS}"
    )
    article = extract(html, URL)
    assert article.captions == ("Quang cảnh hội thảo",)
    assert "Quang cảnh" not in article.body


def test_a_sapo_named_description_is_no_caption():
    html = page(f"{PARAGRAPHS}", before="<img src=a.jpg><div class='description'>Tóm tắt</div>")
    assert extract(html, URL).captions == ()


def test_the_lead_photo_between_headline_and_body_has_its_caption_read():
    html = page(
        PARAGRAPHS, before="<figure><img src=a.jpg><figcaption>Ảnh đầu bài</figcaption></figure>"
    )
    assert extract(html, URL).captions == ("Ảnh đầu bài",)


def test_in_a_photo_story_the_captions_are_the_text_but_not_the_videos():
    figures = "".join(
        f"<figure><img src={n}.jpg><figcaption>Lời ảnh thứ {n}: người dân thu hoạch lúa trên "
        "ruộng bậc thang từ sáng sớm khi sương còn phủ kín thung lũng.</figcaption></figure>"
        for n in range(1, 5)
    )
    video = (
        "<figure class='video'><figcaption>Mùa vàng nhìn từ trên cao. Video: N.T</figcaption>"
        "</figure>"
    )
    article = extract(page(figures + video), URL)
    assert len(article.captions) == 5
    assert article.paragraphs == [c for c in article.captions if "Video:" not in c]


def test_in_a_photo_story_the_captions_of_zoomable_photos_are_the_text():
    figures = "".join(
        f"<a class='zoom' href='/anh/{n}.jpg'><figure><img src={n}.jpg><figcaption>Lời ảnh thứ "
        f"{n}: người dân thu hoạch lúa trên ruộng bậc thang từ sáng sớm khi sương còn phủ kín "
        "thung lũng.</figcaption></figure></a>"
        for n in range(1, 5)
    )
    article = extract(page(figures), URL)
    assert len(article.captions) == 4
    assert article.paragraphs == list(article.captions)


#: A photo story whose pictures are each described by a plain paragraph that closes on the
#: photographer's credit (no figcaption), some short, some long, one on its own.
_DESCRIBED = [
    "Dòng xe nối dài trên đường ven sông từ chiều tối (Ảnh: Minh An).",
    "Người dân đứng chờ hàng giờ để xem pháo hoa, nhiều gia đình mang theo ghế xếp và đồ ăn, "
    "trẻ em ngồi trên vai cha mẹ để nhìn rõ hơn (Ảnh: Minh An).",
    "Lực lượng cảnh sát giao thông phân luồng tại các giao lộ lớn (Ảnh: Thu Hà).",
    "Một cụ bà bán bóng bay bên hồ, nơi đông người qua lại nhất (Ảnh: Thu Hà).",
]


def _described_photos(video: str = "") -> bytes:
    body = video + "".join(
        f"<figure class='image'><img src={n}.jpg></figure><p>{line}</p>"
        for n, line in enumerate(_DESCRIBED)
    )
    return page(body)


def test_a_photo_story_told_in_paragraphs_closing_on_photo_credits_keeps_them_as_text():
    video = (
        "<figure class='video'><video></video><figcaption><p>Phố đi bộ đêm hội (Video: Cao "
        "Phong).</p></figcaption></figure>"
    )
    article = extract(_described_photos(video), URL)
    assert article.is_article
    assert article.paragraphs == _DESCRIBED
    assert article.captions == ("Phố đi bộ đêm hội (Video: Cao Phong).",)


def test_in_running_text_a_line_closing_on_a_photo_credit_stays_a_caption():
    credit = "<figure><img src=1.jpg></figure><p>Toàn cảnh buổi lễ (Ảnh: Minh An).</p>"
    article = extract(page(PARAGRAPHS + credit + PARAGRAPHS), URL)
    assert "Toàn cảnh buổi lễ (Ảnh: Minh An)." not in article.paragraphs
    assert article.captions == ("Toàn cảnh buổi lễ (Ảnh: Minh An).",)


def test_on_a_page_whose_paragraphs_are_all_centred_a_paragraph_after_a_picture_is_text():
    centred = PARAGRAPHS.replace("<p>", "<p style='text-align: center'>")
    html = page(
        f"{centred}<p style='text-align: center'><img src=a.jpg></p>"
        "<p style='text-align: center'>Mỗi ngày một phần quà bí mật, chỉ mở trong vài giờ: hãy "
        "theo dõi trang thường xuyên và trả lời câu hỏi để có cơ hội nhận quà sớm nhất.</p>"
        f"{centred}"
    )
    article = extract(html, URL)
    assert article.captions == ()
    assert any(p.startswith("Mỗi ngày một phần quà") for p in article.paragraphs)


def test_a_centred_line_after_a_picture_in_a_gallery_of_centred_captions_is_a_caption():
    gallery = "".join(
        f"<p style='text-align:center'><img src={n}.jpg></p>"
        f"<p style='text-align:center'>Ảnh {n}: công nhân làm việc trên công trường cầu mới, "
        "giữa trưa nắng, trong ngày cuối cùng trước lễ thông xe kỹ thuật của dự án.</p>"
        for n in range(3)
    )
    article = extract(page(f"{PARAGRAPHS}{gallery}{PARAGRAPHS}"), URL)
    assert len(article.captions) == 3
    assert "công nhân" not in article.body


def test_a_box_classed_as_having_no_caption_is_text():
    first = (
        "Mẹ của nữ sinh kể lại những giờ cuối cùng của con gái, khi thuốc giảm cân mua trên mạng "
        "đã khiến cơ thể em nóng rực từ bên trong."
    )
    html = page(
        f"<div class='list-item no_caption'><h2>{first}</h2><img src=a.jpg></div>{PARAGRAPHS}"
    )
    article = extract(html, URL)
    assert article.paragraphs[0] == first
    assert article.captions == ()


def test_a_question_after_a_picture_is_text_not_its_caption():
    html = page(
        f"{PARAGRAPHS}<p><a href='/a.jpg'><img src=a.jpg></a></p>"
        f"<p>Chúng ta có thể làm gì?</p><p>Một dòng ngắn.</p>{PARAGRAPHS}"
    )
    article = extract(html, URL)
    assert "Chúng ta có thể làm gì?" in article.paragraphs
    assert article.captions == ()


def test_a_gallery_s_caption_named_by_its_id_and_its_slide_numbers_are_not_text():
    gallery = (
        "<div class='slideshow'><div><img src=a.jpg><cite id='galleryCaption001'>Cảnh sát "
        "dựng rào chắn dọc tuyến diễu hành.</cite></div>"
        "<ul class='pager'><li>1</li><li>2</li><li>3</li></ul></div>"
    )
    article = extract(page(f"{gallery}{PARAGRAPHS}"), URL)
    assert article.captions == ("Cảnh sát dựng rào chắn dọc tuyến diễu hành.",)
    assert all(not p.isdigit() for p in article.paragraphs)
    assert len(article.paragraphs) == 5


def test_an_unmarked_line_after_a_wordpress_picture_is_text_a_marked_caption_is_not():
    # WordPress sets every caption in a marked box (``p.wp-caption-text``): a plain line
    # after one of its pictures (``img.wp-image-N``) is the post going on. After a picture
    # of a CMS that marks nothing, the same short line is read as its caption.
    line = "Một dòng ngắn mở đầu bài, ngay dưới ảnh."
    picture = "<p><img class='aligncenter size-full wp-image-65630' src=a.jpg></p>"
    captioned = (
        "<div class='wp-caption'><img class='wp-image-65631' src=b.jpg>"
        "<p class='wp-caption-text'>Cây cầu nhìn từ bờ sông.</p></div>"
    )
    article = extract(page(f"{picture}<p>{line}</p>{PARAGRAPHS}{captioned}"), URL)
    assert article.paragraphs[0] == line
    assert article.captions == ("Cây cầu nhìn từ bờ sông.",)
    plain = extract(page(f"<p><img src=a.jpg></p><p>{line}</p>{PARAGRAPHS}"), URL)
    assert plain.captions == (line,)


def test_a_box_after_a_picture_repeating_what_its_alt_says_is_its_caption():
    # <div class="description"> with a button's label, the picture's description and a
    # credit: the caption, not the lead nor the text.
    said = "Toàn cảnh lễ khởi công cầu mới qua sông Hàn sáng 4/7"
    html = page(
        f"<div class='image'><picture><img src=a.jpg alt='{said}'></picture>"
        f"<div class='description'>\n<a class='btn' href='a.jpg'><strong>Phóng to</strong></a>\n"
        f"<strong class='title'>{said}</strong>\n<div class='box'><span>© Ảnh: T.D</span></div>"
        f"\n</div></div>{PARAGRAPHS}"
    )
    article = extract(html, URL)
    assert article.captions == (f"Phóng to {said} © Ảnh: T.D",)
    assert article.lead is None
    assert said not in (article.body or "")


def test_a_summary_after_a_picture_that_mentions_its_alt_is_no_caption():
    said = "Toàn cảnh lễ khởi công cầu mới"
    summary = (
        f"{said}. Sáng 4/7, thành phố khởi công cầu mới qua sông Hàn, công trình trọng điểm với "
        "tổng vốn hơn hai nghìn tỷ đồng, dự kiến hoàn thành trong ba năm tới."
    )
    html = page(
        f"<div class='image'><img src=a.jpg alt='{said}'></div><p>{summary}</p>{PARAGRAPHS}"
    )
    article = extract(html, URL)
    assert summary in (article.body or "")
    assert article.captions == ()


CAPTION = "Các đại biểu dự hội nghị sơ kết tại hội trường thành phố. Ảnh: Minh Anh"


def test_a_line_after_the_picture_in_its_own_box_is_its_caption():
    html = page(f"{PARAGRAPHS}<div class='img'><img src='a.jpg'><span>{CAPTION}</span></div>")
    article = extract(html, URL)
    assert article.captions == (CAPTION,)
    assert "đại biểu" not in article.body


def test_a_line_in_a_figure_without_figcaption_is_its_caption():
    html = page(f"{PARAGRAPHS}<figure><img src='a.jpg'><p class='note'>{CAPTION}</p></figure>")
    assert extract(html, URL).captions == (CAPTION,)


def test_a_line_after_an_icon_or_a_card_of_another_article_is_no_caption():
    line = "Hồ sơ gồm đơn đề nghị, bản sao giấy tờ tùy thân và giấy xác nhận của địa phương."
    card = (
        "<div><a href='/bai-khac.html'><img src='b.jpg'></a>"
        "<h3><a href='/bai-khac.html'>Khởi công tuyến đường ven biển</a></h3></div>"
    )
    html = page(f"{PARAGRAPHS}<div><img src='icon-arrow.gif' width='12'> {line}</div>{card}")
    article = extract(html, URL)
    assert article.captions == ()
    assert line in article.body


def test_a_short_line_after_a_picture_set_in_a_figure_is_text():
    # A page setting its pictures in <figure> puts their captions in a <figcaption>: the
    # short paragraph after one is the text going on, unless it credits the photo.
    line = "Trong lúc chờ, cả đoàn dạo quanh cửa hàng và mua vài món quà nhỏ."
    article = extract(page(f"{PARAGRAPHS}<figure><img src=1.jpg></figure><p>{line}</p>"), URL)
    assert article.captions == ()
    assert line in article.paragraphs


def _closing(gallery: str) -> bytes:
    """An article whose text is followed by ``gallery``."""
    return (
        "<html><head><title>Tiêu đề bài viết thử nghiệm</title></head><body><article>"
        "<header><h1>Tiêu đề bài viết thử nghiệm</h1><time>29/06/2018 22:40</time></header>"
        f"<div class='entry-content'>{PARAGRAPHS}</div>{gallery}</article></body></html>"
    ).encode()


#: The lines under the slides of the closing galleries below.
_SLIDE_CAPTIONS = ("Đội tuyển rời sân sau trận đấu.", "Cổ động viên chờ trước cổng sân.")


def test_a_gallery_closing_the_article_has_its_slides_captions_read_not_a_slider_of_teasers():
    # The pictures of the article in a slider after its text, each slide a picture and the
    # line under it (a slide without a line has none); then a slider of other articles: a
    # picture and a linked headline, no caption.
    gallery = (
        "<div class='gallery-image'><ul id='image-gallery' class='gallery list-unstyled'>"
        "<li data-sub-html='<p></p>'><img src='a.png'></li>"
        "<li><img src='b.png'><p class='title-image'>Đội tuyển rời sân sau trận đấu.</p></li>"
        "<li><img src='c.png'><p class='title-image'>Cổ động viên chờ trước cổng sân.</p></li>"
        "</ul></div><div class='slider related-gallery'><ul>"
        "<li><a href='/bai-1.html'><img src='d.png'></a><h3><a href='/bai-1.html'>Bài viết"
        " khác về đội tuyển</a></h3></li>"
        "<li><a href='/bai-2.html'><img src='e.png'></a><p><a href='/bai-2.html'>Người hâm mộ"
        " xếp hàng mua vé</a></p></li></ul></div>"
    )
    article = extract(_closing(gallery), URL)
    assert article.captions == _SLIDE_CAPTIONS
    assert "Đội tuyển rời sân" not in article.body
    assert article.body.count("Đoạn văn thứ") == 5


def test_a_gallery_named_by_its_class_and_its_id_has_each_caption_read_once():
    # lexbor lists an element once for each selector of a list it matches.
    gallery = (
        "<div class='gallery' id='gallery'><ul>"
        "<li><img src='b.png'><p>Đội tuyển rời sân sau trận đấu.</p></li>"
        "<li><img src='c.png'><p>Cổ động viên chờ trước cổng sân.</p></li></ul></div>"
    )
    article = extract(_closing(gallery), URL)
    assert article.captions == _SLIDE_CAPTIONS
