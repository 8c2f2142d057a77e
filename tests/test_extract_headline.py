"""The headline: the title as the page shows it, also when the page sets it as a picture."""

from __future__ import annotations

import pytest

from archiver.extract import extract

URL = "https://bao.example.vn/the-gioi/the-tran-giang-co-20221223.htm"
TITLE = "Thế trận giằng co trên chiến trường sau mười tháng giao tranh"
TEXT = "".join(
    f"<p>Đoạn {n}: các bên tiếp tục củng cố phòng tuyến, tập trung lực lượng và khí tài cho "
    "những tháng mùa đông, khi mặt đất đóng băng và các cuộc tấn công cơ giới trở lại.</p>"
    for n in range(1, 6)
)


def magazine(cover: str) -> bytes:
    """A long read: the site's logo, a cover with the headline, a body that opens on a display
    title restating it in capitals."""
    return (
        f"<html><head><title>{TITLE}</title><meta property='og:title' content='{TITLE}'>"
        "</head><body><header><h1 class='logo'><img alt='Báo Mẫu' src=logo.png></h1></header>"
        f"<div class='cover'>{cover}</div><article class='magazine'><div class='magazine__body'>"
        "<h4>THẾ TRẬN GIẰNG CO SAU MƯỜI THÁNG XUNG ĐỘT</h4>"
        f"{TEXT}</div></article></body></html>"
    ).encode()


def test_a_headline_set_as_a_picture_is_read_from_its_alt_text():
    article = extract(magazine(f"<h1><img alt='{TITLE}' src=cover.jpg></h1>"), URL)
    assert article.title == TITLE


def test_the_site_logo_set_as_a_picture_in_an_h1_is_no_headline():
    article = extract(magazine(f"<h2 class='cover__title'>{TITLE}</h2>"), URL)
    assert article.title == TITLE


def _logo_page(logo: str, heading: str, title: str) -> bytes:
    return (
        f"<html><head><title>{title}</title></head><body>{logo}"
        f"<div class='detail'>{heading}<div class='meta'>14/09/2026 08:15</div>"
        f"<div class='content'>{TEXT}</div></div></body></html>"
    ).encode()


@pytest.mark.parametrize(
    "logo",
    [
        "<h1 class='logo'><a href='/'>Báo Sông Hàn</a></h1>",
        "<div class='logo'><h1><a href='/'><img src='logo.png' alt='Báo Sông Hàn'></a></h1></div>",
    ],
)
def test_an_h1_holding_the_site_name_the_document_title_ends_with_is_its_logo(logo: str):
    page = _logo_page(logo, f"<h2 class='post-title'>{TITLE}</h2>", f"{TITLE} | Báo Sông Hàn")
    assert extract(page, URL).title == TITLE


def test_a_headline_opening_with_a_ministrys_name_is_no_site_name():
    headline = "Bộ Y tế khuyến cáo người dân tiêm mũi vắc xin nhắc lại trước mùa mưa"
    page = _logo_page("", "", f"{headline} - Tin tức - Báo Sông Hàn")
    assert extract(page, URL).title == headline


SUMMARY = "Các bên tiếp tục củng cố phòng tuyến trước mùa đông, khi mặt đất đóng băng trở lại."


def _short_headline_page(title: str, h1: str) -> bytes:
    # The headline and its summary in the page's header, the text in a column of its own.
    return (
        f"<html><head><title>{title}</title><meta property='og:title' content='{title}'>"
        "</head><body><article><header><div class='col'>"
        f"<h1 class='main'>{h1}</h1><p class='lead'>{SUMMARY}</p></div></header>"
        f"<div class='col'><div class='content'>{TEXT}</div></div></article></body></html>"
    ).encode()


def test_a_headline_of_two_words_the_metadata_give_as_it_is_is_the_headline():
    # Too short to compare with the metadata as longer titles are, but the same words: the
    # headline, and the summary right below it is the lead.
    article = extract(_short_headline_page("Thế trận", "Thế trận"), URL)
    assert article.lead == SUMMARY
    assert article.paragraphs[0] == SUMMARY
    # An h1 of two other words (the site's name, a section) proves nothing.
    assert extract(_short_headline_page("Thế trận", "Báo Mẫu"), URL).lead is None


# -- References: the metadata titles compared once per page, not once per element -----------

_SIMILAR_CASES = [
    ("Thế trận giằng co trên chiến trường", ["Thế trận giằng co trên chiến trường - Báo X"]),
    ("THẾ TRẬN GIẰNG CO", ["thế trận giằng co"]),  # the same key: 1.0
    ("Giá vàng hôm nay tăng mạnh", ["Giá vàng hôm nay giảm", "Tin tức", ""]),
    ("abc", ["abcdefghijklmnop"]),  # the shorter too short for containment: words
    ("...", ["Giá vàng"]),  # no key at all: 0.0
    ("Giá vàng", []),  # no reference: 0.0
    ("Bộ Y tế khuyến cáo người dân", ["!!!", "Bộ Y tế khuyến cáo người dân phòng bệnh"]),
    ("Hà Nội mưa lớn", ["Hà Nội nắng lớn", "mưa lớn Hà Nội", "Hà Nội mưa lớn"]),
]


