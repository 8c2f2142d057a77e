"""Listing and hub pages told before their text is read (``archiver.extract.hubs``).

Every page here is extracted twice, with the early decision and without it (the whole
body reading, as before): the records must be the same, field by field, and the early
decision must have been taken on the listings it is meant for. The layouts are hand-made
after the kinds of hub pages Vietnamese news sites and portals have: a category page, a
paginated list, a tag page, a home page; and articles that many teasers follow.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from archiver.extract import content, extract, hubs
from archiver.extract.pipeline import Extraction
from archiver.sites import profile_from_dict

WORDS = (
    "người dân xã ven biển đã chủ động gia cố nhà cửa chằng chống mái tôn trước khi bão đổ bộ "
    "chính quyền địa phương huy động lực lượng hỗ trợ di dời các hộ ở vùng trũng thấp"
).split()


def sentence(seed: int, words: int) -> str:
    chosen = [WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(words)]
    return " ".join(chosen).capitalize() + "."


def nav() -> str:
    sections = ("Thời sự", "Thế giới", "Kinh doanh", "Giải trí", "Thể thao", "Pháp luật")
    links = "".join(f'<li><a href="/muc-{i}">{name}</a></li>' for i, name in enumerate(sections))
    return f'<header><a href="/" class="logo">Tin Sông Hàn</a><nav><ul>{links}</ul></nav></header>'


def footer() -> str:
    return (
        '<footer class="site-footer"><div class="info"><p>Báo điện tử Tin Sông Hàn. Cơ quan '
        "chủ quản: Hội Nhà báo thành phố. Giấy phép số 123/GP-BTTTT cấp ngày 05/01/2021.</p>"
        "<p>Tổng biên tập: Nguyễn Văn An. Địa chỉ: 12 Bạch Đằng, quận Hải Châu.<br>Điện thoại: "
        "0236 3821 000 - Email: toasoan@tinsonghan.example</p></div>"
        '<p><a href="/lien-he">Liên hệ</a> · <a href="/quang-cao">Quảng cáo</a></p></footer>'
    )


def page(title: str, body: str) -> bytes:
    return (
        f"<!doctype html><html lang=vi><head><meta charset=utf-8><title>{title}</title></head>"
        f"<body>{nav()}<main>{body}</main>{footer()}</body></html>"
    ).encode()


def teaser(n: int, *, tag: str = "h3", sapo: bool = True, date: bool = False) -> str:
    headline = sentence(n, 9)[:-1]
    extra = f'<p class="sapo">{sentence(n + 50, 22)}</p>' if sapo else ""
    when = f'<span class="time">{(n % 27) + 1:02d}/03/2024</span>' if date else ""
    return (
        f'<article class="item-news"><a href="/tin-{n}.html" class="thumb"><img src="/a{n}.jpg"'
        f' alt=""></a><{tag} class="title-news"><a href="/tin-{1000 + n}-bai.html">{headline}'
        f"</a></{tag}>{when}{extra}</article>"
    )


def category_page() -> bytes:
    items = "".join(teaser(n) for n in range(20))
    pager = '<div class="pager"><a href="?page=2">2</a> <a href="?page=2">Trang sau</a></div>'
    intro = (
        '<p class="cate-desc">Tin tức thời sự trong nước: chính trị, xã hội, giao thông, '
        "môi trường, cập nhật liên tục trong ngày.</p>"
    )
    return page(
        "Thời sự - Tin Sông Hàn", f"<h1>Thời sự</h1>{intro}<section>{items}</section>{pager}"
    )


def paginated_list() -> bytes:
    rows = "".join(
        f'<li class="news-item"><h3><a href="/tin-tuc/{n}.html">{sentence(n, 11)[:-1]}</a></h3>'
        f'<span class="views">{n * 37 + 12} lượt xem</span></li>'
        for n in range(30)
    )
    pager = (
        '<div class="paging"><a href="?trang=2">« Trang trước</a> <b>3</b> '
        '<a href="?trang=4">Trang sau »</a></div>'
    )
    return page(
        "Tin tức - Sự kiện",
        f'<div class="title-box">Tin tức - Sự kiện</div><ul class="list-news">{rows}</ul>{pager}',
    )


def tag_page() -> bytes:
    items = "".join(teaser(n, tag="h2", date=True) for n in range(15))
    about = (
        '<div class="tag-about">Bão số 3 (Yagi) đổ bộ vào các tỉnh ven biển phía Bắc '
        "ngày 7/9/2024.</div>"
    )
    return page("Tag: bão số 3", f"<h1>Tag: bão số 3</h1>{about}<div class=tag-list>{items}</div>")


def home_page() -> bytes:
    boxes = []
    for box, name in enumerate(("Tin nóng", "Thời sự", "Kinh tế", "Văn hóa", "Thể thao")):
        items = "".join(teaser(box * 10 + n, sapo=n == 0) for n in range(6))
        boxes.append(
            f'<section class="box-cate"><h2 class="box-title">{name}</h2>{items}</section>'
        )
    most_read = "".join(
        f'<li><a href="/doc-nhieu-{n}.html">{sentence(n + 300, 8)[:-1]}</a></li>' for n in range(10)
    )
    hotline = (
        '<div class="welcome"><p>Chào mừng bạn đọc đến với Tin Sông Hàn: tin tức Đà Nẵng và '
        "miền Trung, cập nhật hằng giờ.</p></div>"
    )
    return page(
        "Tin Sông Hàn - Tin tức mới nhất",
        hotline
        + "".join(boxes)
        + f'<aside><h2>Đọc nhiều</h2><ol class="most-read">{most_read}</ol></aside>',
    )


def article_with_teasers(paragraphs: int, teasers: int, *, dated: bool = True) -> bytes:
    text = "".join(f"<p>{sentence(n, 40)}</p>" for n in range(paragraphs))
    when = '<span class="date">Thứ hai, 04/03/2024, 08:15 (GMT+7)</span>' if dated else ""
    related = "".join(teaser(n + 500) for n in range(teasers))
    return page(
        "Gia cố nhà cửa trước bão",
        f'<article class="detail"><h1>Người dân ven biển gia cố nhà cửa trước bão</h1>{when}'
        f'<div class="content">{text}</div></article>'
        f'<section class="related"><h2>Tin liên quan</h2>{related}</section>',
    )


def unfooted_page(title: str, body: str) -> bytes:
    return (
        f"<!doctype html><html lang=vi><head><meta charset=utf-8><title>{title}</title></head>"
        f"<body>{nav()}<main>{body}</main></body></html>"
    ).encode()


def footer_listing() -> bytes:
    """A section of headlines without sapos: the most paragraph text is the site's footer
    (its address lines, a rights notice named as chrome, a menu), where the body search
    lands."""
    items = "".join(teaser(n, sapo=False) for n in range(24))
    menu = "".join(f'<li><a href="/muc-{i}">Chuyên mục số {i}</a></li>' for i in range(8))
    info = (
        '<div class="footer-info"><p>Cơ quan chủ quản: Hội Nhà báo thành phố Đà Nẵng.</p>'
        f"<p>Tổng biên tập: Nguyễn Văn An.</p><p>{sentence(77, 24)}</p>"
        "<p>Tòa soạn: 12 Bạch Đằng, quận Hải Châu, thành phố Đà Nẵng.</p>"
        f"<p>{sentence(78, 20)}</p>"
        "<p>Điện thoại: 0236 3821 000. Email: toasoan@tinsonghan.example</p></div>"
        '<div class="copyright"><p>© 2024 Tin Sông Hàn. Ghi rõ nguồn khi phát hành lại thông '
        "tin từ website này.</p></div>"
        f'<ul class="menu-footer">{menu}</ul>'
    )
    return (
        "<!doctype html><html lang=vi><head><meta charset=utf-8><title>Thời sự</title></head>"
        f"<body>{nav()}<main><h1>Thời sự</h1><section class=list>{items}</section></main>"
        f'<div class="site-bottom">{info}</div></body></html>'
    ).encode()


def short_article(text: str, *, dated: bool = False, footed: bool = True) -> bytes:
    """A short text in its own element, a dozen headlines of other articles after it."""
    when = '<span class="date">Thứ hai, 04/03/2024, 08:15 (GMT+7)</span>' if dated else ""
    related = "".join(teaser(n + 500, sapo=False) for n in range(12))
    return (page if footed else unfooted_page)(
        "Gia cố nhà cửa trước bão",
        f"<h1>Người dân ven biển gia cố nhà cửa trước bão</h1>{when}"
        f'<div class="content">{text}</div>'
        f'<section class="related"><h2>Tin liên quan</h2>{related}</section>',
    )


def paragraphs(count: int, words: int) -> str:
    return "".join(f"<p>{sentence(n, words)}</p>" for n in range(count))


def drop_capped() -> str:
    """Three paragraphs of 133 characters, each opened by a drop cap set apart: 399
    characters in their elements, 402 read (a run of text)."""
    letters = " ".join(sentence(n, 40) for n in range(3)).lower()
    return "".join(
        f'<span class="dropcap">T</span><p>{_exactly(letters[50 * n :], 133)}</p>' for n in range(3)
    )


def _exactly(text: str, length: int) -> str:
    """``text`` cut to ``length`` characters, none of them a space at the ends."""
    cut = text[:length].lstrip()
    cut = cut + "a" * (length - len(cut))
    return cut[:-1] + "a" if cut.endswith(" ") else cut


def table_of_rows() -> str:
    """A table of five rows of four short cells: no cell is a paragraph, each row is one
    (a row of data)."""
    rows = "".join(
        "<tr>" + "".join(f"<td>{sentence(r * 4 + c, 5)[:-1]}</td>" for c in range(4)) + "</tr>"
        for r in range(5)
    )
    return f"<table>{rows}</table>"


def photo_story() -> bytes:
    """Pictures whose captions tell the story, a line of text and a dozen teasers."""
    figures = "".join(
        f'<figure><img src="/p{i}.jpg" alt=""><figcaption>{sentence(i + 10, 24)}</figcaption>'
        "</figure>"
        for i in range(5)
    )
    related = "".join(teaser(n + 500, sapo=False) for n in range(12))
    return (
        "<!doctype html><html lang=vi><head><meta charset=utf-8><title>Mùa lúa chín</title>"
        f"</head><body>{nav()}<main><h1>Mùa lúa chín trên ruộng bậc thang</h1>"
        f'<div class="content"><p>{sentence(3, 12)}</p>{figures}</div>'
        f'<section class="related"><h2>Tin liên quan</h2>{related}</section></main></body></html>'
    ).encode()


LISTINGS = {
    "footer the body element": (footer_listing, "https://tinsonghan.example/thoi-su"),
    "category page": (category_page, "https://tinsonghan.example/thoi-su"),
    "paginated list": (paginated_list, "http://portal.example.gov.vn/tin-tuc?trang=3"),
    "tag page": (tag_page, "https://tinsonghan.example/tag/bao-so-3"),
    "home page (not its root URL)": (home_page, "https://tinsonghan.example/index.html"),
}
ARTICLES = {
    "article, 15 teasers after it": (
        lambda: article_with_teasers(6, 15),
        "https://tinsonghan.example/gia-co-nha-cua-4420519.html",
    ),
    "short dated article, 30 teasers": (
        lambda: article_with_teasers(2, 30),
        "https://tinsonghan.example/tin-ngan-4420520.html",
    ),
    "undated article, 12 teasers": (
        lambda: article_with_teasers(4, 12, dated=False),
        "https://tinsonghan.example/bai-viet",
    ),
    # Each of these is no listing for one rule only, which the early decision must honour.
    "over 1,500 characters of short lines (no listing's footer)": (
        lambda: short_article(paragraphs(46, 8)),
        "https://tinsonghan.example/tho-4420521.html",
    ),
    "a run of three paragraphs, 400 characters": (
        lambda: short_article(paragraphs(3, 33)),
        "https://tinsonghan.example/tin-ngan-4420522.html",
    ),
    "a dated run of two paragraphs, 200 characters": (
        lambda: short_article(paragraphs(2, 14), dated=True),
        "https://tinsonghan.example/tin-ngan-4420523.html",
    ),
    "a short post, one paragraph of 300 characters": (
        lambda: short_article(paragraphs(1, 70)),
        "https://tinsonghan.example/tin-ngan-4420524.html",
    ),
    "a run reaching 400 characters with its drop caps": (
        lambda: short_article(drop_capped()),
        "https://tinsonghan.example/tin-ngan-4420525.html",
    ),
    "a table whose rows of short cells make a run": (
        lambda: short_article(f"<p>{sentence(9, 8)}</p>{table_of_rows()}", footed=False),
        "https://tinsonghan.example/bang-4420527.html",
    ),
    "a photo story (its captions are its text)": (
        photo_story,
        "https://tinsonghan.example/anh-4420526.html",
    ),
}
FETCHED = datetime(2024, 3, 5, 3, 0, tzinfo=UTC)


@pytest.fixture
def early_taken(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """What each extraction's early decision said."""
    said: list[bool] = []
    decide = Extraction.plainly_listing

    def spy(self: Extraction, *args: object) -> bool:
        said.append(decide(self, *args))  # type: ignore[arg-type]
        return said[-1]

    monkeypatch.setattr(Extraction, "plainly_listing", spy)
    yield said


