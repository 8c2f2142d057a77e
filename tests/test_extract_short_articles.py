"""Short articles taken for listings (issue 8, class 2): a dated page whose text is one
paragraph, a brief's or a video page's, followed by a few dozen teasers of other stories.
Hand-written pages modelled on video pages (VnExpress, VTV, VOV) and one-paragraph briefs;
and listings that must stay listings: a section's heading over a lead story's card."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from archiver.extract import extract

TITLE = "Ngành giáo dục tổng kết năm học 2024-2025"
#: 128 characters: under the 150 a brief's paragraph needs without more evidence.
SHORT = (
    "Sáng 12/5, tại Hà Nội, Bộ Giáo dục và Đào tạo tổ chức hội nghị tổng kết năm học với sự "
    "tham dự của đại diện các sở trên cả nước."
)
LONGER = (
    SHORT + " Phát biểu tại hội nghị, Bộ trưởng cho biết năm học vừa qua ngành giáo dục đã "
    "hoàn thành nhiều nhiệm vụ quan trọng, trong đó có việc triển khai chương trình mới."
)
#: The day these pages are fetched: a section's header shows it.
NOW = datetime(2026, 12, 7, 9, 50, tzinfo=timezone(timedelta(hours=7)))
TODAY = "Thứ Hai, 07/12/2026"


def _head(title: str, og_type: str = "") -> str:
    og = f"<meta property='og:type' content='{og_type}'>" if og_type else ""
    return (
        f"<html lang='vi'><head><meta charset='utf-8'><title>{title} | Báo X</title>{og}"
        "</head><body><header><nav><a href='/'>Trang chủ</a><a href='/thoi-su'>Thời sự</a>"
        "<a href='/video'>Video</a></nav></header>"
    )


def _cards(count: int, *, sapo: bool = True) -> str:
    """Teasers of other stories: a thumbnail, a linked headline, maybe a linked sapo."""
    cards = []
    for n in range(count):
        link = f"/video/tin-khac-so-{n}-48800{n:02d}.html"
        cards.append(
            f"<article class='item-news'><div class='thumb'><a href='{link}'>"
            f"<img src='/t{n}.jpg' alt=''></a></div><h3 class='title-news'><a href='{link}'>"
            f"Tiêu đề video khác số {n} về thời sự trong nước hôm nay</a></h3>"
            + (f"<p class='description'><a href='{link}'>Vài dòng về video {n}.</a></p>" * sapo)
            + "</article>"
        )
    return "".join(cards)


FOOT = "<footer><p>Giấy phép số 123/GP-BTTTT. Địa chỉ: 1 phố Huế.</p></footer></body></html>"


def _extract(page: str, url: str):
    return extract(page.encode(), url, fetched_at=NOW)


def test_a_video_page_whose_one_paragraph_is_its_description_is_an_article():
    # (VnExpress's video pages: the player, the headline, the date, one paragraph read as
    # the lead, the reporter; then "Video khác".)
    page = (
        _head(TITLE) + "<div class='container'><div class='box_detail_video'>"
        "<div class='video_player'><video src='/v.mp4' controls></video></div>"
        f"<h1 class='title_detail'>{TITLE}</h1><span class='date'>Thứ hai, 12/5/2025, 15:20 "
        f"(GMT+7)</span><p class='description'>{LONGER}</p><p class='author_mail'><strong>"
        "Thu Hà</strong></p></div><div class='box-video-khac'><h2>Video khác</h2>"
        f"{_cards(30)}</div></div>" + FOOT
    )
    article = _extract(page, "https://video.example.vn/nganh-giao-duc-tong-ket-4880000.html")
    assert article.is_article
    assert article.title == TITLE
    assert article.published_at == "2025-05-12T15:20:00+07:00"
    assert article.author == "Thu Hà"
    assert article.body == LONGER


def test_a_video_page_whose_text_is_a_short_sapo_beside_its_player_is_an_article():
    # (VTV's video pages: headline, time, a sapo of a sentence or two, the player's frame.)
    sapo = f"VTV.vn - {SHORT}"
    page = (
        _head(TITLE) + f"<div class='main'><div class='noidung'><h1 class='title_detail'>{TITLE}"
        "</h1><div class='infor'><p class='time'>12/05/2025 15:20 GMT+7</p></div>"
        f"<h2 class='sapo'>{sapo}</h2><div class='video'><iframe src='/embed/700000'>"
        "</iframe></div></div><div class='tinlienquan'><h3>Tin liên quan</h3><ul>"
        f"{_cards(12, sapo=False)}</ul></div><div class='video-khac'><h3>Video khác</h3>"
        f"{_cards(20)}</div></div>" + FOOT
    )
    article = _extract(page, "https://tv.example.vn/video/nganh-giao-duc-tong-ket-700000.htm")
    assert article.is_article
    assert article.published_at == "2025-05-12T15:20:00+07:00"
    assert article.body == sapo


def _brief(og_type: str = "", player: str = "") -> str:
    # (VOV's video pages and one-paragraph briefs: the player's box, the headline, the time,
    # one short paragraph; then a grid of other videos.)
    return (
        _head(TITLE, og_type) + f"<div class='detail'>{player}<h1 class='title'>{TITLE}</h1>"
        f"<div class='meta'>15:20, 12/05/2025</div><div class='summary'><p>{SHORT}</p></div>"
        f"</div><div class='more'><h2>Xem thêm</h2>{_cards(30, sapo=False)}</div>" + FOOT
    )


BRIEF_URL = "https://tin.example.vn/xa-hoi/nganh-giao-duc-tong-ket-post1160001.html"


def test_a_short_paragraph_beside_a_video_player_is_an_article():
    page = _brief(
        player="<div class='jwplayer'><iframe src='https://www.youtube.com/embed/ab'></iframe></div>"
    )
    article = _extract(page, BRIEF_URL)
    assert article.is_article
    assert article.published_at == "2025-05-12T15:20:00+07:00"
    assert article.body == SHORT


def test_a_short_brief_whose_page_says_it_is_an_article_is_an_article():
    article = _extract(_brief(og_type="article"), BRIEF_URL)
    assert article.is_article
    assert article.body == SHORT


def test_a_short_blurb_under_a_dated_heading_with_nothing_more_is_still_a_listing():
    # (A section's heading, a date and a line about the section over its teasers: the short
    # paragraph alone does not make an article.)
    article = _extract(_brief(og_type="website"), BRIEF_URL)
    assert not article.is_article
    assert article.published_at is None


def _section(lead_card: str) -> str:
    # (A section page: its heading with today's date, a lead story's card holding its sapo
    # and a player, then the other stories.)
    return (
        _head("Video", "website") + f"<div class='main'><div class='cate-head'><h1>Video</h1>"
        f"<span class='date'>{TODAY}</span></div>{lead_card}"
        f"<div class='list'>{_cards(30)}</div></div>" + FOOT
    )


LEAD_CARD = (
    "<div class='lead-story'><div class='video-player'><video src='/v.mp4'></video></div>"
    f"<h2 class='title'><a href='/video/nganh-giao-duc-tong-ket-4880000.html'>{TITLE}</a></h2>"
    f"<p class='sapo'>{LONGER}</p></div>"
)


def test_a_section_whose_lead_card_holds_a_player_and_a_sapo_is_still_a_listing():
    article = _extract(_section(LEAD_CARD), "https://video.example.vn/thoi-su")
    assert not article.is_article
    assert article.published_at is None
    assert article.body is None


def test_a_section_whose_lead_storys_sapo_stands_beside_its_card_is_still_a_listing():
    # (The sapo outside the card: the section's heading stands over the teasers, not with it.)
    lead = (
        "<div class='featured'><div class='video-player'></div><h2 class='title'>"
        f"<a href='/video/nganh-giao-duc-tong-ket-4880000.html'>{TITLE}</a></h2></div>"
        f"<div class='featured-sapo'><p>{LONGER}</p></div>"
    )
    article = _extract(_section(lead), "https://video.example.vn/thoi-su")
    assert not article.is_article
    assert article.published_at is None


def test_a_page_declaring_one_news_article_whose_text_is_its_sapo_is_an_article():
    # (Its related stories inside the article element: no region without teasers, but the
    # page's JSON-LD says it is one article.)
    json_ld = (
        '<script type=\'application/ld+json\'>{"@context": "https://schema.org", "@type": '
        f'"NewsArticle", "headline": "{TITLE}", "datePublished": '
        '"2025-05-12T15:20:00+07:00"}</script></head>'
    )
    page = (
        _head(TITLE).replace("</head>", json_ld)
        + f"<article class='detail'><h1>{TITLE}</h1><div class='time'>12/05/2025 15:20</div>"
        f"<div class='sapo'>{SHORT}</div><div class='related'><h3>Tin liên quan</h3>"
        f"{_cards(6)}</div></article><div class='more'>{_cards(30)}</div>" + FOOT
    )
    article = _extract(page, BRIEF_URL)
    assert article.is_article
    assert article.published_at == "2025-05-12T15:20:00+07:00"
    assert article.body == SHORT