@pytest.mark.parametrize(("text", "refs"), _SIMILAR_CASES)
def test_references_best_is_the_best_similarity(text: str, refs: list[str]):
    from archiver.extract.headline import References, similarity

    expected = max((similarity(text, r) for r in refs), default=0.0)
    assert References(refs).best(text) == expected
    assert bool(References(refs)) == bool(refs)


def test_references_best_is_the_best_similarity_on_any_texts():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from archiver.extract.headline import References, similarity

    words = st.sampled_from(["Hà", "Nội", "mưa", "lớn", "giá", "vàng", "-", "|", "Báo", "X1", ""])
    texts = st.lists(words, max_size=12).map(" ".join)

    @settings(max_examples=400, deadline=None)
    @given(texts, st.lists(texts, max_size=5))
    def check(text: str, refs: list[str]) -> None:
        expected = max((similarity(text, r) for r in refs), default=0.0)
        assert References(refs).best(text) == expected

    check()


_STORY = (
    "<p>"
    + (
        "The council voted on Tuesday to close the old bridge for repairs, a decision that will "
        "reroute traffic for months, officials said. "
    )
    * 3
    + "</p>"
)


def _kicker_page(h1: str, title: str | None) -> bytes:
    head = f"<title>{title}</title>" if title else ""
    return (
        f"<html><head>{head}</head><body><article>{h1}<div class='text'>{_STORY * 4}</div>"
        "</article></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("h1", "title"),
    [
        # the metadata give the headline without the kicker
        (
            "<h1><span>Analysis</span> Why the bridge had to close</h1>",
            "Why the bridge had to close",
        ),
        ("<h1><small>Live</small>Why the bridge had to close</h1>", "Why the bridge had to close"),
        (
            "<h1><span>Traffic</span><span>: Why the bridge had to close</span></h1>",
            "Why the bridge had to close | City News",
        ),
        # no metadata: the class says kicker
        ("<h1><span class='kicker'>Analysis</span> Why the bridge had to close</h1>", None),
        ("<h1><div class='article-dachzeile'>Verkehr</div> Why the bridge had to close</h1>", None),
    ],
)
def test_a_kicker_set_apart_inside_the_headline_is_not_part_of_it(h1: str, title: str | None):
    article = extract(_kicker_page(h1, title), "https://news.example.com/2024/05/01/bridge")
    assert article.title == "Why the bridge had to close"


@pytest.mark.parametrize(
    ("h1", "title", "headline"),
    [
        ("<h1><em>Titanic</em> sinks again in a new film</h1>", None, None),
        ("<h1><em>Titanic</em> sinks again in a new film</h1>", "Titanic sinks again", None),
        # the metadata keep the kicker: so does the headline
        (
            "<h1><span class='kicker'>Analysis:</span> Titanic sinks again in a new film</h1>",
            "Analysis: Titanic sinks again in a new film",
            "Analysis: Titanic sinks again in a new film",
        ),
    ],
)
def test_words_of_the_headline_set_in_an_element_of_their_own_stay(
    h1: str, title: str | None, headline: str | None
):
    article = extract(_kicker_page(h1, title), "https://news.example.com/2024/05/01/titanic")
    assert article.title == (headline or "Titanic sinks again in a new film")


NIGHT_SHIFT = (
    "<p>The ward was quiet at two in the morning, which on a winter night means the heating "
    "had failed again and every patient was asleep under two blankets.</p><p>By five the "
    "first ambulances came in from the ice on the bridge, and the quiet was over.</p>"
)


def _blog_page(home: str) -> bytes:
    return (
        "<html><head><title>Life as a Ward Nurse: The night shift in winter</title></head>"
        "<body><div id='header'><h1 class='title'>"
        f"<a href='{home}'>Life as a Ward Nurse</a></h1><div class='descriptionwrapper'>"
        "<p class='description'>Every day I care for forty patients on a surgical ward. In this "
        "blog I write about the nights, the patients, the rota and what hospitals could do better."
        "</p></div></div><div id='main'><div class='post'>"
        "<h2 class='date-header'>Wednesday, 17 January 2018</h2>"
        "<h3 class='post-title'>The night shift in winter</h3>"
        f"<div class='post-body'>{NIGHT_SHIFT}</div>"
        "</div></div></body></html>"
    ).encode()


@pytest.mark.parametrize("home", ["https://wardnurse.example.org/", "/", "/index.html"])
def test_an_h1_linking_to_the_home_page_is_the_blogs_name_not_the_headline(home: str):
    # The blog's name heads every page, linked home, and opens the document title: the post's
    # own title is the headline, and the blog's description under its name is no lead.
    article = extract(_blog_page(home), "https://wardnurse.example.org/2018/01/night-shift.html")
    assert article.title == "The night shift in winter"
    assert article.body is not None and article.body.startswith("The ward was quiet")
    assert "Every day I care" not in article.body