def late_record(html: bytes, url: str, monkeypatch: pytest.MonkeyPatch, **options: object):
    """The record without the early decision: the whole body reading."""
    with monkeypatch.context() as patch:
        patch.setattr(Extraction, "plainly_listing", lambda self, *args: False)
        return extract(html, url, fetched_at=FETCHED, **options)  # type: ignore[arg-type]


def both_ways(pages: dict, name: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[type-arg]
    """The record of page ``name`` of ``pages``, once checked the same as the late one."""
    make, url = pages[name]
    html = make()
    record = extract(html, url, fetched_at=FETCHED)
    late = late_record(html, url, monkeypatch)
    assert record.to_dict() == late.to_dict() and record.lead == late.lead
    return record


@pytest.mark.parametrize("name", LISTINGS)
def test_listing_layouts_are_told_early_with_the_same_record(
    name: str, early_taken: list[bool], monkeypatch: pytest.MonkeyPatch
):
    record = both_ways(LISTINGS, name, monkeypatch)
    assert early_taken == [True]
    assert not record.is_article
    assert "page looks like a listing of articles, not an article" in record.warnings


@pytest.mark.parametrize("name", ARTICLES)
def test_articles_followed_by_many_teasers_stay_articles(
    name: str, early_taken: list[bool], monkeypatch: pytest.MonkeyPatch
):
    record = both_ways(ARTICLES, name, monkeypatch)
    assert early_taken[0] is False
    assert record.is_article


def test_a_profile_whose_selectors_miss_warns_as_the_whole_reading_does(
    early_taken: list[bool], monkeypatch: pytest.MonkeyPatch
):
    # The author selector's warning comes from a step the early decision skips.
    profile = profile_from_dict(
        {
            "name": "tinsonghan",
            "hosts": ["tinsonghan.example"],
            "selectors": {
                "title": ["h1.title-detail"],
                "body": ["article.fck_detail"],
                "date": ["span.date-detail"],
                "author": ["p.author_mail"],
            },
        }
    )
    html, url = category_page(), "https://tinsonghan.example/thoi-su"
    record = extract(html, url, fetched_at=FETCHED, profile=profile)
    assert early_taken == [True]
    assert any("author selector matched nothing" in w for w in record.warnings)
    late = late_record(html, url, monkeypatch, profile=profile)
    assert record.to_dict() == late.to_dict()


def test_main_text_reads_a_listing_whole(early_taken: list[bool]):
    record = extract(category_page(), "https://tinsonghan.example/thoi-su", main_text=True)
    assert early_taken == [False]
    assert record.body


@pytest.mark.parametrize(
    "make", [*(m for m, _ in LISTINGS.values()), *(m for m, _ in ARTICLES.values())]
)
def test_the_bound_holds_for_the_paragraphs_read(make, monkeypatch: pytest.MonkeyPatch):
    """Whatever the steps take out of the body element, the paragraphs the listing rules
    judge weigh no more than :func:`hubs.text_bound` of the element as it was."""
    checked: list[tuple[int, int]] = []
    read = Extraction.reading

    def measured(self: Extraction, element, *args):  # type: ignore[no-untyped-def]
        bound = hubs.text_bound(element.node) if element.node is not None else 0
        reading = read(self, element, *args)
        weight = sum(content.text_weight(b.text) for b in reading.text.blocks)
        checked.append((weight, bound))
        return reading

    monkeypatch.setattr(Extraction, "reading", measured)
    monkeypatch.setattr(Extraction, "plainly_listing", lambda self, *args: False)
    extract(make(), "https://tinsonghan.example/trang", fetched_at=FETCHED)
    assert checked and all(weight <= bound for weight, bound in checked)


@pytest.mark.parametrize(
    "make", [*(m for m, _ in LISTINGS.values()), *(m for m, _ in ARTICLES.values())]
)
def test_the_paragraph_bounds_hold_for_the_paragraphs_read(make, monkeypatch: pytest.MonkeyPatch):
    """Whatever else the steps take out of the body element, a run of paragraphs weighs no
    more than :func:`hubs.paragraph_bounds` says, nor does the heaviest paragraph (except
    in a photo story, which keeps its captions)."""
    checked: list[tuple[int, int, int, int]] = []
    read = Extraction.reading

    def measured(self: Extraction, element, headline, *args):  # type: ignore[no-untyped-def]
        container = element.node
        taken = hubs.outermost_inside(container, *self.certainly_removed(container, headline))
        run, largest = hubs.paragraph_bounds(container, taken)
        reading = read(self, element, headline, *args)
        weights = [content.text_weight(b.text) for b in reading.text.blocks]
        if not reading.text.photo_story:
            counted = sum(w for w in weights if w >= content._RUN_PARAGRAPH)
            checked.append((counted, run, max(weights, default=0), largest))
        return reading

    monkeypatch.setattr(Extraction, "reading", measured)
    monkeypatch.setattr(Extraction, "plainly_listing", lambda self, *args: False)
    extract(make(), "https://tinsonghan.example/trang", fetched_at=FETCHED)
    assert checked or make is photo_story
    assert all(counted <= run and most <= largest for counted, run, most, largest in checked)


def test_the_bound_of_a_table_row_and_of_line_breaks():
    # Cells are joined by a space, lines cut at <br>: neither adds to the bound.
    from archiver.extract import load_page

    html = (
        "<html><body><div id=x><table><tr><td>Hà Nội</td><td>31°C</td><td>mưa rào</td></tr>"
        "</table><p>Dòng một<br>dòng hai<br><b>đậm</b>nhạt</p></div></body></html>"
    )
    tree = load_page(html).tree
    node = tree.css_first("#x")
    assert node is not None
    blocks = content.body_blocks(node)
    assert sum(content.text_weight(b.text) for b in blocks) <= hubs.text_bound(node)


def test_hangul_jamo_get_no_bound():
    from archiver.extract import load_page

    # Letters typed apart compose into syllables, which weigh three characters each.
    tree = load_page("<html><body><div id=x>\u1100<b>\u1161</b></div></body></html>").tree
    node = tree.css_first("#x")
    assert node is not None and hubs.text_bound(node) is None
    assert not hubs.plainly_listing(node, 0.1, dated=False, teasers=50)


def test_the_limit_follows_the_listing_rules():
    assert hubs.listing_limit(0.5, dated=False, teasers=3) == 0  # a large share, few teasers
    assert hubs.listing_limit(0.1, dated=False, teasers=1) == 400  # no run of paragraphs
    assert hubs.listing_limit(0.1, dated=True, teasers=1) == 200  # a short dated item
    # Without teasers a paragraph or two of prose are a short text (a product's page), not
    # a listing: the paragraphs decide, so nothing is decided before they are read.
    assert hubs.listing_limit(0.1, dated=False, teasers=0) == 0
    assert hubs.listing_limit(0.6, dated=False, teasers=40) == 300  # a short post


@pytest.mark.parametrize("make", [m for m, _ in LISTINGS.values()])
def test_the_elements_taken_out_are_the_same_found_either_way(make):
    """:func:`hubs.outermost_inside` finds the same elements from the container's element
    ids as by walking up from its links and from each element."""
    from archiver.extract import load_page

    tree = load_page(make()).tree
    container = tree.css_first("main")
    assert container is not None and tree.body is not None
    linked = content.find_teasers(tree.body)
    others = [*tree.css("h1, p, li, footer, figure"), None]
    walked = hubs.outermost_inside(container, linked, others)
    listed = hubs.outermost_inside(container, linked, others, content.element_ids(container))
    assert walked and {n.mem_id for n in walked} == {n.mem_id for n in listed}
